// The true value beside each estimate (true_value.h).
#include "eval/true_value.h"

#include <fmt/format.h>

namespace shoprl {

bool one_slate_per_session(const LoggedRounds& rounds) {
  if (!rounds.has_slates() || !rounds.has_sessions()) return false;
  for (std::size_t row = 1; row < rounds.size(); ++row) {
    const bool new_slate = rounds.slate_id[row] != rounds.slate_id[row - 1];
    const bool new_session = rounds.session_id[row] != rounds.session_id[row - 1];
    if (new_slate != new_session) return false;
  }
  return true;
}

std::vector<std::string> attach_true_value(const PolicyValue& truth, const LoggedRounds& rounds,
                                           double gamma, OpeResult& result,
                                           const PolicyValue* in_logged_states) {
  std::vector<std::string> notes;
  const bool one_step = one_slate_per_session(rounds);
  const double slots = rounds.len_list;
  // Discounting changes a session's value only where a session holds more than one slate.
  const bool discounted = gamma < 1 && !one_step;
  // The per-slate truth: the session's in a one-step world, else the logged states' one.
  const PolicyValue* per_slate = one_step ? &truth : in_logged_states;
  for (Estimate& estimate : result.estimates) {
    if (estimate.unit == "session" && !discounted) {
      estimate.true_value = truth.value;
      estimate.true_value_std_error = truth.std_error;
    } else if (per_slate != nullptr && estimate.unit == "slate") {
      estimate.true_value = per_slate->value;
      estimate.true_value_std_error = per_slate->std_error;
    } else if (per_slate != nullptr && estimate.unit == "round") {
      estimate.true_value = per_slate->value / slots;
      estimate.true_value_std_error = per_slate->std_error / slots;
    }
  }
  notes.push_back(fmt::format(
      "True value: the Monte Carlo value of '{}' in the world that wrote the logs ({} sessions; "
      "{:.6g} +- {:.2g} per session).",
      truth.name, truth.episodes, truth.value, truth.std_error));
  if (discounted) {
    notes.push_back(fmt::format(
        "No session estimate is compared with the true value: the session estimators discount "
        "by ope.gamma = {:g}, while the true value is the undiscounted return of a session. Set "
        "ope.gamma: 1 to compare them.",
        gamma));
  }
  if (!one_step && in_logged_states != nullptr) {
    notes.push_back(fmt::format(
        "True value per slate and per round: the world's expected reward of the policy's slate "
        "in each of the {} logged states it is evaluated in (the user, her interest after the "
        "session's earlier clicks, her history), averaged: {:.6g} per slate (+- {:.2g} from the "
        "policy's own draws), and that divided by {} slots per round. This is what per-slate and "
        "per-round estimators estimate; it differs from the session value because the logged "
        "states are the logging policy's, not the evaluated policy's.",
        in_logged_states->episodes, in_logged_states->value, in_logged_states->std_error,
        rounds.len_list));
  } else if (!one_step) {
    notes.push_back(
        "Sessions hold several slates: per-round and per-slate estimators estimate the reward "
        "per impression or slate in the logged states, whose true value was not computed here; "
        "only the session estimators are compared with the truth.");
  }
  return notes;
}

std::string attach_on_policy_yardstick(const std::vector<Estimate>& on_policy_values,
                                       const std::string& source, OpeResult& result) {
  for (Estimate& estimate : result.estimates) {
    for (const Estimate& own : on_policy_values) {
      if (own.unit != estimate.unit) continue;
      estimate.true_value = own.value;
      estimate.true_value_std_error = own.std_error;
    }
  }
  return fmt::format(
      "Yardstick (the true-value column): the on-policy value of {}, the evaluation policy's own "
      "logs, in each unit. Not a truth: it carries those logs' sampling error (its standard "
      "error is shown), and their logging period may differ from the evaluated logs'.",
      source);
}

}  // namespace shoprl
