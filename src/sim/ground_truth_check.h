// The ground-truth check of the learned simulator (docs/simulator.md; issue 5 part 5): logs
// generated in the synthetic world, a simulator fitted on them, then the same policies valued
// by Monte Carlo in the true world and in the learned one. The headline is whether the learned
// world orders the policies as the true world does (Spearman, Kendall), with relative errors.
// Written as <sim.directory>/ground_truth.json and ground_truth.md; the fidelity report shows
// the table when the JSON is there and belongs to the simulator beside it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "env/log_synthesis.h"
#include "env/policies/slate_policy.h"
#include "env/world_config.h"
#include "sim/fidelity_config.h"
#include "sim/ground_truth_result.h"
#include "sim/sim_config.h"

namespace shoprl {

// A policy the caller built (a trained agent, which this library cannot load), valued beside
// the configured ones.
struct NamedSlatePolicy {
  std::string name;
  std::shared_ptr<const SlatePolicy> policy;
};

struct GroundTruthInputs {
  WorldConfig world;
  EnvConfig env;
  PolicyConfig logging_policy;
  SynthConfig synth;
  SimConfig sim;
  SimCheckConfig check;
  std::uint64_t seed = 0;
  std::string resolved_config_yaml;
  std::string device = "cpu";                    // resolved
  std::vector<NamedSlatePolicy> extra_policies;  // after the configured ones
};

// Generates the logs, fits the simulator, saves it to inputs.sim.directory (with the logs as
// logs.h5, the store the simulator names), values every policy
// in both worlds (the learned one without the uncertainty penalty: the check compares values,
// not what an agent would see), and writes ground_truth.json and .md beside the simulator.
// Policies are parsed before any work, so a bad spec fails fast.
GroundTruthResult run_ground_truth_check(const GroundTruthInputs& inputs);

}  // namespace shoprl
