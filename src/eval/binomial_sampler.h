// Exact Binomial(n, p) variates, written here because std::binomial_distribution's algorithm
// (and so its numbers) differ between standard libraries.
#pragma once

#include <cmath>
#include <cstdint>

namespace shoprl {

// Inversion started at the mode: one uniform u is spent on the probabilities f(m), f(m-1),
// f(m+1), f(m-2), ... (the recurrence f(k+1) = f(k) (n-k) p / ((k+1) q)) until it runs out.
// Any fixed order of the outcomes gives an exact inversion; starting at the mode makes the
// expected number of steps O(sqrt(n p q)) (about 70 for the bootstrap's blocks of 2048 units)
// without the rejection constants of BTRD or BTPE. p outside (0, 1) is clamped. `engine()`
// returns 64 random bits (core/seeding.h's Rng, or the bootstrap's SplitMix64 stream).
template <typename Engine>
std::uint64_t sample_binomial(Engine& engine, std::uint64_t n, double p) {
  if (n == 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  const double q = 1 - p;
  const double nd = static_cast<double>(n);
  const double up_ratio = p / q;  // f(k+1) / f(k) = (n - k) / (k + 1) * p / q
  const double down_ratio = q / p;
  std::uint64_t mode = static_cast<std::uint64_t>(std::floor((nd + 1) * p));
  if (mode > n) mode = n;
  const double md = static_cast<double>(mode);
  // f(mode) through log-factorials: its value is at least 1 / (n + 1), far from underflow.
  const double mode_probability =
      std::exp(std::lgamma(nd + 1) - std::lgamma(md + 1) - std::lgamma(nd - md + 1) +
               md * std::log(p) + (nd - md) * std::log1p(-p));
  for (;;) {
    // 53 random bits, as uniform01 in core/seeding.h.
    double u = static_cast<double>(engine() >> 11) * 0x1.0p-53 - mode_probability;
    if (u < 0) return mode;
    std::uint64_t low = mode;
    std::uint64_t high = mode;
    double low_probability = mode_probability;
    double high_probability = mode_probability;
    // A side stops at the end of the support or once its probabilities underflow to 0. If u
    // outlives both (rounding left the summed probabilities a few ulps short of 1), the draw
    // is repeated: that conditions on an event of probability ~1e-15.
    bool low_open = low > 0;
    bool high_open = high < n;
    while (low_open || high_open) {
      if (low_open) {
        const double k = static_cast<double>(low);
        low_probability *= k / (nd - k + 1) * down_ratio;
        --low;
        u -= low_probability;
        if (u < 0) return low;
        low_open = low > 0 && low_probability > 0;
      }
      if (high_open) {
        const double k = static_cast<double>(high);
        high_probability *= (nd - k) / (k + 1) * up_ratio;
        ++high;
        u -= high_probability;
        if (u < 0) return high;
        high_open = high < n && high_probability > 0;
      }
    }
  }
}

}  // namespace shoprl
