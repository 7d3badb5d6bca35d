// Switch doubly robust (Wang, Agarwal & Dudik 2017, eq. 6), in Open Bandit Pipeline's form
// (SwitchDoublyRobust): DR's correction only where the weight is at most lambda,
//   V_SwitchDR = (1/n) sum_i [ q(x_i, pi) + 1{w_i <= lambda} w_i (r_i - q(x_i, a_i)) ].
// (The paper switches to the model on the actions with large weight, which for the logged
// action is the same indicator; OBP keeps the DM term on every round, as here.)
#include <cstddef>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms switch_dr_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  if (!rounds.has_reward_model()) {
    terms.declined = bandit_detail::kNeedsRewardModel;
    return terms;
  }
  const std::size_t n = rounds.size();
  const double lambda = config.switch_lambda;
  terms.contribution.resize(n);
  terms.weights.resize(n);
  bool model_in_range = true;
  for (std::size_t i = 0; i < n; ++i) {
    model_in_range = model_in_range && bandit_detail::model_in_reward_range(rounds, i);
    const double w = rounds.target_pscore[i] / rounds.pscore[i];
    // The weight used is 0 where the estimator switched to the model (reported as such).
    double used = w;
    if (w > lambda) {
      used = 0.0;
      ++terms.clipped;
    }
    terms.weights[i] = used;
    terms.contribution[i] = rounds.q_target[i] + used * (rounds.reward[i] - rounds.q_logged[i]);
  }
  // lambda bounds every weight used, a priori.
  bandit_detail::set_dr_contribution_range(rounds, lambda, model_in_range, terms);
  return terms;
}

}  // namespace shoprl
