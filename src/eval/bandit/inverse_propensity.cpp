// Inverse propensity weighting (Horvitz & Thompson 1952; Dudik et al. 2011, eq. 2) with
// optional clipping: V_IPW = (1/n) sum_i min(w_i, lambda) r_i, w_i = pi(a_i|x_i) / mu(a_i|x_i).
// Clipping (lambda = ipw_clip > 0) trades bias for variance (Ionides 2008).
#include <algorithm>
#include <cstddef>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms ipw_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  const std::size_t n = rounds.size();
  const bool clipping = config.ipw_clip > 0.0;
  EstimatorTerms terms;
  terms.contribution.resize(n);
  terms.weights.resize(n);
  double max_weight = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double w = rounds.target_pscore[i] / rounds.pscore[i];
    if (clipping && w > config.ipw_clip) {
      w = config.ipw_clip;
      ++terms.clipped;
    }
    terms.weights[i] = w;
    terms.contribution[i] = w * rounds.reward[i];
    max_weight = std::max(max_weight, w);
  }
  // With clipping the weight is bounded a priori by lambda. Without it the largest observed
  // weight stands in for the bound, which makes Hoeffding and empirical-Bernstein intervals
  // data-dependent (and no longer guaranteed): nothing else bounds w = pi / mu.
  const double weight_bound = clipping ? config.ipw_clip : max_weight;
  terms.contribution_min = std::min(0.0, rounds.reward_min * weight_bound);
  terms.contribution_max = std::max(0.0, rounds.reward_max * weight_bound);
  return terms;
}

}  // namespace shoprl
