#include "eval/sequential/session_steps.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "core/error.h"

namespace shoprl {
namespace {

void require_length(const std::vector<double>& values, std::size_t rows, const char* name) {
  if (values.size() != rows) {
    throw DataError(fmt::format("{}: {} entries for {} logged rows", name, values.size(), rows));
  }
}

// Each step's rows, as offsets into the rows: slates when the input has them, rows otherwise.
std::vector<std::size_t> step_rows(const LoggedRounds& rounds) {
  if (!rounds.has_slates()) {
    std::vector<std::size_t> offsets(rounds.size() + 1);
    for (std::size_t row = 0; row <= rounds.size(); ++row) offsets[row] = row;
    return offsets;
  }
  if (rounds.slate_id.size() != rounds.size()) {
    throw DataError(fmt::format("slate_id: {} entries for {} logged rows", rounds.slate_id.size(),
                                rounds.size()));
  }
  std::vector<std::size_t> offsets = group_offsets(rounds.slate_id, "slate_id");
  // A slate that straddles two sessions would put one decision in both: its weight would enter
  // two products and its reward would be split between two returns.
  for (std::size_t k = 0; k + 1 < offsets.size(); ++k) {
    for (std::size_t row = offsets[k] + 1; row < offsets[k + 1]; ++row) {
      if (rounds.session_id[row] != rounds.session_id[offsets[k]]) {
        throw DataError(fmt::format(
            "slate_id: row {}: slate {} spans sessions {} and {}; a slate must lie inside one "
            "session",
            row, rounds.slate_id[row], rounds.session_id[offsets[k]], rounds.session_id[row]));
      }
    }
  }
  return offsets;
}

}  // namespace

std::size_t SessionSteps::longest() const {
  std::size_t longest = 0;
  for (std::size_t s = 0; s < sessions(); ++s) longest = std::max(longest, length(s));
  return longest;
}

SessionSteps session_steps(const LoggedRounds& rounds) {
  const std::size_t rows = rounds.size();
  if (rounds.session_id.size() != rows) {
    throw DataError(
        fmt::format("session_id: {} entries for {} logged rows", rounds.session_id.size(), rows));
  }
  const bool slates = rounds.has_slates();
  const std::vector<double>& logging = slates ? rounds.slate_pscore : rounds.pscore;
  const std::vector<double>& target = slates ? rounds.slate_target_pscore : rounds.target_pscore;
  require_length(logging, rows, slates ? "slate_pscore" : "pscore");
  require_length(target, rows, slates ? "slate_target_pscore" : "target_pscore");
  const bool model = rounds.has_reward_model();
  if (model) {
    require_length(rounds.q_logged, rows, "q_logged");
    require_length(rounds.q_target, rows, "q_target");
  }

  const std::vector<std::size_t> session_rows = group_offsets(rounds.session_id, "session_id");
  const std::vector<std::size_t> step_row = step_rows(rounds);
  const std::size_t steps = step_row.size() - 1;

  SessionSteps out;
  out.reward.assign(steps, 0.0);
  out.step_weight.assign(steps, 0.0);
  out.cumulative_weight.assign(steps, 0.0);
  if (model) {
    out.q_logged.assign(steps, 0.0);
    out.q_target.assign(steps, 0.0);
  }
  out.step_offset.reserve(session_rows.size());
  std::size_t session = 0;
  double weight = 1.0;
  for (std::size_t k = 0; k < steps; ++k) {
    const std::size_t first = step_row[k];
    // Slates nest in sessions (checked above), so a step opens a session exactly when its first
    // row does.
    if (session < session_rows.size() - 1 && first == session_rows[session]) {
      out.step_offset.push_back(k);
      ++session;
      weight = 1.0;
    }
    if (!(logging[first] > 0.0)) {
      throw DataError(fmt::format("{}: row {}: logging propensity {} is not positive",
                                  slates ? "slate_pscore" : "pscore", first, logging[first]));
    }
    // Slate propensities are repeated on every row of the slate: the first row speaks for it.
    out.step_weight[k] = target[first] / logging[first];
    weight *= out.step_weight[k];
    out.cumulative_weight[k] = weight;
    for (std::size_t row = first; row < step_row[k + 1]; ++row) {
      out.reward[k] += rounds.reward[row];
      if (model) {
        out.q_logged[k] += rounds.q_logged[row];
        out.q_target[k] += rounds.q_target[row];
      }
    }
  }
  out.step_offset.push_back(steps);
  return out;
}

std::string sequential_decline_reason(const LoggedRounds& rounds, bool needs_reward_model) {
  if (!rounds.has_sessions()) {
    return "no sessions in the input (session_id is absent): a sequential estimator needs them";
  }
  // A step's probabilities must be known under both policies: a NaN (a slate probability the
  // policy cannot say) would make every later weight of its session NaN.
  const bool slates = rounds.has_slates();
  // Without slates each row is a step. Rows that are slots of one slate are not: the product of
  // their per-slot ratios is not the slate's importance weight (the slots are drawn jointly).
  if (!slates && rounds.len_list > 1) {
    return fmt::format(
        "{} slots per slate but no slates (slate_id, slate_pscore): a sequential estimator would "
        "multiply the per-slot ratios of one slate's rows as if each were a decision, which is "
        "not an importance weight",
        rounds.len_list);
  }
  for (const std::string& reason :
       {missing_column(slates ? rounds.slate_pscore : rounds.pscore, rounds.size(),
                       slates ? "slate_pscore" : "pscore"),
        missing_column(slates ? rounds.slate_target_pscore : rounds.target_pscore, rounds.size(),
                       slates ? "slate_target_pscore" : "target_pscore")}) {
    if (!reason.empty()) return reason;
  }
  if (needs_reward_model && !rounds.has_reward_model()) {
    return "no reward model (q_logged, q_target): set reward_model.kind or give "
           "estimated_rewards_by_reg_model";
  }
  return "";
}

std::vector<double> as_multiplicity(const std::vector<std::uint32_t>& count) {
  return std::vector<double>(count.begin(), count.end());
}

std::vector<double> step_weight_sums(const SessionSteps& steps, const std::vector<double>& count) {
  const std::size_t longest = steps.longest();
  std::vector<double> sums(longest, 0.0);
  // ended[t]: the final weights of sessions of length t, which stay in every D_t' with t' >= t.
  std::vector<double> ended(longest + 1, 0.0);
  for (std::size_t s = 0; s < steps.sessions(); ++s) {
    if (count[s] == 0.0) continue;
    const std::size_t first = steps.step_offset[s];
    for (std::size_t t = 0; t < steps.length(s); ++t) {
      sums[t] += count[s] * steps.cumulative_weight[first + t];
    }
    ended[steps.length(s)] += count[s] * steps.final_weight(s);
  }
  double carried = 0.0;
  for (std::size_t t = 0; t < longest; ++t) {
    carried += ended[t];
    sums[t] += carried;
  }
  return sums;
}

double final_session_weight(const SessionSteps& steps, std::size_t session) {
  return steps.final_weight(session);
}

EstimatorTerms resampled_session_terms(const LoggedRounds& rounds, const OpeConfig& config,
                                       bool needs_reward_model, SessionStatistic statistic,
                                       SessionWeight session_weight) {
  EstimatorTerms terms;
  terms.declined = sequential_decline_reason(rounds, needs_reward_model);
  if (!terms.declined.empty()) return terms;

  auto steps = std::make_shared<const SessionSteps>(session_steps(rounds));
  const double gamma = config.gamma;
  const std::vector<double> ones(steps->sessions(), 1.0);
  terms.value = statistic(*steps, gamma, ones, &terms.contribution);
  for (std::size_t s = 0; s < steps->sessions(); ++s)
    terms.weights.push_back(session_weight(*steps, s));
  terms.resampled_value = [steps, gamma, statistic](const std::vector<std::uint32_t>& count) {
    return statistic(*steps, gamma, as_multiplicity(count), nullptr);
  };
  return terms;
}

}  // namespace shoprl
