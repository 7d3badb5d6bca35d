// What the slate estimators share: the checks behind their declines and the range of a
// weighted slate reward.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "eval/slate/slate_estimators.h"

namespace shoprl::slate_detail {

std::string missing_slates(const LoggedRounds& rounds) {
  if (!rounds.has_slates()) return "needs slates (slate_id): the input has no slate structure";
  return "";
}

void set_weighted_reward_range(const LoggedRounds& rounds, std::size_t max_slots, double weight_min,
                               double weight_max, EstimatorTerms& terms) {
  // One slot's r v has its extremes at the corners of the box; a slate with fewer slots than
  // max_slots adds nothing for the missing ones, hence the 0 in each bound.
  const double corners[4] = {rounds.reward_min * weight_min, rounds.reward_min * weight_max,
                             rounds.reward_max * weight_min, rounds.reward_max * weight_max};
  const double slot_min = std::min({0.0, corners[0], corners[1], corners[2], corners[3]});
  const double slot_max = std::max({0.0, corners[0], corners[1], corners[2], corners[3]});
  terms.contribution_min = static_cast<double>(max_slots) * slot_min;
  terms.contribution_max = static_cast<double>(max_slots) * slot_max;
}

void fill_per_slot_weighted_terms(const LoggedRounds& rounds, const std::vector<double>& target,
                                  const std::vector<double>& logging, EstimatorTerms& terms) {
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
      const double w = target[row] / logging[row];
      weighted_reward += w * rounds.reward[row];
      weight_sum += w;
      max_weight = std::max(max_weight, w);
    }
    const std::size_t slots = offsets[s + 1] - offsets[s];
    terms.contribution[s] = weighted_reward;
    terms.weights[s] = weight_sum / static_cast<double>(slots);
    max_slots = std::max(max_slots, slots);
  }
  set_weighted_reward_range(rounds, max_slots, 0.0, max_weight, terms);
}

}  // namespace shoprl::slate_detail
