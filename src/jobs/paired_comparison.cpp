// The candidate against the served policy on paired sessions (paired_comparison.h).
#include "jobs/paired_comparison.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "core/error.h"
#include "core/seeding.h"
#include "core/torch/device.h"
#include "env/log_synthesis.h"
#include "env/paired_policy_value.h"
#include "env/synthetic_env.h"
#include "jobs/exported_slate_policy.h"
#include "jobs/store_world.h"
#include "policy/policy_artifact.h"
#include "sim/fitted_simulator.h"
#include "sim/learned_env.h"

namespace shoprl {

namespace {

// Sessions per batch of the paired runs; the sessions a seed gives depend on it, so it is fixed.
constexpr std::int64_t kBatchSessions = 1024;
constexpr std::uint64_t kWorldStream = 1;  // the world's sessions, apart from the simulator's

}  // namespace

GatePolicies::GatePolicies() = default;
GatePolicies::GatePolicies(GatePolicies&&) noexcept = default;
GatePolicies::~GatePolicies() = default;

GatePolicies load_gate_policies(const AppConfig& config, const SessionStore& store) {
  const PromoteConfig& promote = config.promote;
  GatePolicies policies;
  if (promote.evidence != "simulator" && promote.baseline.empty()) return policies;  // no pairs
  if (promote.evidence == "simulator") {
    if (promote.baseline.empty())
      throw ConfigError(
          "promote.baseline: evidence simulator compares the candidate with the served policy: "
          "name its exported version (--baseline REPOSITORY/NAME/VERSION)");
    policies.simulator = std::make_unique<FittedSimulator>(
        load_simulator(promote.simulator, resolve_device(config.run.device)));
    if (policies.simulator->num_items != static_cast<std::int64_t>(store.num_items()))
      throw ConfigError(fmt::format(
          "promote.simulator: {} was fitted over {} items, the logs {} hold {}: fit it on the "
          "served logs (shoprl sim fit)",
          promote.simulator, policies.simulator->num_items, config.evaluate.store,
          store.num_items()));
  }
  // Both evidences have a baseline from here on; slates are the simulator's, else its own.
  auto baseline = std::make_shared<const ExportedPolicy>(ExportedPolicy::load(promote.baseline));
  policies.slate_size =
      policies.simulator ? policies.simulator->slate_size : baseline->metadata().slate_size;
  policies.baseline = exported_slate_policy_over(std::move(baseline), store.item_raw_id,
                                                 policies.slate_size, "promote.baseline");
  policies.candidate = exported_slate_policy_over(config.evaluate.policy.model, store.item_raw_id,
                                                  policies.slate_size, "evaluate.policy.model");
  policies.num_items = static_cast<std::int64_t>(store.num_items());
  policies.synthetic_catalogue = true;
  for (std::size_t i = 0; i < store.num_items() && policies.synthetic_catalogue; ++i)
    policies.synthetic_catalogue =
        store.item_raw_id[i] == synthetic_item_id(static_cast<std::int64_t>(i));
  return policies;
}

PairedComparison compare_in_simulator(const AppConfig& config, const GatePolicies& policies,
                                      std::uint64_t seed) {
  const PromoteConfig& promote = config.promote;
  EnvConfig env = config.env;
  env.slate_size = policies.slate_size;
  LearnedEnv learned(*policies.simulator, env, /*uncertainty_penalty=*/0.0,
                     resolve_device(config.run.device));
  PairedComparison c;
  c.simulator = promote.simulator;
  c.sessions = promote.sessions;
  const PairedPolicyValue& sim = c.simulated.emplace(paired_policy_value(
      learned, *policies.candidate, *policies.baseline, promote.sessions, kBatchSessions, seed));
  spdlog::info(
      "simulated: candidate {:.4f} ± {:.4f}, served {:.4f} ± {:.4f} per session ({:.2f} slates); "
      "difference {:+.4f} ± {:.4f} (paired, correlation {:.2f}, {} sessions each)",
      sim.candidate.value, sim.candidate.std_error, sim.baseline.value, sim.baseline.std_error,
      sim.baseline.mean_session_length, sim.difference, sim.difference_std_error, sim.correlation,
      c.sessions);
  return c;
}

void add_true_lead(const AppConfig& config, const GatePolicies& policies, std::uint64_t seed,
                   PairedComparison& c) {
  if (!policies.candidate || !policies.baseline || config.evaluate.true_value_sessions <= 0) return;
  const StoreWorld world = store_world(config.evaluate.store);
  if (!world.world) return;
  // The policies index the logs' items; they act in the world only where those are its items.
  if (!policies.synthetic_catalogue || world.world->num_items() != policies.num_items ||
      world.synth.env.slate_size != policies.slate_size) {
    spdlog::warn("no true lead: the logs' items or slates are not the world's");
    return;
  }
  SyntheticEnv true_env(*world.world, world.synth.env);
  c.sessions = config.promote.sessions;
  const PairedPolicyValue& truth = c.truth.emplace(paired_policy_value(
      true_env, *policies.candidate, *policies.baseline, config.promote.sessions, kBatchSessions,
      derive_seed(seed, kWorldStream)));
  spdlog::info(
      "in the world: candidate {:.4f}, served {:.4f} per session ({:.2f} slates); difference "
      "{:+.4f} ± {:.4f}",
      truth.candidate.value, truth.baseline.value, truth.baseline.mean_session_length,
      truth.difference, truth.difference_std_error);
}

}  // namespace shoprl
