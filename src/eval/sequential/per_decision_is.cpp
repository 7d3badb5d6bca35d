// Per-decision importance sampling (Precup, Sutton & Singh 2000): each reward is
// weighted by the ratio of the decisions made up to it, not the whole session's,
//   PDIS = (1/n) sum_s sum_t gamma^t w^s_{0:t} R^s_t,   w_{0:t} = prod_{t' <= t} rho_{t'}.
#include "eval/sequential/sequential_estimators.h"
#include "eval/sequential/session_steps.h"

namespace shoprl {

EstimatorTerms pdis_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  terms.declined = sequential_decline_reason(rounds, /*needs_reward_model=*/false);
  if (!terms.declined.empty()) return terms;

  const SessionSteps steps = session_steps(rounds);
  terms.contribution.reserve(steps.sessions());
  terms.weights.reserve(steps.sessions());
  for (std::size_t s = 0; s < steps.sessions(); ++s) {
    double discounted = 0.0;
    double discount = 1.0;  // gamma^t
    for (std::size_t k = steps.step_offset[s]; k < steps.step_offset[s + 1]; ++k) {
      discounted += discount * steps.cumulative_weight[k] * steps.reward[k];
      discount *= config.gamma;
    }
    terms.contribution.push_back(discounted);
    terms.weights.push_back(steps.final_weight(s));
  }
  return terms;
}

}  // namespace shoprl
