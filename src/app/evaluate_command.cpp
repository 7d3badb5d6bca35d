// `shoprl evaluate`: off-policy evaluation of a policy on a session store's impressions, with
// the true value beside each estimate when the logs come from the synthetic world, written as
// a report (report.json, report.md, index.html) in the run directory. The policy is a built-in
// one (eval/evaluation_policy.h) or a trained checkpoint (checkpoint_evaluation.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>

#include "app/commands.h"
#include "app/hand_over.h"
#include "app/overwrite_flag.h"
#include "app/torch_parts.h"
#include "core/error.h"
#include "core/seeding.h"
#include "data/session_store_io.h"
#include "eval/evaluation_report.h"
#include "eval/ope_run.h"
#include "eval/ranking_metrics.h"
#include "eval/report_format.h"
#include "eval/store_rounds.h"
#include "eval/true_value.h"
#include "eval/weight_histogram.h"
#include "jobs/app_config.h"
#include "jobs/config_paths.h"
#include "jobs/run_context.h"
#include "jobs/store_world.h"

namespace shoprl {

namespace {

// The uniform policy's slates drawn in each logged state for the per-slate truth, and the
// stream of the evaluation seed they come from.
constexpr int kLoggedStateDraws = 8;
constexpr std::uint64_t kLoggedStateStream = 0x7e0f;

// The true value of the evaluated policy, when the store's /truth holds the value of the same
// policy. Only `uniform` is the same policy in both places: the world's popularity policy
// samples by the world's own popularity, ours ranks by logged counts.
const PolicyValue* matching_true_value(const StoreTruth& truth, const std::string& kind) {
  if (kind != "uniform") return nullptr;
  for (const PolicyValue& v : truth.policy_values) {
    if (v.name == kind) return &v;
  }
  return nullptr;
}

// Everything for a policy that needs no model (eval/evaluation_policy.h).
EvaluationReport evaluate_builtin_policy(const LoadedConfig& loaded, const SessionStore& store,
                                         std::uint64_t seed, const GlobalOptions& global) {
  const AppConfig& config = loaded.config;
  const SlotDistributionPolicy policy = make_evaluation_policy(config.evaluate.policy, store);
  StoreRounds store_rounds = logged_rounds_from_store(store, policy, config.evaluate.split);
  store_rounds.rounds.reward_min = config.ope.reward_min;
  store_rounds.rounds.reward_max = config.ope.reward_max;
  const std::size_t bad = first_reward_outside_range(store_rounds.rounds);
  if (bad < store_rounds.rounds.size()) {
    throw DataError(fmt::format(
        "{}: dataset /impressions/reward: row {}: reward {} is outside [ope.reward_min, "
        "ope.reward_max] = [{}, {}] (the bounded-reward intervals rely on it; set them with "
        "--set)",
        config.evaluate.store, store_rounds.impression_row[bad], store_rounds.rounds.reward[bad],
        config.ope.reward_min, config.ope.reward_max));
  }
  spdlog::info("{} rounds from {} ({} split); evaluation policy {}", store_rounds.rounds.size(),
               config.evaluate.store, config.evaluate.split, policy.description());

  std::unique_ptr<RewardModel> model;
  if (config.reward_model.kind != "none") {
    store_rounds.model_data.seed = reward_model_seed(seed);
    model = fit_reward_model(config.reward_model, store_rounds.model_data,
                             global.torch ? global.torch->train_mlp_reward_model : nullptr);
    add_reward_model_predictions(store_rounds, *model, policy);
  }
  OpeResult result =
      run_estimators(store_rounds.rounds, config.ope, resolve_bootstrap_seed(config.ope, seed));

  EvaluationReport report;
  report.input = config.evaluate.store;
  report.evaluation_policy = policy.description();
  report.logging_policy = "the policy that wrote the logs (its propensities are in the store)";
  report.resolved_config = loaded.resolved_yaml;
  report.seed = seed;
  report.rounds = store_rounds.rounds.size();
  report.confidence = config.ope.confidence;
  report.interval = shown_interval_kind(config.ope);
  report.interval_note = shown_interval_note(config.ope);
  const bool synthetic = store_has_truth(config.evaluate.store);
  if (synthetic) {
    const StoreTruth truth = read_store_truth(config.evaluate.store);
    if (const PolicyValue* value = matching_true_value(truth, config.evaluate.policy.kind)) {
      // The same policy of the world (uniform) in the logged states: the slate and round truth.
      PolicyConfig world_policy;
      world_policy.kind = config.evaluate.policy.kind;
      const std::optional<PolicyValue> in_logged_states =
          one_slate_per_session(store_rounds.rounds)
              ? std::nullopt
              : world_policy_in_logged_states(
                    config.evaluate.store, store, store_rounds.impression_row, world_policy,
                    kLoggedStateDraws, derive_seed(seed, kLoggedStateStream));
      const auto notes = attach_true_value(*value, store_rounds.rounds, config.ope.gamma, result,
                                           in_logged_states ? &*in_logged_states : nullptr);
      report.notes.insert(report.notes.end(), notes.begin(), notes.end());
    } else {
      report.notes.push_back(fmt::format(
          "The logs are synthetic, but /truth holds no value of the policy '{}' as defined "
          "here, so no estimate is compared with a true value.",
          config.evaluate.policy.kind));
    }
  }
  if (!synthetic && config.evaluate.policy.kind == "empirical") {
    // Real logs of the evaluated policy itself (Open Bandit: bts beside random): their own
    // on-policy value, in the same split, is the yardstick.
    const SessionStore own_logs = read_session_store(config.evaluate.policy.store);
    StoreRounds own = logged_rounds_from_store(own_logs, policy, config.evaluate.split);
    own.rounds.reward_min = config.ope.reward_min;
    own.rounds.reward_max = config.ope.reward_max;
    OpeConfig logging_only = config.ope;
    logging_only.estimators.clear();
    const OpeResult own_values =
        run_estimators(own.rounds, logging_only, resolve_bootstrap_seed(config.ope, seed));
    report.notes.push_back(attach_on_policy_yardstick(
        own_values.logging_values,
        config.evaluate.policy.store + " (" + config.evaluate.split + " split)", result));
    report.true_value_label = "yardstick";
  }
  if (!result.ipw_weights.empty()) {
    report.weights = make_weight_histogram("ipw", result.ipw_weights);
  }
  if (config.evaluate.ranking) {
    RankingConfig ranking;
    ranking.split = config.evaluate.ranking_split;
    report.ranking = ranking_metrics(store, *make_popularity_scorer(store), ranking);
  }
  if (model) {
    report.notes.push_back(fmt::format("Reward model: {} ({} fold{}).", config.reward_model.kind,
                                       config.reward_model.folds,
                                       config.reward_model.folds == 1 ? "" : "s"));
  }
  report.logging_values = result.logging_values;
  report.estimates = result.estimates;
  return report;
}

// The terminal table: every estimate in its unit beside the logging policy's value in that unit
// and, where known, the true value (or yardstick), then the headline.
void print_summary(const EvaluationReport& report) {
  const std::string label = report.true_value_label;
  fmt::print("{:<16}{:<9}{:>12}{:>12}{:>26}{:>22}\n", "estimator", "unit", "value", "std error",
             fmt::format("{:.0f}% interval ({})", 100 * report.confidence, report.interval), label);
  const auto row = [&](const Estimate& e) {
    if (!e.declined.empty()) return fmt::format("{:<16}declined: {}\n", e.estimator, e.declined);
    std::string truth = "-";
    if (!std::isnan(e.true_value)) {
      truth = fmt::format("{:.6f}", e.true_value);
      if (!std::isnan(e.true_value_std_error))
        truth += fmt::format(" ± {:.4f}", e.true_value_std_error);
    }
    return fmt::format("{:<16}{:<9}{:>12.6f}{:>12.6f}{:>26}{:>22}\n", e.estimator, e.unit, e.value,
                       e.std_error, fmt::format("[{:.6f}, {:.6f}]", e.ci.low, e.ci.high), truth) +
           (e.unreliable.empty() ? "" : fmt::format("{:<16}unreliable: {}\n", "", e.unreliable));
  };
  for (const Estimate& logging : report.logging_values) {
    Estimate named = logging;
    named.estimator = "logging";
    fmt::print("{}", row(named));
  }
  for (const Estimate& e : report.estimates) fmt::print("{}", row(e));
  if (!report.interval_note.empty()) fmt::print("Intervals: {}\n", report.interval_note);
  if (const Estimate* e = headline_estimate(report.estimates)) {
    fmt::print("Headline: {:.6f} {} by {}, interval [{:.6f}, {:.6f}]\n", e->value,
               per_unit(e->unit), e->estimator, e->ci.low, e->ci.high);
  }
}

}  // namespace

void add_evaluate_command(CLI::App& app, const GlobalOptions& global) {
  struct EvaluateOptions {
    ConfigOptions config;
    bool overwrite = false;
  };
  auto options = std::make_shared<EvaluateOptions>();
  CLI::App* evaluate = app.add_subcommand(
      "evaluate",
      "Evaluate a policy off-policy on logged slates and write a report (sections evaluate, "
      "ope, reward_model)");
  add_config_options(*evaluate, options->config);
  add_overwrite_flag(*evaluate, options->overwrite);
  evaluate->callback([options, &global] {
    const LoadedConfig loaded =
        load_app_config(options->config.file, options->config.overrides, "evaluate");
    const AppConfig& config = loaded.config;
    if (!has_torch_jobs(global) && config_needs_torch(config)) hand_over_to_torch_program(global);
    apply_logging(config, global.quiet);
    warn_unused_sections(loaded, "evaluate", {"evaluate", "ope", "reward_model"});
    // Every check before the run folder is touched (core/run_folder.h).
    require_session_store(loaded, "evaluate.store", config.evaluate.store);
    const EvaluationPolicyConfig& policy = config.evaluate.policy;
    if (policy.kind == "checkpoint") {
      require_input(loaded, "evaluate.policy.checkpoint", policy.checkpoint, InputKind::kFolder,
                    "`shoprl train` (its run folder, or its checkpoint/)");
    } else if (policy.kind == "exported") {
      require_input(loaded, "evaluate.policy.model", policy.model, InputKind::kFolder,
                    "`shoprl export --run RUN --output REPOSITORY` (REPOSITORY/NAME)");
    } else if (policy.kind == "empirical") {
      require_session_store(loaded, "evaluate.policy.store", policy.store);
    } else if (policy.kind == "file") {
      require_input(loaded, "evaluate.policy.file", policy.file, InputKind::kFile,
                    "a CSV file with the header item_id,position,probability (docs/ope.md)");
    }
    const RunFolderMode mode = run_folder_mode(options->overwrite);
    check_run_folder(run_directory(config), mode);
    const SessionStore store = read_session_store(config.evaluate.store);

    RunContext run = open_run(loaded, mode);
    const bool trained = policy.kind == "checkpoint" || policy.kind == "exported";
    EvaluationReport report = trained ? global.torch->evaluate_checkpoint(loaded, store, run.seed)
                                      : evaluate_builtin_policy(loaded, store, run.seed, global);
    report.title = fmt::format("Off-policy evaluation: {}", config.run.name);
    const std::string dir = (run.dir / "report").string();
    write_evaluation_report(report, dir);
    run.finish();
    print_summary(report);
    fmt::print("report: {}/index.html\n", dir);
  });
}

}  // namespace shoprl
