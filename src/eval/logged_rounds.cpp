#include "eval/logged_rounds.h"

#include <fmt/format.h>

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

}  // namespace shoprl
