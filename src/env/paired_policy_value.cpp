// Paired Monte Carlo values on common random numbers (paired_policy_value.h).
#include "env/paired_policy_value.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/error.h"

namespace shoprl {

PairedPolicyValue paired_policy_value(BatchEnv& env, const SlatePolicy& candidate,
                                      const SlatePolicy& baseline, std::int64_t episodes,
                                      std::int64_t batch_size, std::uint64_t seed) {
  if (episodes < 2) throw Error("paired policy value: episodes must be >= 2");
  PairedPolicyValue paired;
  paired.candidate = monte_carlo_policy_value(env, candidate, episodes, batch_size, seed);
  paired.baseline = monte_carlo_policy_value(env, baseline, episodes, batch_size, seed);
  const std::vector<double>& a = paired.candidate.episode_returns;
  const std::vector<double>& b = paired.baseline.episode_returns;
  const double n = static_cast<double>(episodes);
  const double mean_a = paired.candidate.value;
  const double mean_b = paired.baseline.value;
  // Two-pass sums around the means: the differences are small beside the returns.
  double var_a = 0, var_b = 0, cov = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double da = a[i] - mean_a;
    const double db = b[i] - mean_b;
    var_a += da * da;
    var_b += db * db;
    cov += da * db;
  }
  paired.difference = mean_a - mean_b;
  const double var_difference = std::max(0.0, (var_a + var_b - 2 * cov) / (n - 1));
  paired.difference_std_error = std::sqrt(var_difference / n);
  paired.correlation = var_a > 0 && var_b > 0 ? cov / std::sqrt(var_a * var_b) : 0.0;
  return paired;
}

}  // namespace shoprl
