// The true value beside each estimate (true_value.h).
#include "eval/true_value.h"

#include <fmt/format.h>

namespace shoprl {

std::vector<std::string> attach_true_value(const PolicyValue& truth, const LoggedRounds& rounds,
                                           double gamma, OpeResult& result) {
  std::vector<std::string> notes;
  bool one_slate_per_session = rounds.has_slates() && rounds.has_sessions();
  if (one_slate_per_session) {
    for (std::size_t row = 1; row < rounds.size(); ++row) {
      const bool new_slate = rounds.slate_id[row] != rounds.slate_id[row - 1];
      const bool new_session = rounds.session_id[row] != rounds.session_id[row - 1];
      if (new_slate != new_session) {
        one_slate_per_session = false;
        break;
      }
    }
  }
  const double slots = rounds.len_list;
  // Discounting changes a session's value only where a session holds more than one slate.
  const bool discounted = gamma < 1 && !one_slate_per_session;
  for (Estimate& estimate : result.estimates) {
    if (discounted) continue;
    if (estimate.unit == "session") {
      estimate.true_value = truth.value;
      estimate.true_value_std_error = truth.std_error;
    } else if (one_slate_per_session && estimate.unit == "slate") {
      estimate.true_value = truth.value;
      estimate.true_value_std_error = truth.std_error;
    } else if (one_slate_per_session && estimate.unit == "round") {
      estimate.true_value = truth.value / slots;
      estimate.true_value_std_error = truth.std_error / slots;
    }
  }
  notes.push_back(fmt::format(
      "True value: the Monte Carlo value of '{}' in the world that wrote the logs ({} sessions; "
      "{:.6g} +- {:.2g} per session).",
      truth.name, truth.episodes, truth.value, truth.std_error));
  if (discounted) {
    notes.push_back(fmt::format(
        "No estimate is compared with the true value: the session estimators discount by "
        "ope.gamma = {:g}, while the true value is the undiscounted return of a session. Set "
        "ope.gamma: 1 to compare them.",
        gamma));
  } else if (!one_slate_per_session) {
    notes.push_back(
        "Sessions hold several slates: per-round and per-slate estimators estimate the reward "
        "per impression or slate in the logged states, which has no true counterpart in "
        "/truth; only the session estimators are compared with the truth.");
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
