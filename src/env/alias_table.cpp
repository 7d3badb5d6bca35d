#include "env/alias_table.h"

#include <cmath>
#include <numeric>

#include "core/error.h"

namespace shoprl {

AliasTable::AliasTable(const std::vector<double>& weights)
    : probability_(weights.size()), alias_(weights.size()) {
  for (const double w : weights)
    if (!(w >= 0) || !std::isfinite(w))
      throw Error("alias table: weights must be finite and non-negative");
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (weights.empty() || !(total > 0) || !std::isfinite(total))
    throw Error("alias table: weights must have a positive, finite sum");
  const double n = static_cast<double>(weights.size());
  std::vector<std::int32_t> small, large;
  std::vector<double> scaled(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    scaled[i] = weights[i] * n / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::int32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::int32_t s = small.back();
    small.pop_back();
    const std::int32_t l = large.back();
    probability_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left has probability 1 up to rounding.
  for (std::int32_t i : large) probability_[i] = 1.0, alias_[i] = i;
  for (std::int32_t i : small) probability_[i] = 1.0, alias_[i] = i;
}

}  // namespace shoprl
