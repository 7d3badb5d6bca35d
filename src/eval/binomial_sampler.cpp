#include "eval/binomial_sampler.h"

#include <cmath>

namespace shoprl {

std::uint64_t sample_binomial(Rng& rng, std::uint64_t n, double p) {
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
    double u = uniform01(rng) - mode_probability;
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
