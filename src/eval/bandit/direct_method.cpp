// Direct method (Dudik, Langford & Li 2011, eq. 1): V_DM = (1/n) sum_i q(x_i, pi), where
// q(x_i, pi) = sum_a pi(a | x_i, pos_i) q(x_i, a, pos_i) is precomputed as q_target.
#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms dm_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  if (!rounds.has_reward_model()) {
    terms.declined = bandit_detail::kNeedsRewardModel;
    return terms;
  }
  terms.contribution = rounds.q_target;
  // The model's predictions are means of rewards, so they share the rewards' range.
  terms.contribution_min = rounds.reward_min;
  terms.contribution_max = rounds.reward_max;
  return terms;
}

}  // namespace shoprl
