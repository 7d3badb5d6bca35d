// Sequential doubly robust (Jiang & Li 2016): their backward recursion
//   V_DR(t) = Vhat_t + rho_t (R_t + gamma V_DR(t+1) - Qhat_t)
// unrolled into the per-decision form Thomas & Brunskill (2016) write it in:
//   DR = (1/n) sum_s sum_t gamma^t [ w^s_{0:t} (R^s_t - Qhat^s_t) + w^s_{0:t-1} Vhat^s_t ],
// w_{0:-1} = 1. Qhat_t and Vhat_t are immediate-reward models of the step (the logged slate's
// predicted reward, and its expectation under the target policy), not fitted values-to-go:
// the estimator stays unbiased whenever the propensities are right, whatever the model, but the
// control variate removes only the immediate reward's share of the variance; the future
// rewards' share stays as in PDIS.
#include "eval/sequential/sequential_estimators.h"
#include "eval/sequential/session_steps.h"

namespace shoprl {

EstimatorTerms seq_dr_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  terms.declined = sequential_decline_reason(rounds, /*needs_reward_model=*/true);
  if (!terms.declined.empty()) return terms;

  const SessionSteps steps = session_steps(rounds);
  terms.contribution.reserve(steps.sessions());
  terms.weights.reserve(steps.sessions());
  for (std::size_t s = 0; s < steps.sessions(); ++s) {
    double discounted = 0.0;
    double discount = 1.0;         // gamma^t
    double previous_weight = 1.0;  // w_{0:t-1}
    for (std::size_t k = steps.step_offset[s]; k < steps.step_offset[s + 1]; ++k) {
      const double weight = steps.cumulative_weight[k];
      discounted += discount * (weight * (steps.reward[k] - steps.q_logged[k]) +
                                previous_weight * steps.q_target[k]);
      previous_weight = weight;
      discount *= config.gamma;
    }
    terms.contribution.push_back(discounted);
    terms.weights.push_back(steps.final_weight(s));
  }
  return terms;
}

}  // namespace shoprl
