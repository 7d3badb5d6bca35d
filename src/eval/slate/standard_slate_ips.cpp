// Standard slate IPS (Swaminathan et al. 2017, "Off-policy evaluation for slate
// recommendation", eq. 2; OBP's SlateStandardIPS):
//   V_SIPS = (1/n) sum_slates [ pi(s) / mu(s) ] sum_k r_k.
// Unbiased whatever the reward's form, at the price of the joint weight's variance.
// Self-normalised SIPS divides by the summed weights instead (as SNIPW does IPW).
#include <algorithm>
#include <cstddef>
#include <limits>

#include "eval/slate/slate_estimators.h"

namespace shoprl {

EstimatorTerms sips_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  const std::size_t n = rounds.size();
  for (const std::string& reason :
       {slate_detail::missing_slates(rounds),
        missing_column(rounds.slate_pscore, n, "slate_pscore"),
        missing_column(rounds.slate_target_pscore, n, "slate_target_pscore")}) {
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
    const std::size_t first = offsets[s];
    // The joint probabilities are repeated on every row of the slate; the first row speaks.
    const double w = rounds.slate_target_pscore[first] / rounds.slate_pscore[first];
    double reward_sum = 0.0;
    for (std::size_t row = first; row < offsets[s + 1]; ++row) reward_sum += rounds.reward[row];
    terms.weights[s] = w;
    terms.contribution[s] = w * reward_sum;
    max_weight = std::max(max_weight, w);
    max_slots = std::max(max_slots, offsets[s + 1] - first);
  }
  // The largest observed weight stands in for the bound on pi(s)/mu(s): data-dependent, as
  // for unclipped IPW.
  slate_detail::set_weighted_reward_range(rounds, max_slots, 0.0, max_weight, terms);
  return terms;
}

EstimatorTerms snsips_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  // The same weights, divided by their sum instead of the slate count: biased by O(1/n) but with
  // a far smaller variance when the weights are heavy-tailed and their mean strays from 1 (the
  // closed loop's gate, docs/closed-loop.md), as SNIPW is to IPW.
  EstimatorTerms terms = sips_terms(rounds, config);
  if (!terms.declined.empty()) return terms;
  terms.normaliser = terms.weights;
  terms.contribution_min = terms.contribution_max = std::numeric_limits<double>::quiet_NaN();
  return terms;
}

}  // namespace shoprl
