// Independent IPS (Li, Abbasi-Yadkori, Kveton, Muthukrishnan, Vinay & Wen 2018, "Offline
// evaluation of ranking policies with click models", the item-position estimator; OBP's
// SlateIndependentIPS):
//   V_IIPS = (1/n) sum_slates sum_k r_k pi_k(s_k) / mu_k(s_k),
// with the slot marginals of each row. Unbiased when each slot's reward depends on its own
// item only.
#include <algorithm>
#include <cstddef>

#include "eval/slate/slate_estimators.h"

namespace shoprl {

EstimatorTerms iips_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  terms.declined = slate_detail::missing_slates(rounds);
  if (!terms.declined.empty()) return terms;
  const std::vector<std::size_t> offsets = group_offsets(rounds.slate_id, "slate_id");
  const std::size_t slates = offsets.size() - 1;
  terms.contribution.resize(slates);
  terms.weights.resize(slates);
  double max_weight = 0.0;
  std::size_t max_slots = 0;
  for (std::size_t s = 0; s < slates; ++s) {
    double weighted_reward = 0.0;
    double weight_sum = 0.0;
    for (std::size_t row = offsets[s]; row < offsets[s + 1]; ++row) {
      const double w = rounds.target_pscore[row] / rounds.pscore[row];
      weighted_reward += w * rounds.reward[row];
      weight_sum += w;
      max_weight = std::max(max_weight, w);
    }
    const std::size_t slots = offsets[s + 1] - offsets[s];
    terms.contribution[s] = weighted_reward;
    // One weight per slate for the diagnostics: the mean of its slots' weights (each has
    // expectation 1 under the logging policy, so the mean does too).
    terms.weights[s] = weight_sum / static_cast<double>(slots);
    max_slots = std::max(max_slots, slots);
  }
  // Data-dependent bound: the largest observed slot weight.
  slate_detail::set_weighted_reward_range(rounds, max_slots, 0.0, max_weight, terms);
  return terms;
}

}  // namespace shoprl
