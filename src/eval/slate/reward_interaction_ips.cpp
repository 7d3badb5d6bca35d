// Reward-interaction IPS (McInerney, Brost, Chandar, Mehrotra & Carterette 2020,
// "Counterfactual evaluation of slate recommendations with sequential reward interactions",
// the cascade estimator; OBP's SlateRewardInteractionIPS, without self-normalisation):
//   V_RIPS = (1/n) sum_slates sum_k r_k pi(s_0..s_k) / mu(s_0..s_k).
// Unbiased when slot k's reward depends only on the items down to slot k (a cascade).
#include <algorithm>
#include <cstddef>

#include "eval/slate/slate_estimators.h"

namespace shoprl {

EstimatorTerms rips_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  const std::size_t n = rounds.size();
  for (const std::string& reason :
       {slate_detail::missing_slates(rounds),
        slate_detail::missing_column(rounds.prefix_pscore, n, "prefix_pscore"),
        slate_detail::missing_column(rounds.prefix_target_pscore, n, "prefix_target_pscore")}) {
    if (!reason.empty()) {
      terms.declined = reason;
      return terms;
    }
  }
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
      const double w = rounds.prefix_target_pscore[row] / rounds.prefix_pscore[row];
      weighted_reward += w * rounds.reward[row];
      weight_sum += w;
      max_weight = std::max(max_weight, w);
    }
    const std::size_t slots = offsets[s + 1] - offsets[s];
    terms.contribution[s] = weighted_reward;
    // One weight per slate for the diagnostics: the mean of its prefix weights (as for IIPS).
    terms.weights[s] = weight_sum / static_cast<double>(slots);
    max_slots = std::max(max_slots, slots);
  }
  // Data-dependent bound: the largest observed prefix weight.
  slate_detail::set_weighted_reward_range(rounds, max_slots, 0.0, max_weight, terms);
  return terms;
}

}  // namespace shoprl
