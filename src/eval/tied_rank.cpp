#include "eval/tied_rank.h"

#include <algorithm>
#include <cmath>

namespace shoprl {

double expected_hit_at_k(std::int64_t higher, std::int64_t ties, int k) {
  // rank uniform on [higher + 1, higher + ties + 1]: ties + 1 equally likely ranks.
  const std::int64_t inside = std::clamp<std::int64_t>(k - higher, 0, ties + 1);
  return static_cast<double>(inside) / static_cast<double>(ties + 1);
}

double expected_ndcg_at_k(std::int64_t higher, std::int64_t ties, int k) {
  const std::int64_t last = std::min<std::int64_t>(higher + ties + 1, k);
  double sum = 0;
  for (std::int64_t rank = higher + 1; rank <= last; ++rank)
    sum += 1.0 / std::log2(static_cast<double>(rank) + 1.0);
  return sum / static_cast<double>(ties + 1);
}

}  // namespace shoprl
