// Walker's alias method (Vose's construction): O(1) draws from a fixed discrete distribution,
// used for the popularity-driven organic browsing of the synthetic world.
#pragma once

#include <cstdint>
#include <vector>

#include "env/random_stream.h"

namespace shoprl {

class AliasTable {
 public:
  AliasTable() = default;
  // `weights` must be non-negative with a positive sum.
  explicit AliasTable(const std::vector<double>& weights);

  std::int32_t draw(RandomStream& rng) const {
    const std::uint64_t column = rng.index(probability_.size());
    return rng.uniform() < probability_[column] ? static_cast<std::int32_t>(column)
                                                : alias_[column];
  }
  std::size_t size() const { return probability_.size(); }

 private:
  std::vector<double> probability_;
  std::vector<std::int32_t> alias_;
};

}  // namespace shoprl
