// The LibTorch half of the program, as the torch-free half sees it. shoprl-torch passes one
// (torch_parts.cpp) and so does shoprl-serve (serve_parts.cpp, the serving commands only); in
// shoprl there is none, and a command that needs it hands the whole command line over to the
// program that has it before it does anything (hand_over.h). The types here are torch-free, so
// the commands that use them compile into every program.
#pragma once

#include <cstdint>
#include <string>

#include "eval/reward_model.h"

namespace CLI {
class App;
}

namespace shoprl {

struct AppConfig;
struct EvaluationReport;
struct GlobalOptions;
struct LearnedEnvBenchOptions;
struct LoadedConfig;
struct SessionStore;

struct TorchParts {
  // Whether this program has the LibTorch command `name` under `parent` ("" for the top level).
  bool (*has_command)(const std::string& parent, const std::string& name);
  // Registers the LibTorch command `name` under `parent` (command_summaries.h lists them).
  void (*add_command)(CLI::App& parent, const std::string& name, const GlobalOptions& global);
  // The rest is shoprl-torch's and null in shoprl-serve: see has_torch_jobs().
  // The MLP reward model (reward_model.kind: mlp).
  RewardModelTrainer train_mlp_reward_model;
  // evaluate.policy.kind: checkpoint or exported (checkpoint_evaluation.h).
  EvaluationReport (*evaluate_checkpoint)(const LoadedConfig& loaded, const SessionStore& store,
                                          std::uint64_t seed);
  // `bench env --learned` (learned_env_bench.h).
  void (*run_learned_env_bench)(const AppConfig& config, const LearnedEnvBenchOptions& options);
};

// shoprl-torch's parts (torch_parts.cpp, linked into shoprl-torch only) and shoprl-serve's
// (serve_parts.cpp).
const TorchParts& torch_parts();
const TorchParts& serve_parts();

// Whether this program can run what the shared commands need of LibTorch (the MLP reward
// model, a checkpoint or exported evaluation policy, the learned environment): shoprl-torch.
bool has_torch_jobs(const GlobalOptions& global);

// Whether a command with this config needs TorchParts: an MLP reward model, or a trained
// checkpoint or exported policy as the evaluation policy.
bool config_needs_torch(const AppConfig& config);

}  // namespace shoprl
