// Doubly robust with optimistic shrinkage (Su, Dimakopoulou, Krishnamurthy & Dudik 2020,
// "Doubly robust off-policy evaluation with shrinkage", eq. 8):
//   w_hat = lambda w / (w^2 + lambda),
//   V_DRos = (1/n) sum_i [ q(x_i, pi) + w_hat_i (r_i - q(x_i, a_i)) ].
// lambda = 0 gives the direct method; lambda -> infinity gives DR.
#include <cmath>
#include <cstddef>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms dr_os_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  if (!rounds.has_reward_model()) {
    terms.declined = bandit_detail::kNeedsRewardModel;
    return terms;
  }
  const std::size_t n = rounds.size();
  const double lambda = config.dr_os_lambda;
  terms.contribution.resize(n);
  terms.weights.resize(n);
  bool model_in_range = true;
  for (std::size_t i = 0; i < n; ++i) {
    model_in_range = model_in_range && bandit_detail::model_in_reward_range(rounds, i);
    const double w = rounds.target_pscore[i] / rounds.pscore[i];
    // lambda = 0 is the direct method; written out so that w = 0 does not give 0/0.
    const double shrunk = lambda > 0.0 ? lambda * w / (w * w + lambda) : 0.0;
    // "Clipped" counts the weights shrinkage more than halved: shrunk < w/2 exactly when
    // w^2 > lambda, i.e. w > sqrt(lambda), past the peak of w_hat (w_hat <= sqrt(lambda)/2).
    if (shrunk < 0.5 * w) ++terms.clipped;
    terms.weights[i] = shrunk;
    terms.contribution[i] = rounds.q_target[i] + shrunk * (rounds.reward[i] - rounds.q_logged[i]);
  }
  // w_hat is at most sqrt(lambda)/2 (its maximum, at w = sqrt(lambda)): an a-priori bound.
  bandit_detail::set_dr_contribution_range(rounds, 0.5 * std::sqrt(lambda), model_in_range, terms);
  return terms;
}

}  // namespace shoprl
