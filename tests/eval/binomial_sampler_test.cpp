// Tests the exact binomial sampler (src/eval/binomial_sampler.cpp): frequencies against the
// binomial probabilities, small and large means, and the edges of p.
#include "eval/binomial_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/seeding.h"
#include "env/statistics.h"

namespace shoprl {
namespace {

using testing::binomial_std_error;
using testing::kManySigmas;
using testing::kSigmas;

double binomial_probability(std::uint64_t n, double p, std::uint64_t k) {
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return std::exp(std::lgamma(nd + 1) - std::lgamma(kd + 1) - std::lgamma(nd - kd + 1) +
                  kd * std::log(p) + (nd - kd) * std::log1p(-p));
}

// Every outcome expected at least 100 times is compared with its probability; at kManySigmas
// (5.7e-7 per comparison) the ~1,100 comparisons of this file fail falsely with rate < 1e-3.
void expect_frequencies_match(std::uint64_t n, double p, std::int64_t draws, std::uint64_t seed) {
  Rng rng = make_rng(seed, 0);
  std::vector<std::int64_t> count(n + 1, 0);
  for (std::int64_t d = 0; d < draws; ++d) {
    const std::uint64_t k = sample_binomial(rng, n, p);
    ASSERT_LE(k, n);
    ++count[k];
  }
  int compared = 0;
  for (std::uint64_t k = 0; k <= n; ++k) {
    const double probability = binomial_probability(n, p, k);
    if (probability * static_cast<double>(draws) < 100) continue;
    ++compared;
    const double frequency = static_cast<double>(count[k]) / static_cast<double>(draws);
    EXPECT_NEAR(frequency, probability, kManySigmas * binomial_std_error(probability, draws))
        << "Binomial(" << n << ", " << p << "): outcome " << k;
  }
  EXPECT_GT(compared, 0);
}

TEST(BinomialSampler, SmallMeanFollowsTheProbabilities) {
  expect_frequencies_match(10, 0.3, 200000, 1);
  expect_frequencies_match(1000, 0.002, 200000, 2);
  expect_frequencies_match(50, 0.97, 200000, 3);
  expect_frequencies_match(1, 0.5, 100000, 4);
}

TEST(BinomialSampler, LargeMeanFollowsTheProbabilities) {
  // The bootstrap's case: a block of 2048 units out of a million.
  expect_frequencies_match(1000000, 2048.0 / 1000000.0, 200000, 5);
  expect_frequencies_match(100000, 0.5, 200000, 6);
}

TEST(BinomialSampler, LargeMeanHasTheBinomialMeanAndVariance) {
  const std::uint64_t n = 1000000;
  const double p = 0.002;
  const std::int64_t draws = 40000;
  Rng rng = make_rng(7, 0);
  double sum = 0, squares = 0;
  for (std::int64_t d = 0; d < draws; ++d) {
    const double k = static_cast<double>(sample_binomial(rng, n, p));
    sum += k;
    squares += k * k;
  }
  const double mean = sum / draws;
  const double variance = (squares - sum * mean) / (draws - 1);
  const double expected_variance = n * p * (1 - p);
  // SE of the mean: sqrt(npq / draws); of the sample variance: npq sqrt(2 / (draws - 1)) (the
  // binomial is close to normal here). kSigmas: 6.8e-6 false failures per comparison.
  EXPECT_NEAR(mean, n * p, kSigmas * std::sqrt(expected_variance / draws));
  EXPECT_NEAR(variance, expected_variance,
              kSigmas * expected_variance * std::sqrt(2.0 / (draws - 1)));
}

TEST(BinomialSampler, DegenerateProbabilitiesAreExact) {
  Rng rng = make_rng(8, 0);
  EXPECT_EQ(sample_binomial(rng, 0, 0.5), 0u);
  EXPECT_EQ(sample_binomial(rng, 17, 0.0), 0u);
  EXPECT_EQ(sample_binomial(rng, 17, 1.0), 17u);
  EXPECT_EQ(sample_binomial(rng, 17, -1.0), 0u);
}

TEST(BinomialSampler, SameSeedSameDraws) {
  Rng a = make_rng(9, 3), b = make_rng(9, 3);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(sample_binomial(a, 5000, 0.4), sample_binomial(b, 5000, 0.4));
}

}  // namespace
}  // namespace shoprl
