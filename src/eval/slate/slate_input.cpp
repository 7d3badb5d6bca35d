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

std::string missing_column(const std::vector<double>& column, std::size_t rows, const char* name) {
  if (column.empty()) return fmt::format("needs {}: the input does not have it", name);
  if (column.size() != rows) {
    return fmt::format("needs {}: it has {} entries for {} rows", name, column.size(), rows);
  }
  for (std::size_t row = 0; row < rows; ++row) {
    if (std::isnan(column[row])) {
      return fmt::format("needs {}: row {} is NaN (the input does not know it)", name, row);
    }
  }
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

}  // namespace shoprl::slate_detail
