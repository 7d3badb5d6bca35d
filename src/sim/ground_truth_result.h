// The result of the ground-truth check (ground_truth_check.h): each policy's value in the true
// and the learned world, the rank correlations and relative errors, and its JSON, Markdown and
// terminal forms. Torch-free, so the reports that show it need no LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

// The summary statistics of `policies` (Spearman, Kendall, mean |relative error|), filled in.
void summarize_ground_truth(GroundTruthResult& result);

// ground_truth.json / .md, and reading the JSON back (DataError naming `path` when malformed).
std::string ground_truth_json(const GroundTruthResult& result);
std::string ground_truth_markdown(const GroundTruthResult& result);
GroundTruthResult parse_ground_truth_json(const std::string& text, const std::string& path);
// A plain-text table for the terminal.
std::string ground_truth_table(const GroundTruthResult& result);

}  // namespace shoprl
