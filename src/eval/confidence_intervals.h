// The interval formulas of the one aggregation (estimate.cpp), each a pure function of summary
// statistics, so that each can be checked against a closed form.
#pragma once

#include <cstddef>
#include <vector>

#include "eval/estimate.h"

namespace shoprl {

// value +- z_{1-(1-confidence)/2} std_error.
Interval normal_interval(double value, double std_error, double confidence);
// value +- t_{units-1, 1-(1-confidence)/2} std_error (undefined below 2 units).
Interval student_t_interval(double value, double std_error, std::size_t units, double confidence);
// The (1-confidence)/2 and 1-(1-confidence)/2 quantiles of the resampled values, linearly
// interpolated between order statistics (Hyndman & Fan type 7). Undefined when any resampled
// value is not finite (a resample whose normaliser summed to 0, say) or there are none.
Interval percentile_interval(std::vector<double> resampled, double confidence);
// Hoeffding (1963): for the mean of n terms in [low, high], with delta = 1 - confidence,
// mean +- (high - low) sqrt(ln(2 / delta) / (2 n)).
Interval hoeffding_interval(double mean, std::size_t units, double low, double high,
                            double confidence);
// Empirical Bernstein, Maurer & Pontil (2009), Theorem 4, with delta / 2 per side: for terms
// in [low, high] with unbiased sample variance `variance`, each side's half-width is
// sqrt(2 variance ln(4 / delta) / n) + 7 (high - low) ln(4 / delta) / (3 (n - 1)).
Interval empirical_bernstein_interval(double mean, double variance, std::size_t units, double low,
                                      double high, double confidence);

}  // namespace shoprl
