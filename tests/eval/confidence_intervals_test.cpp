// Tests the interval formulas (src/eval/confidence_intervals.cpp) on closed-form inputs, and
// the coverage of the percentile bootstrap on a known distribution.
#include "eval/confidence_intervals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/seeding.h"
#include "core/thread_pool.h"
#include "env/statistics.h"
#include "eval/multinomial_bootstrap.h"

namespace shoprl {
namespace {

TEST(HoeffdingInterval, MatchesTheClosedForm) {
  // n = 100 terms in [0, 1], delta = 0.05: half-width sqrt(ln(40) / 200) = 0.135813...
  const Interval ci = hoeffding_interval(0.3, 100, 0.0, 1.0, 0.95);
  const double half = std::sqrt(std::log(40.0) / 200.0);
  EXPECT_NEAR(half, 0.1358102, 1e-7);
  EXPECT_DOUBLE_EQ(ci.low, 0.3 - half);
  EXPECT_DOUBLE_EQ(ci.high, 0.3 + half);
  // The range scales the width: terms in [-2, 3] make it 5 times wider.
  const Interval wide = hoeffding_interval(0.3, 100, -2.0, 3.0, 0.95);
  EXPECT_NEAR(wide.high - wide.low, 10 * half, 1e-12);
  EXPECT_FALSE(hoeffding_interval(0.3, 0, 0.0, 1.0, 0.95).defined());
}

TEST(EmpiricalBernsteinInterval, MatchesTheClosedForm) {
  // Maurer & Pontil Thm 4 with delta / 2 = 0.025 per side, n = 50, variance 0.04, [0, 1]:
  // sqrt(2 * 0.04 * ln(80) / 50) + 7 ln(80) / (3 * 49).
  const double log_term = std::log(80.0);
  const double half = std::sqrt(2 * 0.04 * log_term / 50) + 7 * log_term / (3 * 49.0);
  EXPECT_NEAR(half, 0.0837332 + 0.2086679, 1e-6);
  const Interval ci = empirical_bernstein_interval(0.5, 0.04, 50, 0.0, 1.0, 0.95);
  EXPECT_DOUBLE_EQ(ci.low, 0.5 - half);
  EXPECT_DOUBLE_EQ(ci.high, 0.5 + half);
  // On [0, 2] the variance of the scaled terms is 0.04 / 4: both parts double.
  const Interval scaled = empirical_bernstein_interval(0.5, 0.04 * 4, 50, 0.0, 2.0, 0.95);
  EXPECT_NEAR(scaled.high - 0.5, 2 * half, 1e-12);
  EXPECT_FALSE(empirical_bernstein_interval(0.5, 0.04, 1, 0.0, 1.0, 0.95).defined());
}

TEST(NormalAndTIntervals, UseTheirQuantiles) {
  const Interval normal = normal_interval(1.0, 0.1, 0.95);
  EXPECT_NEAR(normal.high, 1.0 + 0.1959963984540054, 1e-12);
  EXPECT_NEAR(normal.low, 1.0 - 0.1959963984540054, 1e-12);
  const Interval t = student_t_interval(1.0, 0.1, 6, 0.95);  // 5 dof: 2.5706
  EXPECT_NEAR(t.high, 1.0 + 0.25706, 1e-5);
  EXPECT_FALSE(student_t_interval(1.0, 0.1, 1, 0.95).defined());
  EXPECT_FALSE(normal_interval(1.0, std::nan(""), 0.95).defined());
}

TEST(PercentileInterval, InterpolatesBetweenOrderStatistics) {
  // 0..100 shuffled: the 2.5% and 97.5% quantiles (type 7) are 2.5 and 97.5.
  std::vector<double> values;
  for (int i = 100; i >= 0; --i) values.push_back(i);
  const Interval ci = percentile_interval(values, 0.95);
  EXPECT_NEAR(ci.low, 2.5, 1e-12);
  EXPECT_NEAR(ci.high, 97.5, 1e-12);
  values[3] = std::nan("");
  EXPECT_FALSE(percentile_interval(values, 0.95).defined());
  EXPECT_FALSE(percentile_interval({}, 0.95).defined());
}

TEST(PercentileInterval, CoversTheMeanOfAKnownDistributionAtTheNominalRate) {
  // 400 samples of 200 uniforms on [0, 1] (mean 0.5), 1000 resamples each. The percentile
  // interval of a mean at n = 200 covers at about 0.95 (its O(1/n) coverage error is far below
  // the tolerance). The count of covering intervals is Binomial(400, 0.95): SE 0.0109; 4.5
  // sigma (0.049) gives a false-failure rate of about 7e-6.
  const int repetitions = 400;
  const std::size_t n = 200;
  ThreadPool pool(2);
  int covered = 0;
  for (int rep = 0; rep < repetitions; ++rep) {
    Rng rng = make_rng(21, rep);
    std::vector<double> x(n);
    for (double& v : x) v = uniform01(rng);
    const ResampledSums sums =
        resample_column_sums({x.data()}, n, 1000, derive_seed(22, rep), pool);
    std::vector<double> means(1000);
    for (std::size_t r = 0; r < 1000; ++r) means[r] = sums.at(r, 0) / n;
    const Interval ci = percentile_interval(means, 0.95);
    if (ci.low <= 0.5 && 0.5 <= ci.high) ++covered;
  }
  const double coverage = static_cast<double>(covered) / repetitions;
  EXPECT_NEAR(coverage, 0.95, testing::kSigmas * testing::binomial_std_error(0.95, repetitions));
}

}  // namespace
}  // namespace shoprl
