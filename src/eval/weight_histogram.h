// The importance-weight histogram the report plots: counts over log10(weight) bins, with the
// zero weights (whose log is undefined) counted apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shoprl {

struct WeightHistogram {
  std::string estimator;          // whose weights ("ipw")
  std::vector<double> bin_edges;  // log10(weight) edges, size = counts + 1
  std::vector<std::uint64_t> counts;
  std::uint64_t zero_weights = 0;  // weights == 0 (log undefined), counted apart
};

// Bins of equal width in log10(weight), a multiple of a quarter decade, on edges that are
// multiples of that width, covering the positive weights in at most `max_bins` (>= 2) bins. A
// weight on an inner edge goes to the bin above it. Weights must be finite and >= 0 (DataError
// naming the estimator and index otherwise). Without positive weights there are no bins.
WeightHistogram make_weight_histogram(const std::string& estimator,
                                      const std::vector<double>& weights, int max_bins = 40);

}  // namespace shoprl
