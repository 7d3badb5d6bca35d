// Self-normalised IPW (Swaminathan & Joachims 2015, "The self-normalized estimator for
// counterfactual learning", eq. 2): V_SNIPW = sum_i w_i r_i / sum_i w_i. Consistent but biased
// in finite samples; bounded by the reward range, yet not a mean of bounded terms, so its
// terms carry no a-priori range (the aggregation then skips Hoeffding and Bernstein).
#include <cstddef>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms snipw_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  const std::size_t n = rounds.size();
  EstimatorTerms terms;
  terms.contribution.resize(n);
  terms.normaliser.resize(n);
  terms.weights.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double w = rounds.target_pscore[i] / rounds.pscore[i];
    terms.weights[i] = w;
    terms.normaliser[i] = w;
    terms.contribution[i] = w * rounds.reward[i];
  }
  return terms;
}

}  // namespace shoprl
