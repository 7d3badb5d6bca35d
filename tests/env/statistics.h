// Tolerances for the statistical tests of the environment: k standard errors, with the
// false-failure rate each k stands for under a normal approximation (two-sided).
#pragma once

#include <cmath>
#include <cstdint>

namespace shoprl::testing {

// 4.5 sigma: P(|Z| > 4.5) ≈ 6.8e-6 per comparison, for a handful of comparisons per test.
inline constexpr double kSigmas = 4.5;
// 5 sigma: P(|Z| > 5) ≈ 5.7e-7 per comparison, for tests that make a hundred or more.
inline constexpr double kManySigmas = 5.0;

// Standard error of an empirical frequency of an event of probability p over n draws.
inline double binomial_std_error(double p, std::int64_t n) {
  return std::sqrt(p * (1 - p) / static_cast<double>(n));
}

}  // namespace shoprl::testing
