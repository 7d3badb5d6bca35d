// Evaluation of a training run (train_evaluation.h).
#include "app/train_evaluation.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "agent/rollout_value.h"
#include "core/atomic_file.h"
#include "core/seeding.h"
#include "env/policies/slate_policy.h"
#include "env/policy_value.h"

namespace shoprl {

namespace {

constexpr std::uint64_t kDuringStream = 0x64757269ULL;  // "duri"
constexpr std::uint64_t kFinalStream = 0x66696e61ULL;   // "fina"
constexpr std::int64_t kRolloutBatch = 2048;

// The reference policies valued beside the trained one in the true world.
const std::vector<std::string>& reference_policies() {
  static const std::vector<std::string> kinds = {"oracle", "history_oracle", "popularity",
                                                 "uniform"};
  return kinds;
}

struct ValueRow {
  std::string policy;
  double value = 0;
  double std_error = 0;
  double click_through = 0;
  double conversion = 0;
  std::int64_t sessions = 0;
};

nlohmann::ordered_json row_json(const ValueRow& row) {
  return {{"policy", row.policy},         {"value", row.value},
          {"std_error", row.std_error},   {"click_through", row.click_through},
          {"conversion", row.conversion}, {"sessions", row.sessions}};
}

ValueRow agent_row(const std::string& name, const RolloutValue& value) {
  return {name,          value.value, value.std_error, value.click_through, value.conversion,
          value.sessions};
}

}  // namespace

TrainingEvaluator::TrainingEvaluator(const AppConfig& config, TrainingSetup& setup)
    : config_(config), setup_(setup) {}

IterationMetrics TrainingEvaluator::during(Agent& agent, std::int64_t /*iteration*/) const {
  BatchEnv* env = setup_.evaluation_env() ? setup_.evaluation_env() : setup_.inputs.env;
  if (env == nullptr) return {};
  const std::string prefix = setup_.evaluation_env() ? "eval" : "sim_eval";
  const RolloutValue value =
      rollout_value(agent, *env, config_.train.eval_sessions,
                    std::min(config_.train.eval_sessions, kRolloutBatch),
                    derive_seed(config_.run.seed, kDuringStream), setup_.inputs.device);
  return {{prefix + "_return", value.value},
          {prefix + "_click_through", value.click_through},
          {prefix + "_conversion", value.conversion},
          {prefix + "_length", value.mean_length}};
}

std::string TrainingEvaluator::final_report(Agent& agent,
                                            const std::filesystem::path& run_dir) const {
  nlohmann::ordered_json report;
  report["agent"] = config_.agent.kind;
  report["seed"] = config_.run.seed;
  std::string markdown =
      fmt::format("# Evaluation of {} ({})\n\n", config_.agent.kind, run_dir.filename().string());
  const std::int64_t sessions = config_.train.final_eval_sessions;
  const std::uint64_t seed = derive_seed(config_.run.seed, kFinalStream);

  if (setup_.world_env) {
    std::vector<ValueRow> rows;
    rows.push_back(
        agent_row("trained " + config_.agent.kind,
                  rollout_value(agent, *setup_.world_env, sessions,
                                std::min(sessions, kRolloutBatch), seed, setup_.inputs.device)));
    for (const std::string& kind : reference_policies()) {
      PolicyConfig policy_config;
      policy_config.kind = kind;
      const auto policy =
          make_policy(policy_config, *setup_.world_env, derive_seed(seed, 0x706f6c69ULL), "train");
      const PolicyValueEstimate estimate = monte_carlo_policy_value(
          *setup_.world_env, *policy, sessions, std::min(sessions, kRolloutBatch), seed);
      rows.push_back({kind, estimate.value, estimate.std_error, estimate.metrics.click_through_rate,
                      estimate.metrics.session_conversion, estimate.episodes});
    }
    const double oracle = rows[1].value;
    markdown +=
        "## True world\n\nMean return per session over the same number of sessions; the "
        "oracle knows each user's hidden interest.\n\n| policy | return | std error | of oracle "
        "| click-through | conversion |\n|---|---:|---:|---:|---:|---:|\n";
    nlohmann::ordered_json world = nlohmann::ordered_json::array();
    for (const ValueRow& row : rows) {
      markdown += fmt::format("| {} | {:.4f} | {:.4f} | {:.1f}% | {:.4f} | {:.4f} |\n", row.policy,
                              row.value, row.std_error, 100.0 * row.value / oracle,
                              row.click_through, row.conversion);
      world.push_back(row_json(row));
    }
    report["true_world"] = world;
    report["fraction_of_oracle"] = rows[0].value / oracle;
    markdown += "\n";
  }
  if (setup_.simulator_env) {
    const ValueRow row =
        agent_row("trained " + config_.agent.kind,
                  rollout_value(agent, *setup_.simulator_env, sessions,
                                std::min(sessions, kRolloutBatch), seed, setup_.inputs.device));
    report["simulator"] = row_json(row);
    markdown += fmt::format(
        "## Simulator it trained in\n\nReturn {:.4f} (std error {:.4f}), click-through {:.4f}, "
        "conversion {:.4f}\n\n",
        row.value, row.std_error, row.click_through, row.conversion);
  }
  write_file_atomic(run_dir / "evaluation.json", report.dump(2) + "\n");
  write_file_atomic(run_dir / "evaluation.md", markdown);
  return markdown;
}

}  // namespace shoprl
