#include "eval/weight_histogram.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace shoprl {

namespace {
constexpr double kQuarterDecade = 0.25;
}  // namespace

WeightHistogram make_weight_histogram(const std::string& estimator,
                                      const std::vector<double>& weights, int max_bins) {
  if (max_bins < 2) throw ConfigError("weight histogram: max_bins must be >= 2");
  WeightHistogram histogram;
  histogram.estimator = estimator;
  std::vector<double> logs;
  logs.reserve(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i];
    if (!std::isfinite(w) || w < 0) {
      throw DataError("weight histogram of " + estimator + ": weight " + std::to_string(i) +
                      " is " + std::to_string(w) + " (weights must be finite and >= 0)");
    }
    if (w == 0) {
      ++histogram.zero_weights;
    } else {
      logs.push_back(std::log10(w));
    }
  }
  if (logs.empty()) return histogram;

  const auto [min_it, max_it] = std::minmax_element(logs.begin(), logs.end());
  // The width: the smallest multiple of a quarter decade with span / width <= max_bins - 1, so
  // that the range fits in max_bins bins whichever way it sits on the edges.
  const double span = *max_it - *min_it;
  const double quarters = std::max(1.0, std::ceil(span / kQuarterDecade / (max_bins - 1)));
  const double width = quarters * kQuarterDecade;
  const double low = std::floor(*min_it / width) * width;
  // floor(...) + 1 so that the largest weight lies strictly inside the last bin.
  const int bins = static_cast<int>(std::floor((*max_it - low) / width)) + 1;
  for (int b = 0; b <= bins; ++b) histogram.bin_edges.push_back(low + b * width);
  histogram.counts.assign(static_cast<std::size_t>(bins), 0);
  for (const double x : logs) {
    const int b = static_cast<int>(std::floor((x - low) / width));
    ++histogram.counts[static_cast<std::size_t>(std::clamp(b, 0, bins - 1))];
  }
  return histogram;
}

}  // namespace shoprl
