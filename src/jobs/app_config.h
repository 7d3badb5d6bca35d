// The root of every shoprl config file: one section per part. Loading applies `extends`, then
// --set overrides, then binds and validates (core/config_loader.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/agent_config.h"
#include "agent/train_config.h"
#include "core/config_field.h"
#include "core/distributed_launch.h"
#include "core/run_config.h"
#include "data/import_config.h"
#include "data/sample_log.h"
#include "env/log_synthesis.h"
#include "env/policies/slate_policy.h"
#include "env/world_config.h"
#include "eval/evaluate_config.h"
#include "eval/ope_config.h"
#include "eval/promote_config.h"
#include "eval/reward_model.h"
#include "policy/policy_config.h"
#include "sim/fidelity_config.h"
#include "sim/sim_config.h"
#include "traffic/traffic_config.h"

namespace shoprl {

struct AppConfig {
  RunConfig run;
  ImportConfig import;
  SampleLogConfig sample;
  WorldConfig world;
  EnvConfig env;
  PolicyConfig logging_policy;
  SynthConfig synth;
  OpeConfig ope;
  RewardModelConfig reward_model;
  EvaluateConfig evaluate;
  SimConfig sim;
  SimReportConfig sim_report;
  SimCheckConfig sim_check;
  PolicyNetworkConfig policy;
  AgentConfig agent;
  TrainConfig train;
  TrafficConfig traffic;
  PromoteConfig promote;
  DistributedConfig distributed;

  void visit(ConfigVisitor& v) {
    v.section("run", run, "Run identity, seed, device and logging");
    v.section("import", import, "Log import and preprocessing (shoprl data import)");
    v.section("sample", sample, "The generated RetailRocket-shaped sample log (import benchmark)");
    v.section("world", world, "The synthetic ground-truth shopping world (docs/simulation.md)");
    v.section("env", env, "The batched environment: slates, observations, rewards, threads");
    v.section("logging_policy", logging_policy,
              "The policy that acts while logs are generated (shoprl data synth)");
    v.section("synth", synth, "Log generation in the synthetic world (shoprl data synth)");
    v.section("ope", ope,
              "Off-policy estimators and their intervals (shoprl ope, shoprl evaluate)");
    v.section("reward_model", reward_model,
              "The reward model of the direct method and the doubly robust family");
    v.section("evaluate", evaluate, "Off-policy evaluation of a policy on logs (shoprl evaluate)");
    v.section("sim", sim, "The user simulator learned from logged sessions (shoprl sim)");
    v.section("sim_report", sim_report, "The simulator's fidelity report (shoprl sim report)");
    v.section("sim_check", sim_check,
              "The ground-truth check: policies valued in the synthetic world and in a simulator "
              "fitted on its logs (shoprl sim check)");
    v.section("policy", policy, "The policy network: state encoder and heads (shoprl train)");
    v.section("agent", agent, "The learning agent and its algorithm's settings (shoprl train)");
    v.section("train", train,
              "The training run: experience source, length, checkpoints, evaluation "
              "(shoprl train)");
    v.section("traffic", traffic,
              "Synthetic shoppers of the world played against a running server (shoprl traffic)");
    v.section("promote", promote,
              "The off-policy gate that publishes a candidate policy (shoprl promote)");
    v.section("distributed", distributed,
              "Data-parallel training when RANK and WORLD_SIZE are set (shoprl train; "
              "docs/training.md)");
  }
};

struct LoadedConfig {
  AppConfig config;
  std::string resolved_yaml;       // the fully resolved config, with doc comments
  std::vector<std::string> files;  // every file read, base files first
  // Where each key was set: "file:line" or "--set key=value" (core/config_tree.h).
  std::map<std::string, std::string> origins;

  // Where `key` was set; "default" when nowhere.
  std::string origin_of(const std::string& key) const;
};

// Warns once about the sections that the config file named on the command line (not a file it
// extends, which is shared on purpose) or a --set gives, but that `command` never reads: a
// `train --config configs/evaluate-bandit.yaml` is probably a mistake.
void warn_unused_sections(const LoadedConfig& loaded, const std::string& command,
                          const std::vector<std::string>& used);

// `file` may be empty (defaults only). `run_name` is run.name when neither the file nor --set
// gives one: the command's own name, so that each command's runs have their own folder.
// ConfigError for any bad key or value, IoError for a file that cannot be read.
LoadedConfig load_app_config(const std::string& file, const std::vector<std::string>& overrides,
                             const std::string& run_name = "");

// A config compiled into the program (embedded_configs.h).
struct EmbeddedConfig {
  const char* name;  // the file it was made from, as messages name it
  const char* text;
};

// The same from an embedded config.
LoadedConfig load_embedded_app_config(const EmbeddedConfig& embedded,
                                      const std::vector<std::string>& overrides,
                                      const std::string& run_name = "");

// The resolved config of `config` as commented YAML.
std::string resolved_config_yaml(AppConfig config);

// Every key of `config` as dotted key -> value text (checkpoints record and compare it).
std::map<std::string, std::string> flatten_config(AppConfig config);

// docs/config-reference.md, generated from the declarations.
std::string config_reference_markdown();

}  // namespace shoprl
