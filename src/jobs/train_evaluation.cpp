// Evaluation of a training run (train_evaluation.h).
#include "jobs/train_evaluation.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "agent/rollout_value.h"
#include "core/atomic_file.h"
#include "core/seeding.h"
#include "env/policies/slate_policy.h"
#include "env/policy_value.h"
#include "eval/evaluation_report.h"
#include "jobs/agent_scoring.h"
#include "policy/log_evaluation.h"
#include "policy/network_scorer.h"

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

std::string TrainingEvaluator::off_policy_section(Agent& agent,
                                                  const std::filesystem::path& run_dir,
                                                  nlohmann::ordered_json& report) const {
  const SessionStore& logs = *setup_.logs;
  const ScoringFunction score = agent_scoring_function(agent);
  std::string markdown;
  if (logs.impressions.size() > 0) {
    LogEvaluationOptions options;
    options.split = config_.train.held_out_split;
    options.ranking_split = config_.train.held_out_split;
    options.name = "trained " + config_.agent.kind;
    options.store_path = config_.train.store;
    options.resolved_config = resolved_config_yaml(config_);
    options.history_length = scoring_history_length(config_);
    options.ope = config_.ope;
    options.reward_model = config_.reward_model;
    options.world = setup_.world.get();
    options.env = config_.env;
    options.truth_episodes = config_.train.final_eval_sessions;
    const EvaluationReport ope = evaluate_scoring_policy_on_logs(
        logs, score, setup_.inputs.num_items, agent.evaluation_rule(), config_.env.slate_size,
        options, derive_seed(config_.run.seed, kFinalStream, 1));
    write_evaluation_report(ope, (run_dir / "report").string());
    nlohmann::ordered_json estimates = nlohmann::ordered_json::array();
    markdown += fmt::format(
        "## Off-policy estimates on the {} split of the logs\n\nEach estimator's value of the "
        "trained policy, in its own unit (round, slate or session), beside the true value in "
        "that unit where the world is known. Full report: report/index.html.\n\n| estimator | "
        "unit | estimate | 95% interval | true value |\n|---|---|---:|---|---:|\n",
        config_.train.held_out_split);
    for (const Estimate& e : ope.estimates) {
      if (!e.declined.empty()) {
        markdown +=
            fmt::format("| {} | {} | declined: {} | | |\n", e.estimator, e.unit, e.declined);
        continue;
      }
      markdown += fmt::format(
          "| {} | {} | {:.4f}{} | [{:.4f}, {:.4f}] | {} |\n", e.estimator, e.unit, e.value,
          e.unreliable.empty() ? "" : " (unreliable: " + e.unreliable + ")", e.ci.low, e.ci.high,
          std::isnan(e.true_value) ? std::string("unknown") : fmt::format("{:.4f}", e.true_value));
      estimates.push_back(
          {{"estimator", e.estimator},
           {"unit", e.unit},
           {"value", e.value},
           {"ci_low", e.ci.low},
           {"ci_high", e.ci.high},
           {"unreliable",
            e.unreliable.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(e.unreliable)},
           {"true_value", std::isnan(e.true_value) ? nlohmann::ordered_json()
                                                   : nlohmann::ordered_json(e.true_value)}});
    }
    report["off_policy"] = estimates;
    markdown += "\n";
  }
  RankingConfig ranking_config;
  ranking_config.split = config_.train.held_out_split;
  ranking_config.history_length = config_.policy.history_length;
  const auto scorer =
      make_network_scorer("trained " + config_.agent.kind, setup_.inputs.num_items, score);
  const RankingMetrics ranking = ranking_metrics(logs, *scorer, ranking_config);
  const RankingMetrics floor = ranking_metrics(logs, *make_popularity_scorer(logs), ranking_config);
  markdown += fmt::format(
      "## Ranking metrics on the {} split\n\nThe whole catalogue ranked for each session prefix "
      "({} click and {} purchase events).\n\n| scorer | events | HR@5 | NDCG@5 | HR@10 | NDCG@10 "
      "| HR@20 | NDCG@20 |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
      config_.train.held_out_split, ranking.click_events, ranking.purchase_events);
  nlohmann::ordered_json ranking_json = nlohmann::ordered_json::object();
  for (const RankingMetrics* metrics : {&ranking, &floor}) {
    for (const auto& [events, rows] :
         {std::make_pair(std::string("clicks"), &metrics->clicks),
          std::make_pair(std::string("purchases"), &metrics->purchases)}) {
      std::string line = fmt::format("| {} | {} |", metrics->scorer, events);
      nlohmann::ordered_json cells = nlohmann::ordered_json::object();
      for (const RankingAtK& at : *rows) {
        line += fmt::format(" {:.4f} | {:.4f} |", at.hit_rate, at.ndcg);
        cells[fmt::format("hr@{}", at.k)] = at.hit_rate;
        cells[fmt::format("ndcg@{}", at.k)] = at.ndcg;
      }
      markdown += line + "\n";
      ranking_json[metrics->scorer][events] = cells;
    }
  }
  report["ranking"] = ranking_json;
  return markdown + "\n";
}

IterationMetrics TrainingEvaluator::during(Agent& agent, std::int64_t /*iteration*/) const {
  BatchEnv* env = setup_.evaluation_env() ? setup_.evaluation_env() : setup_.inputs.env;
  if (env == nullptr) {
    // Logs without a world (real data): ranking on the valid split, the SQN protocol.
    if (!setup_.logs) return {};
    RankingConfig ranking_config;
    ranking_config.split = "valid";
    ranking_config.cutoffs = {10};
    ranking_config.history_length = config_.policy.history_length;
    const auto scorer = make_network_scorer(config_.agent.kind, setup_.inputs.num_items,
                                            agent_scoring_function(agent));
    const RankingMetrics ranking = ranking_metrics(*setup_.logs, *scorer, ranking_config);
    return {{"valid_click_hr@10", ranking.clicks[0].hit_rate},
            {"valid_click_ndcg@10", ranking.clicks[0].ndcg},
            {"valid_purchase_hr@10", ranking.purchases[0].hit_rate},
            {"valid_purchase_ndcg@10", ranking.purchases[0].ndcg}};
  }
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

  std::optional<ValueRow> true_value;  // the trained policy's, where the world is known
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
    true_value = rows[0];
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
    if (true_value && true_value->value > 0) {
      // A policy trained in a simulator is the one most likely to exploit its errors, so the
      // simulator's value of it is shown against the truth (docs/simulator.md).
      const double ratio = row.value / true_value->value;
      report["simulator_over_true"] = ratio;
      markdown += fmt::format(
          "Simulator {:.4f} against the true world's {:.4f}: the simulator values this policy "
          "at {:.2f}x its true value ({:+.0f}%).\n\n",
          row.value, true_value->value, ratio, 100.0 * (ratio - 1.0));
    }
  }
  if (setup_.logs) markdown += off_policy_section(agent, run_dir, report);
  write_file_atomic(run_dir / "evaluation.json", report.dump(2) + "\n");
  write_file_atomic(run_dir / "evaluation.md", markdown);
  return markdown;
}

}  // namespace shoprl
