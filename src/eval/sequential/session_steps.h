// Logged rounds regrouped as sessions of steps, the unit of the sequential estimators: a step is
// a slate when the input has slates (its rows summed) and a row otherwise (docs/ope.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "eval/estimator_terms.h"
#include "eval/logged_rounds.h"
#include "eval/ope_config.h"

namespace shoprl {

struct SessionSteps {
  // Steps of session s are [step_offset[s], step_offset[s + 1]), in time order.
  std::vector<std::size_t> step_offset;
  std::vector<double> reward;             // R_t: the step's summed reward
  std::vector<double> step_weight;        // rho_t = pi(step t) / mu(step t)
  std::vector<double> cumulative_weight;  // w_{0:t} = prod_{t' <= t} rho_t'
  // Immediate-reward model of the step (empty without a reward model): Qhat_t sums the rows'
  // q_logged, Vhat_t their q_target.
  std::vector<double> q_logged;
  std::vector<double> q_target;

  std::size_t sessions() const { return step_offset.empty() ? 0 : step_offset.size() - 1; }
  std::size_t steps() const { return reward.size(); }
  std::size_t length(std::size_t s) const { return step_offset[s + 1] - step_offset[s]; }
  std::size_t longest() const;
  bool has_reward_model() const { return !q_logged.empty(); }
  // The session's last cumulative weight (1 for an empty session, which cannot occur).
  double final_weight(std::size_t s) const {
    return step_offset[s + 1] > step_offset[s] ? cumulative_weight[step_offset[s + 1] - 1] : 1.0;
  }
};

// Groups `rounds` into sessions of steps. DataError naming the array and row when session_id,
// slate_id or the propensity arrays have the wrong length, when a slate spans two sessions,
// or when a step's logging propensity is not positive. Requires rounds.has_sessions().
SessionSteps session_steps(const LoggedRounds& rounds);

// Why a sequential estimator cannot run on `rounds` ("" = it can): no sessions, a step
// probability missing or NaN under either policy (naming the first such row), or no reward
// model when it needs one.
std::string sequential_decline_reason(const LoggedRounds& rounds, bool needs_reward_model);

// Per-session multiplicities as doubles (a bootstrap resample's count[u]); DataError-free: the
// caller passes one count per session.
std::vector<double> as_multiplicity(const std::vector<std::uint32_t>& count);

// D_t = sum_s count[s] w^s_{0:min(t, T_s - 1)} for t = 0..longest-1: the normalisers of the
// weighted estimators. A session that has ended keeps its final cumulative weight (and adds
// reward 0): the sessions are padded to one length with an absorbing state whose single action
// has ratio 1 (Thomas 2015; Thomas & Brunskill 2016), which keeps on-policy
// data (all weights 1) at D_t = n, where the weighted estimators equal the unweighted ones.
std::vector<double> step_weight_sums(const SessionSteps& steps, const std::vector<double>& count);

// A session estimator that is not a mean of per-session terms (the weighted ones): `statistic`
// gives the estimate with session s counted count[s] times and, when `share` is not null,
// appends each session's share of it times n (their mean is the estimate).
using SessionStatistic = double (*)(const SessionSteps& steps, double gamma,
                                    const std::vector<double>& count, std::vector<double>* share);

// Terms of such an estimator: `value` on the data, the shares as `contribution` (so units()
// counts sessions), each session's final weight, and the exact `resampled_value`. Declines as
// sequential_decline_reason says.
// `session_weight` gives each session's weights diagnostic (by default its final cumulative
// weight).
using SessionWeight = double (*)(const SessionSteps& steps, std::size_t session);
double final_session_weight(const SessionSteps& steps, std::size_t session);
EstimatorTerms resampled_session_terms(const LoggedRounds& rounds, const OpeConfig& config,
                                       bool needs_reward_model, SessionStatistic statistic,
                                       SessionWeight session_weight = &final_session_weight);

}  // namespace shoprl
