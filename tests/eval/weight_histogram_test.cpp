#include "eval/weight_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/error.h"

namespace shoprl {
namespace {

TEST(WeightHistogram, BinsLog10WeightsInQuarterDecadesAndCountsZerosApart) {
  // log10: -1, 0, 0, 1, 2 -> quarter-decade bins from -1 to 2.25; a weight on an edge goes to
  // the bin above it.
  const WeightHistogram h = make_weight_histogram("ipw", {0, 0.1, 1, 1, 10, 100});
  EXPECT_EQ(h.estimator, "ipw");
  EXPECT_EQ(h.zero_weights, 1u);
  ASSERT_EQ(h.counts.size(), 13u);
  ASSERT_EQ(h.bin_edges.size(), 14u);
  EXPECT_DOUBLE_EQ(h.bin_edges.front(), -1.0);
  EXPECT_DOUBLE_EQ(h.bin_edges.back(), 2.25);
  const std::vector<std::uint64_t> expected = {1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(h.counts, expected);
}

TEST(WeightHistogram, NeverUsesMoreBinsThanAllowedAndCountsEveryWeight) {
  for (const double top_decade : {0.1, 1.0, 3.0, 9.7, 20.0, 300.0}) {
    std::vector<double> weights;
    for (int i = 0; i <= 200; ++i)
      weights.push_back(std::pow(10.0, -top_decade + i * top_decade / 100));
    for (const int max_bins : {2, 7, 40}) {
      const WeightHistogram h = make_weight_histogram("w", weights, max_bins);
      EXPECT_LE(h.counts.size(), static_cast<std::size_t>(max_bins)) << top_decade;
      EXPECT_EQ(std::accumulate(h.counts.begin(), h.counts.end(), std::uint64_t{0}),
                weights.size());
      EXPECT_LE(h.bin_edges.front(), -top_decade + 1e-12);
      EXPECT_GT(h.bin_edges.back(), top_decade);
    }
  }
}

TEST(WeightHistogram, OneWeightGetsOneBin) {
  const WeightHistogram h = make_weight_histogram("w", {2.0, 2.0});
  ASSERT_EQ(h.counts.size(), 1u);
  EXPECT_EQ(h.counts[0], 2u);
  EXPECT_LE(h.bin_edges[0], std::log10(2.0));
  EXPECT_GT(h.bin_edges[1], std::log10(2.0));
}

TEST(WeightHistogram, OnlyZerosGiveNoBins) {
  const WeightHistogram h = make_weight_histogram("w", {0, 0, 0});
  EXPECT_TRUE(h.counts.empty());
  EXPECT_TRUE(h.bin_edges.empty());
  EXPECT_EQ(h.zero_weights, 3u);
}

TEST(WeightHistogram, RejectsNegativeAndNonFiniteWeights) {
  EXPECT_THROW(make_weight_histogram("w", {1, -0.5}), DataError);
  EXPECT_THROW(make_weight_histogram("w", {1, std::nan("")}), DataError);
  EXPECT_THROW(make_weight_histogram("w", {INFINITY}), DataError);
  EXPECT_THROW(make_weight_histogram("w", {1}, 1), ConfigError);
}

}  // namespace
}  // namespace shoprl
