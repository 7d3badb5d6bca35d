// How a training run judges its agent: during training, rollouts of the greedy policy in the
// true world (or, without one, in the simulator it trains in, or ranking metrics on the logs'
// valid split); at the end, evaluation.json / evaluation.md with, side by side, the trained
// policy's value in the true world beside the oracle's and the reference policies', its value
// in the simulator, its off-policy estimates on held-out logs, and its ranking metrics.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/agent.h"
#include "jobs/app_config.h"
#include "jobs/training_setup.h"

namespace shoprl {

class TrainingEvaluator {
 public:
  // Both must outlive the evaluator.
  TrainingEvaluator(const AppConfig& config, TrainingSetup& setup);

  // Metrics appended to the line of iteration `iteration` (a fixed seed: the same users every
  // time, so curves compare across iterations).
  IterationMetrics during(Agent& agent, std::int64_t iteration) const;

  // Writes evaluation.json and evaluation.md into `run_dir`; returns the Markdown.
  std::string final_report(Agent& agent, const std::filesystem::path& run_dir) const;

 private:
  // The off-policy estimates on the held-out logs (report/ holds the full OPE report) and the
  // ranking metrics beside popularity's; adds both to `report`, returns their Markdown.
  std::string off_policy_section(Agent& agent, const std::filesystem::path& run_dir,
                                 nlohmann::ordered_json& report) const;

  const AppConfig& config_;
  TrainingSetup& setup_;
};

}  // namespace shoprl
