// Tests Walker's alias method (src/env/alias_table.cpp): draws follow the weights, items of
// weight zero never come up, and weights that are no distribution are refused.
#include "env/alias_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "env/random_stream.h"
#include "env/statistics.h"

namespace shoprl {
namespace {

using testing::binomial_std_error;
using testing::kManySigmas;

// Frequencies of `draws` draws against weight / total, cell by cell.
void expect_draws_follow(const std::vector<double>& weights, std::int64_t draws,
                         std::uint64_t seed) {
  const AliasTable table(weights);
  ASSERT_EQ(table.size(), weights.size());
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> count(weights.size(), 0);
  RandomStream rng(seed);
  for (std::int64_t n = 0; n < draws; ++n) {
    const std::int32_t item = table.draw(rng);
    ASSERT_GE(item, 0);
    ASSERT_LT(item, static_cast<std::int32_t>(weights.size()));
    ++count[item];
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double p = weights[i] / total;
    if (p == 0) {
      EXPECT_EQ(count[i], 0) << "item " << i << " has weight zero";
      continue;
    }
    // 5 sigma per cell (false failure ≈ 5.7e-7 each; under 1e-4 for all the cells of this
    // file). The normal approximation holds: every cell expects over 500 draws.
    ASSERT_GT(p * static_cast<double>(draws), 500.0);
    EXPECT_NEAR(static_cast<double>(count[i]) / static_cast<double>(draws), p,
                kManySigmas * binomial_std_error(p, draws))
        << "item " << i;
  }
}

TEST(AliasTable, DrawsFollowUnevenWeights) {
  expect_draws_follow({0.1, 2.0, 0.5, 1.4, 3.0, 0.25}, 300000, 1);
}

TEST(AliasTable, DrawsFollowZipfWeightsOverFiftyItems) {
  // The shape the world uses: popularity exp(-0.8 ln rank).
  std::vector<double> weights(50);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = std::pow(i + 1.0, -0.8);
  expect_draws_follow(weights, 300000, 2);
}

TEST(AliasTable, ItemsOfWeightZeroAreNeverDrawn) {
  expect_draws_follow({0.0, 1.0, 0.0, 0.0, 2.5, 0.0, 0.7, 0.0}, 200000, 3);
  // Mostly zeros, and zeros on both ends.
  std::vector<double> weights(40, 0.0);
  weights[17] = 1.0;
  weights[23] = 3.0;
  expect_draws_follow(weights, 200000, 4);
}

TEST(AliasTable, OneItemWithWeightIsAlwaysDrawn) {
  const AliasTable table({0.0, 0.0, 5.0, 0.0});
  RandomStream rng(5);
  for (int n = 0; n < 10000; ++n) ASSERT_EQ(table.draw(rng), 2);
  const AliasTable single({1e-300});
  for (int n = 0; n < 100; ++n) ASSERT_EQ(single.draw(rng), 0);
}

TEST(AliasTable, RejectsWeightsThatAreNoDistribution) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const std::vector<double>& bad : std::vector<std::vector<double>>{
           {}, {0.0}, {0.0, 0.0, 0.0}, {1.0, -0.5}, {-1.0, 3.0}, {1.0, nan}, {1.0, inf}}) {
    EXPECT_THROW(AliasTable table(bad), Error) << bad.size() << " weights";
  }
}

}  // namespace
}  // namespace shoprl
