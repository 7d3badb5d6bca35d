// Tests the block-wise multinomial bootstrap (src/eval/multinomial_bootstrap.cpp): counts sum
// to n, have the multinomial's moments, make the bootstrap standard error of a mean match its
// closed form, and do not depend on the number of threads.
#include "eval/multinomial_bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <vector>

#include "env/statistics.h"

namespace shoprl {
namespace {

using testing::kSigmas;

std::vector<std::uint32_t> whole_counts(std::uint64_t units, std::uint64_t seed) {
  MultinomialResampler resampler(units, seed);
  std::vector<std::uint32_t> counts(units);
  std::size_t start = 0;
  while (std::size_t block = resampler.next_block(counts.data() + start)) start += block;
  EXPECT_EQ(start, units);
  return counts;
}

TEST(MultinomialResampler, CountsOfEachResampleSumToTheUnits) {
  // 1 unit, exactly one block, a partial last block, many blocks.
  for (std::uint64_t units : {1u, 2048u, 5000u, 100003u}) {
    for (std::uint64_t r = 0; r < 5; ++r) {
      const std::vector<std::uint32_t> counts = whole_counts(units, derive_seed(11, r));
      EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}), units)
          << units << " units, resample " << r;
    }
  }
}

TEST(MultinomialResampler, CountsHaveTheMultinomialMoments) {
  // Each count is Binomial(n, 1/n): mean 1, variance 1 - 1/n. Over R resamples:
  // - a block of b units receives Binomial(n, b/n) draws, so its mean count per unit over R
  //   resamples has SE sqrt(n (b/n) (1 - b/n) / R) / b (checks the conditional binomials);
  // - the mean count of units at offset j within their block, pooled over the blocks, checks
  //   the uniform scatter inside a block (SE sqrt((1 - 1/n) / (R blocks)) roughly);
  // - the pooled per-unit variance has SE sqrt(3 / (R n)) (the fourth central moment of a
  //   count is about 1 + 3 = 4, so var(s^2) ~ (4 - 1) / R per unit).
  // Three blocks and 2048 offsets make ~2,050 comparisons at 5 sigma (5.7e-7 each: ~1e-3
  // false failures in all); the variance is one comparison at 4.5 sigma.
  const std::uint64_t n = 5000;
  const std::size_t resamples = 2000;
  const std::size_t block = MultinomialResampler::kBlockUnits;
  std::vector<double> sum(n, 0.0), squares(n, 0.0);
  for (std::size_t r = 0; r < resamples; ++r) {
    const std::vector<std::uint32_t> counts = whole_counts(n, derive_seed(12, r));
    for (std::size_t u = 0; u < n; ++u) {
      sum[u] += counts[u];
      squares[u] += static_cast<double>(counts[u]) * counts[u];
    }
  }
  const double nd = static_cast<double>(n), rd = static_cast<double>(resamples);
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t b = std::min<std::size_t>(block, n - start);
    double block_sum = 0;
    for (std::size_t u = start; u < start + b; ++u) block_sum += sum[u];
    const double bd = static_cast<double>(b);
    const double se = std::sqrt(nd * (bd / nd) * (1 - bd / nd) / rd) / bd;
    EXPECT_NEAR(block_sum / (bd * rd), 1.0, testing::kManySigmas * se) << "block at " << start;
  }
  for (std::size_t offset = 0; offset < block; ++offset) {
    double offset_sum = 0;
    double members = 0;
    for (std::size_t u = offset; u < n; u += block) {
      offset_sum += sum[u];
      members += 1;
    }
    const double se = std::sqrt((1 - 1 / nd) / (rd * members));
    EXPECT_NEAR(offset_sum / (members * rd), 1.0, testing::kManySigmas * se) << "offset " << offset;
  }
  double variance_sum = 0;
  for (std::size_t u = 0; u < n; ++u) {
    variance_sum += (squares[u] - sum[u] * sum[u] / rd) / (rd - 1);
  }
  EXPECT_NEAR(variance_sum / nd, 1 - 1 / nd, kSigmas * std::sqrt(3 / (rd * nd)));
}

