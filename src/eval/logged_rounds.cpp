#include "eval/logged_rounds.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/error.h"

namespace shoprl {

std::vector<std::size_t> group_offsets(const std::vector<std::int64_t>& ids, const char* what) {
  std::vector<std::size_t> offsets;
  offsets.reserve(ids.size() / 2 + 2);
  std::unordered_set<std::int64_t> finished;
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (row > 0 && ids[row] == ids[row - 1]) continue;
    if (row > 0) finished.insert(ids[row - 1]);
    // A run that restarts means the rows of one unit are not contiguous: the per-unit products
    // of the slate and sequential estimators would silently split it in two.
    if (finished.count(ids[row]) != 0) {
      throw DataError(
          fmt::format("{}: row {}: id {} reappears after other ids; the rows of one {} "
                      "must be contiguous",
                      what, row, ids[row], what));
    }
    offsets.push_back(row);
  }
  offsets.push_back(ids.size());
  return offsets;
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

std::size_t first_reward_outside_range(const LoggedRounds& rounds) {
  // Stores keep rewards in single precision (1.2 is read back as 1.2000000477): allow that
  // much rounding beyond each bound.
  const auto slack = [](double bound) { return 1e-6 * std::max(1.0, std::abs(bound)); };
  const double low = rounds.reward_min - slack(rounds.reward_min);
  const double high = rounds.reward_max + slack(rounds.reward_max);
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    if (rounds.reward[i] < low || rounds.reward[i] > high) return i;
  }
  return rounds.size();
}

}  // namespace shoprl
