// Self-normalised doubly robust (Kallus & Uehara 2019; OBP's SelfNormalizedDoublyRobust):
//   V_SNDR = (1/n) sum_i q(x_i, pi) + sum_i w_i (r_i - q(x_i, a_i)) / sum_i w_i.
// The direct-method part is a plain mean (the offset); only the correction is normalised.
#include <cstddef>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms sndr_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  if (!rounds.has_reward_model()) {
    terms.declined = bandit_detail::kNeedsRewardModel;
    return terms;
  }
  const std::size_t n = rounds.size();
  terms.offset = rounds.q_target;
  terms.contribution.resize(n);
  terms.normaliser.resize(n);
  terms.weights.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double w = rounds.target_pscore[i] / rounds.pscore[i];
    terms.weights[i] = w;
    terms.normaliser[i] = w;
    terms.contribution[i] = w * (rounds.reward[i] - rounds.q_logged[i]);
  }
  // Self-normalised: no a-priori range of one term (contribution_min/max stay NaN).
  return terms;
}

}  // namespace shoprl
