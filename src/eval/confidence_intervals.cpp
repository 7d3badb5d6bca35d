#include "eval/confidence_intervals.h"

#include <algorithm>
#include <cmath>

#include "eval/distribution_quantiles.h"

namespace shoprl {

namespace {

Interval symmetric(double centre, double half_width) {
  if (!std::isfinite(centre) || !std::isfinite(half_width)) return {};
  return {centre - half_width, centre + half_width};
}

}  // namespace

Interval normal_interval(double value, double std_error, double confidence) {
  return symmetric(value, normal_quantile(1 - (1 - confidence) / 2) * std_error);
}

Interval student_t_interval(double value, double std_error, std::size_t units, double confidence) {
  if (units < 2) return {};
  const double dof = static_cast<double>(units - 1);
  return symmetric(value, student_t_quantile(1 - (1 - confidence) / 2, dof) * std_error);
}

Interval percentile_interval(std::vector<double> resampled, double confidence) {
  if (resampled.empty()) return {};
  for (double v : resampled) {
    if (!std::isfinite(v)) return {};
  }
  std::sort(resampled.begin(), resampled.end());
  auto quantile = [&](double level) {
    const double position = level * static_cast<double>(resampled.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, resampled.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return resampled[below] + fraction * (resampled[above] - resampled[below]);
  };
  const double tail = (1 - confidence) / 2;
  return {quantile(tail), quantile(1 - tail)};
}

Interval hoeffding_interval(double mean, std::size_t units, double low, double high,
                            double confidence) {
  if (units == 0 || !(high >= low)) return {};
  const double delta = 1 - confidence;
  const double n = static_cast<double>(units);
  return symmetric(mean, (high - low) * std::sqrt(std::log(2 / delta) / (2 * n)));
}

Interval empirical_bernstein_interval(double mean, double variance, std::size_t units, double low,
                                      double high, double confidence) {
  if (units < 2 || !(high >= low)) return {};
  const double delta = 1 - confidence;
  const double n = static_cast<double>(units);
  // Theorem 4 is stated for terms in [0, 1]; for [low, high] scale by (high - low): the
  // variance term scales with it through sqrt(variance), the range term directly.
  const double log_term = std::log(4 / delta);
  const double half_width =
      std::sqrt(2 * variance * log_term / n) + 7 * (high - low) * log_term / (3 * (n - 1));
  return symmetric(mean, half_width);
}

}  // namespace shoprl
