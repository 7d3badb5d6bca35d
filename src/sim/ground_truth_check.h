// The ground-truth check of the learned simulator (docs/simulator.md; issue 5 part 5): logs
// generated in the synthetic world, a simulator fitted on them, then the same policies valued
// by Monte Carlo in the true world and in the learned one. The headline is whether the learned
// world orders the policies as the true world does (Spearman, Kendall), with relative errors.
// Written as <sim.directory>/ground_truth.json and ground_truth.md; the fidelity report shows
// the table when the JSON is there and belongs to the simulator beside it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "env/log_synthesis.h"
#include "env/policies/slate_policy.h"
#include "env/world_config.h"
#include "sim/fidelity_config.h"
#include "sim/sim_config.h"

namespace shoprl {

struct PolicyValueSide {
  double value = 0;
  double std_error = 0;
  double mean_session_length = 0;  // slates per session
  double click_through_rate = 0;
  double session_conversion = 0;
};

struct PolicyComparison {
  std::string name;  // the spec as configured
  PolicyValueSide truth;
  PolicyValueSide simulated;
  // (simulated - true) / |true|; NaN when the true value is 0.
  double relative_error = 0;
};

struct GroundTruthResult {
  std::vector<PolicyComparison> policies;
  double spearman = 0;  // of the true and simulated values across policies; NaN if undefined
  double kendall_tau_b = 0;
  double mean_absolute_relative_error = 0;  // over policies with a defined relative error
  std::int64_t episodes = 0;                // per policy and world
  // What was fitted.
  std::int64_t logged_sessions = 0;
  std::int64_t logged_events = 0;
  std::int64_t items = 0;
  std::string logging_policy;
  int ensemble = 0;
  std::string store_hash;  // of the logs the simulator was fitted on (FittedSimulator)
  std::uint64_t seed = 0;
  double fit_seconds = 0;
  double evaluation_seconds = 0;
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
  std::string device = "cpu";  // resolved
};

// Generates the logs, fits the simulator, saves it to inputs.sim.directory (with the logs as
// logs.h5, the store the simulator names), values every policy
// in both worlds (the learned one without the uncertainty penalty: the check compares values,
// not what an agent would see), and writes ground_truth.json and .md beside the simulator.
// Policies are parsed before any work, so a bad spec fails fast.
GroundTruthResult run_ground_truth_check(const GroundTruthInputs& inputs);

// The summary statistics of `policies` (Spearman, Kendall, mean |relative error|), filled in.
void summarize_ground_truth(GroundTruthResult& result);

// ground_truth.json / .md, and reading the JSON back (DataError naming `path` when malformed).
std::string ground_truth_json(const GroundTruthResult& result);
std::string ground_truth_markdown(const GroundTruthResult& result);
GroundTruthResult parse_ground_truth_json(const std::string& text, const std::string& path);
// A plain-text table for the terminal.
std::string ground_truth_table(const GroundTruthResult& result);

}  // namespace shoprl