TEST(ResampleColumnSums, BootstrapStdErrorOfAMeanMatchesTheClosedForm) {
  // The bootstrap variance of a mean is the plug-in variance over n: s^2 (n - 1) / n^2.
  // Its Monte Carlo SE over B resamples: the sd estimate has relative SE ~ 1 / sqrt(2 (B - 1))
  // (the resampled means are close to normal at n = 3000). 4.5 sigma: 6.8e-6 false failures.
  const std::size_t n = 3000;
  const std::size_t resamples = 4000;
  std::vector<double> x(n);
  Rng rng = make_rng(13, 0);
  for (double& v : x) v = uniform01(rng) * uniform01(rng) * 10;  // skewed, bounded
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double squares = 0;
  for (double v : x) squares += (v - mean) * (v - mean);
  const double closed_form = std::sqrt(squares / n) / std::sqrt(static_cast<double>(n));

  ThreadPool pool(2);
  const ResampledSums sums = resample_column_sums({x.data()}, n, resamples, 14, pool);
  double boot_sum = 0, boot_squares = 0;
  for (std::size_t r = 0; r < resamples; ++r) {
    const double m = sums.at(r, 0) / n;
    boot_sum += m;
    boot_squares += m * m;
  }
  const double boot_mean = boot_sum / resamples;
  const double boot_sd =
      std::sqrt((boot_squares - boot_sum * boot_mean) / static_cast<double>(resamples - 1));
  EXPECT_NEAR(boot_sd / closed_form, 1.0, kSigmas / std::sqrt(2.0 * (resamples - 1)));
  // The resampled means centre on the sample mean (SE closed_form / sqrt(B)).
  EXPECT_NEAR(boot_mean, mean, kSigmas * closed_form / std::sqrt(double(resamples)));
}

TEST(ResampleColumnSums, ResultsDoNotDependOnTheThreadCount) {
  const std::size_t n = 7000;
  std::vector<double> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = std::sin(0.1 * i);
    b[i] = 1.0 / (1 + i);
  }
  ThreadPool one(1), three(3);
  const ResampledSums x = resample_column_sums({a.data(), b.data()}, n, 101, 15, one);
  const ResampledSums y = resample_column_sums({a.data(), b.data()}, n, 101, 15, three);
  ASSERT_EQ(x.sums.size(), 202u);
  EXPECT_EQ(x.sums, y.sums);
  const ResampledSums other_seed = resample_column_sums({a.data(), b.data()}, n, 101, 16, one);
  EXPECT_NE(x.sums, other_seed.sums);
}

TEST(ResampleColumnSums, WholeCountsAreTheCountsTheSumsUsed) {
  // The path for non-linear estimators materialises every count; its sums must be exactly the
  // blocked path's, and the counts given to the callback must reproduce them.
  const std::size_t n = 4100;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = 0.5 + std::cos(0.37 * i);
  ThreadPool pool(2);
  const ResampledSums blocked = resample_column_sums({x.data()}, n, 40, 17, pool);
  std::vector<double> from_counts(40, 0.0);
  std::mutex mutex;
  const ResampledSums whole = resample_column_sums(
      {x.data()}, n, 40, 17, pool, [&](std::size_t r, const std::vector<std::uint32_t>& counts) {
        ASSERT_EQ(counts.size(), n);
        double s = 0;
        for (std::size_t i = 0; i < n; ++i) s += counts[i] * x[i];
        std::lock_guard<std::mutex> lock(mutex);
        from_counts[r] = s;
      });
  EXPECT_EQ(blocked.sums, whole.sums);
  for (std::size_t r = 0; r < 40; ++r) EXPECT_NEAR(from_counts[r], blocked.at(r, 0), 1e-9);
}

}  // namespace
}  // namespace shoprl
