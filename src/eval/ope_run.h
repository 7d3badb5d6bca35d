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
  // On-policy values of the logs, one per unit among the estimates (round first): the mean
  // reward per round, the mean summed reward per slate, the mean discounted return per
  // session (steps as the sequential estimators count them).
  std::vector<Estimate> logging_values;
  std::vector<Estimate> estimates;  // config.estimators, in order
  std::vector<double> ipw_weights;  // the importance weights of IPW (for the histogram)
};

// The seeds the evaluation commands derive from run.seed: the bootstrap's (ope.bootstrap_seed
// when it is not 0) and the reward model's (folds, initialisation, minibatch order).
std::uint64_t resolve_bootstrap_seed(const OpeConfig& config, std::uint64_t run_seed);
std::uint64_t reward_model_seed(std::uint64_t run_seed);

// ConfigError naming ope.estimators for an unknown or repeated name.
OpeResult run_estimators(const LoggedRounds& rounds, const OpeConfig& config, std::uint64_t seed);

}  // namespace shoprl
