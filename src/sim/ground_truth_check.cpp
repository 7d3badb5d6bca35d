#include "sim/ground_truth_check.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "data/session_store_io.h"
#include "env/policies/slate_policy.h"
#include "env/policy_value.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "sim/fitted_simulator.h"
#include "sim/learned_env.h"
#include "sim/policy_spec.h"
#include "sim/simulator_fit.h"

namespace shoprl {

namespace {

// Streams derived from the run seed (log synthesis derives its own from the same seed).
constexpr std::uint64_t kFitStream = 0xf17;
constexpr std::uint64_t kPolicyStream = 0x9011c7;
constexpr std::uint64_t kValueStream = 0x7a1;

PolicyValueSide side_of(const PolicyValueEstimate& estimate) {
  return {estimate.value, estimate.std_error, estimate.metrics.mean_session_length,
          estimate.metrics.click_through_rate, estimate.metrics.session_conversion};
}

}  // namespace

GroundTruthResult run_ground_truth_check(const GroundTruthInputs& inputs) {
  const SimCheckConfig& check = inputs.check;
  if (check.policies.size() < 2)
    throw ConfigError(fmt::format(
        "sim_check.policies: {} policy given; an ordering needs at least two (five or more "
        "make the rank correlation meaningful)",
        check.policies.size()));
  std::vector<PolicyConfig> policies;
  for (std::size_t p = 0; p < check.policies.size(); ++p) {
    const std::string key = fmt::format("sim_check.policies[{}]", p);
    policies.push_back(parse_policy_spec(check.policies[p], key));
    if (!acts_in_any_environment(policies.back().kind))
      throw ConfigError(fmt::format(
          "{}: '{}' reads the synthetic user's hidden state and cannot act in the learned "
          "world; use uniform, popularity or history_oracle",
          key, check.policies[p]));
    for (std::size_t q = 0; q < p; ++q)
      if (check.policies[q] == check.policies[p])
        throw ConfigError(fmt::format("{}: '{}' is listed twice", key, check.policies[p]));
  }

  GroundTruthResult result;
  result.seed = inputs.seed;
  result.episodes = check.episodes;
  result.logging_policy = inputs.logging_policy.kind;
  result.items = inputs.world.items;
  result.ensemble = inputs.sim.ensemble;

  const auto fit_start = std::chrono::steady_clock::now();
  SynthConfig synth = inputs.synth;
  synth.value_episodes = 0;  // the check values its own policies below
  const SynthesizedLogs logs = synthesize_logs(inputs.world, inputs.env, inputs.logging_policy,
                                               synth, inputs.seed, inputs.resolved_config_yaml);
  result.logged_sessions = static_cast<std::int64_t>(logs.store.num_sessions());
  result.logged_events = static_cast<std::int64_t>(logs.store.num_events());
  spdlog::info("ground-truth check: {} sessions, {} events logged with {}; fitting {} members",
               result.logged_sessions, result.logged_events, inputs.logging_policy.kind,
               inputs.sim.ensemble);
  // The logs are kept beside the simulator (after it is saved: saving replaces the folder), so
  // that `shoprl sim report --set sim.store=<directory>/logs.h5` can evaluate it on them.
  const std::filesystem::path directory(inputs.sim.directory);
  const std::string store_path = (directory / "logs.h5").string();
  FittedSimulator simulator =
      fit_simulator(inputs.sim, logs.store, store_path, inputs.env.slate_size,
                    derive_seed(inputs.seed, kFitStream), inputs.device);
  save_simulator(simulator, directory);
  write_session_store(logs.store, store_path, &logs.truth);
  result.store_hash = simulator.store_hash;
  result.fit_seconds = seconds_since(fit_start);

  const auto evaluation_start = std::chrono::steady_clock::now();
  const SyntheticWorld world(inputs.world, inputs.env.slate_size, world_seed(inputs.seed));
  SyntheticEnv true_env(world, inputs.env);
  LearnedEnv learned_env(simulator, inputs.env, /*uncertainty_penalty=*/0.0, inputs.device);
  std::vector<NamedSlatePolicy> valued;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    const std::string key = fmt::format("sim_check.policies[{}]", p);
    valued.push_back(
        {check.policies[p], make_policy(policies[p], world, inputs.env,
                                        derive_seed(inputs.seed, kPolicyStream, p), key)});
  }
  valued.insert(valued.end(), inputs.extra_policies.begin(), inputs.extra_policies.end());
  for (std::size_t p = 0; p < valued.size(); ++p) {
    const SlatePolicy& policy = *valued[p].policy;
    // The same sessions' seeds in both worlds: not coupled (the worlds draw differently), but
    // nothing differs between the two columns except the world.
    const std::uint64_t value_seed = derive_seed(inputs.seed, kValueStream, p);
    PolicyComparison comparison;
    comparison.name = valued[p].name;
    comparison.truth = side_of(
        monte_carlo_policy_value(true_env, policy, check.episodes, check.batch_size, value_seed));
    comparison.simulated = side_of(monte_carlo_policy_value(learned_env, policy, check.episodes,
                                                            check.batch_size, value_seed));
    spdlog::info("{}: true {:.4f} +- {:.4f}, simulated {:.4f} +- {:.4f}", comparison.name,
                 comparison.truth.value, comparison.truth.std_error, comparison.simulated.value,
                 comparison.simulated.std_error);
    result.policies.push_back(comparison);
  }
  result.evaluation_seconds = seconds_since(evaluation_start);
  summarize_ground_truth(result);

  write_file_atomic(directory / "ground_truth.json", ground_truth_json(result));
  write_file_atomic(directory / "ground_truth.md", ground_truth_markdown(result));
  return result;
}

}  // namespace shoprl
