// Runs the configured estimators over logged rounds: terms from the registry, one shared
// aggregation, and the logging policy's own value (the mean logged reward) as the yardstick
// each estimate is compared with.
#pragma once

#include <cstdint>
#include <vector>

#include "eval/estimate.h"
#include "eval/logged_rounds.h"
#include "eval/ope_config.h"

namespace shoprl {

struct OpeResult {
  Estimate logging_value;           // on-policy: the mean reward per round of the logs
  std::vector<Estimate> estimates;  // config.estimators, in order
  std::vector<double> ipw_weights;  // the importance weights of IPW (for the histogram)
};

// ConfigError naming ope.estimators for an unknown or repeated name.
OpeResult run_estimators(const LoggedRounds& rounds, const OpeConfig& config,
                         std::uint64_t seed);

}  // namespace shoprl
