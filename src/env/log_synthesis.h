// Log generation: a logging policy runs in the synthetic world and everything it showed and
// everything users did becomes a session store with impressions and exact logging
// propensities, plus the world's ground truth kept apart (data/store_truth.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config_field.h"
#include "data/import_config.h"
#include "data/session_store.h"
#include "data/store_truth.h"
#include "env/policies/slate_policy.h"
#include "env/world_config.h"

namespace shoprl {

struct SynthConfig {
  std::int64_t sessions = 20000;
  std::int64_t batch_size = 1024;
  std::int64_t start_time_ms = 1700000000000;  // 2023-11-14 22:13:20 UTC
  std::int64_t arrival_interval_ms = 30000;
  std::int64_t step_interval_ms = 20000;
  std::int64_t value_episodes = 20000;
  std::vector<std::string> value_policies{"logging", "uniform", "popularity", "oracle"};
  SplitConfig split;

  void visit(ConfigVisitor& v) {
    v.field("sessions", sessions, "Sessions to log", at_least(1));
    v.field("batch_size", batch_size, "Users stepped together while logging", at_least(1));
    v.field("start_time_ms", start_time_ms, "Start of the first session (Unix ms)");
    v.field("arrival_interval_ms", arrival_interval_ms,
            "Session j starts at start_time_ms + j * arrival_interval_ms", at_least(0));
    v.field("step_interval_ms", step_interval_ms, "Time between two slates of a session",
            at_least(1));
    v.field("value_episodes", value_episodes,
            "Monte Carlo sessions behind each true policy value in /truth (0: none)", at_least(0));
    v.field("value_policies", value_policies,
            "Policies whose true value goes to /truth: logging (the logging policy) or a "
            "policy kind (uniform, popularity, oracle, ...; default parameters)");
    v.section("split", split, "Train/valid/test assignment of the generated sessions");
  }
};

struct SynthesizedLogs {
  SessionStore store;
  StoreTruth truth;
};

// Deterministic in `seed` whatever env.threads. `resolved_config_yaml` is recorded in the
// store's provenance and in the truth.
SynthesizedLogs synthesize_logs(const WorldConfig& world_config, const EnvConfig& env_config,
                                const PolicyConfig& logging_policy, const SynthConfig& synth,
                                std::uint64_t seed, const std::string& resolved_config_yaml);

// The seeds synthesize_logs derives from the run seed, so that other jobs can rebuild the
// same world.
std::uint64_t world_seed(std::uint64_t run_seed);

// The raw id of the world's item `index` in the logs it writes ("i17"): also how a policy
// trained in the world names its items when exported.
std::string synthetic_item_id(std::int64_t index);

}  // namespace shoprl
