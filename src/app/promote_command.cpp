// `shoprl promote`: the gate of the closed loop. The candidate (an exported policy) is evaluated
// on the served logs exactly as `shoprl evaluate` would (evaluate.policy.kind exported); then
// either the chosen estimator's lower confidence bound is compared with the served policy's own
// value on those logs, or (promote.evidence simulator) the candidate and the served policy are
// played on the same sessions of a simulator fitted on the served traffic, the estimator
// guarding, or (promote.evidence canary) an A/B experiment decides: the mean return per
// session of the candidate's own served traffic against the served model's (eval/ab_experiment.h),
// and no off-policy evaluation runs (eval/promotion_gate.h). Only a candidate that clears the gate
// is copied into the repository as the served model's next version, which the running server then
// hot-reloads. The run folder keeps the report and decision.json, published or not.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/overwrite_flag.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/session_store_io.h"
#include "eval/evaluation_report.h"
#include "eval/promotion_gate.h"
#include "jobs/app_config.h"
#include "jobs/checkpoint_evaluation.h"
#include "jobs/config_paths.h"
#include "jobs/experiment_arms.h"
#include "jobs/paired_comparison.h"
#include "jobs/policy_publication.h"
#include "jobs/run_context.h"

namespace shoprl {
namespace {

// evidence canary: both arms' values per session, once jobs/experiment_arms.h accepts them.
ExperimentReadout read_canary_experiment(const AppConfig& config, const SessionStore& served) {
  const SessionStore canary = read_session_store(config.promote.canary_logs);
  const std::string served_where = fmt::format("evaluate.store ({})", config.evaluate.store);
  const std::string canary_where =
      fmt::format("promote.canary_logs ({})", config.promote.canary_logs);
  check_experiment_arms(served, served_where, config.promote.name, canary, canary_where);
  return read_experiment(arm_session_value(served, served_where),
                         arm_session_value(canary, canary_where), config.ope.confidence);
}

}  // namespace

void add_promote_command(CLI::App& app, const GlobalOptions& global) {
  struct PromoteOptions {
    ConfigOptions config;
    std::string candidate;
    std::string logs;
    std::string repository;
    std::string name;
    std::string baseline;
    std::string simulator;
    std::string canary_logs;
    bool overwrite = false;
  };
  auto options = std::make_shared<PromoteOptions>();
  CLI::App* command = app.add_subcommand("promote", torch_command_summary("", "promote"));
  add_config_options(*command, options->config);
  command->add_option("--candidate", options->candidate,
                      "The exported candidate: REPOSITORY/NAME or a version folder "
                      "(evaluate.policy.model)");
  command->add_option("--logs", options->logs,
                      "The served logs as a session store (data import --format decision-log; "
                      "evaluate.store)");
  command->add_option("--repository", options->repository,
                      "Where the served model lives (promote.repository)");
  command->add_option("--name", options->name, "The served model (promote.name)");
  command->add_option("--baseline", options->baseline,
                      "The served version as exported, REPOSITORY/NAME/VERSION: the candidate is "
                      "played against it on paired sessions, in the simulator (evidence "
                      "simulator) and in the logs' world where known (promote.baseline)");
  command->add_option("--simulator", options->simulator,
                      "A simulator fitted on the served logs; sets promote.evidence simulator "
                      "(promote.simulator)");
  command->add_option("--canary-logs", options->canary_logs,
                      "The candidate's own served traffic as a session store (an A/B "
                      "experiment, --logs the served model's); sets promote.evidence canary "
                      "(promote.canary_logs)");
  add_overwrite_flag(*command, options->overwrite);
  command->callback([options, &global] {
    std::vector<std::string> overrides = {"evaluate.policy.kind=exported"};
    overrides.insert(overrides.end(), options->config.overrides.begin(),
                     options->config.overrides.end());
    if (!options->candidate.empty())
      overrides.push_back("evaluate.policy.model=" + options->candidate);
    if (!options->logs.empty()) overrides.push_back("evaluate.store=" + options->logs);
    if (!options->repository.empty())
      overrides.push_back("promote.repository=" + options->repository);
    if (!options->name.empty()) overrides.push_back("promote.name=" + options->name);
    if (!options->baseline.empty()) overrides.push_back("promote.baseline=" + options->baseline);
    if (!options->simulator.empty()) {
      overrides.push_back("promote.evidence=simulator");
      overrides.push_back("promote.simulator=" + options->simulator);
    }
    if (!options->canary_logs.empty()) {
      overrides.push_back("promote.evidence=canary");
      overrides.push_back("promote.canary_logs=" + options->canary_logs);
    }
    const LoadedConfig loaded = load_app_config(options->config.file, overrides, "promote");
    const AppConfig& config = loaded.config;
    apply_logging(config, global.quiet);
    const bool by_simulation = config.promote.evidence == "simulator";
    const bool by_experiment = config.promote.evidence == "canary";
    std::vector<std::string> used = {"evaluate", "ope", "promote"};
    if (!by_experiment) used.emplace_back("reward_model");
    if (by_simulation) used.emplace_back("env");  // the simulated sessions' limits
    warn_unused_sections(loaded, "promote", used);
    // Every check before the run folder or the repository is touched.
    require_session_store(loaded, "evaluate.store", config.evaluate.store);
    require_input(loaded, "evaluate.policy.model", config.evaluate.policy.model, InputKind::kFolder,
                  "`shoprl export --run RUN --output REPOSITORY`");
    if (config.promote.repository.empty() || config.promote.name.empty())
      throw ConfigError(
          "promote.repository, promote.name: name the served model the candidate would replace "
          "(--repository REPOSITORY --name NAME)");
    check_publishable(config.evaluate.policy.model, config.promote.repository, config.promote.name,
                      "evaluate.policy.model");
    const RunFolderMode mode = run_folder_mode(options->overwrite);
    check_run_folder(run_directory(config), mode);
    if (by_simulation) {
      require_input(loaded, "promote.simulator", config.promote.simulator, InputKind::kFolder,
                    "`shoprl sim fit` on the served logs");
      if (config.ope.gamma != 1)
        throw ConfigError(fmt::format(
            "ope.gamma: {} discounts the logs' per-session value, and the simulator's returns "
            "are undiscounted; promote.evidence simulator needs ope.gamma 1",
            config.ope.gamma));
    }
    if (by_experiment)
      require_session_store(loaded, "promote.canary_logs", config.promote.canary_logs);
    if (by_simulation || !config.promote.baseline.empty())
      require_input(loaded, "promote.baseline", config.promote.baseline, InputKind::kFolder,
                    "`shoprl export`: the served version, REPOSITORY/NAME/VERSION");
    const SessionStore store = read_session_store(config.evaluate.store);
    const GatePolicies policies = load_gate_policies(config, store);
    std::optional<ExperimentReadout> experiment;
    if (by_experiment) experiment = read_canary_experiment(config, store);

    RunContext run = open_run(loaded, mode);
    PairedComparison paired =
        by_simulation ? compare_in_simulator(config, policies, run.seed) : PairedComparison{};
    PromotionDecision decision;
    if (by_experiment) {
      decision = decide_promotion_by_experiment(*experiment, config.promote, config.ope.confidence);
    } else {
      EvaluationReport report = evaluate_trained_policy_on_logs(loaded, store, run.seed);
      report.title = fmt::format("Promotion gate: {}", config.run.name);
      write_evaluation_report(report, (run.dir / "report").string());
      decision = by_simulation ? decide_promotion_by_simulation(report, config.promote, paired,
                                                                config.ope.confidence)
                               : decide_promotion(report, config.promote);
    }
    add_true_lead(config, policies, run.seed, paired);
    decision.paired = paired;
    const std::int64_t version =
        decision.publish ? publish_policy_version(config.evaluate.policy.model,
                                                  config.promote.repository, config.promote.name)
                         : 0;
    write_file_atomic(
        run.dir / "decision.json",
        promotion_decision_json(decision, config.evaluate.policy.model, config.evaluate.store,
                                config.ope.confidence, version));
    run.finish();
    fmt::print("{}\n", decision.reason);
    if (!by_experiment) {
      fmt::print("candidate {} per {}: {:.6f}, {:.0f}% interval [{:.6f}, {:.6f}]{}\n",
                 decision.candidate.estimator, decision.candidate.unit, decision.candidate.value,
                 100 * config.ope.confidence, decision.candidate.ci.low, decision.candidate.ci.high,
                 std::isnan(decision.candidate.true_value)
                     ? ""
                     : fmt::format("; true value {:.6f}", decision.candidate.true_value));
      fmt::print("served policy's value on its logs: {:.6f} [{:.6f}, {:.6f}]\n",
                 decision.served.value, decision.served.ci.low, decision.served.ci.high);
    }
    if (const auto& x = decision.experiment)
      fmt::print(
          "experiment per session: candidate {:.4f} ± {:.4f} ({} sessions), served {:.4f} "
          "± {:.4f} ({} sessions); lead {:+.4f}, {:.0f}% interval [{:+.4f}, {:+.4f}]\n",
          x->candidate.mean, x->candidate.std_error, x->candidate.sessions, x->served.mean,
          x->served.std_error, x->served.sessions, x->difference, 100 * config.ope.confidence,
          x->ci.low, x->ci.high);
    if (const auto& sim = decision.paired.simulated)
      fmt::print(
          "simulated per session: candidate {:.4f}, served {:.4f} (on its logs {:.4f}); lead "
          "{:+.4f}, {:.0f}% interval [{:+.4f}, {:+.4f}]\n",
          sim->candidate.value, sim->baseline.value, decision.served_session_value, sim->difference,
          100 * config.ope.confidence, decision.difference_ci.low, decision.difference_ci.high);
    if (const auto& truth = decision.paired.truth)
      fmt::print("true lead per session (paired, in the logs' world): {:+.4f} ± {:.4f}\n",
                 truth->difference, truth->difference_std_error);
    if (decision.publish)
      fmt::print("published {}/{}/{}\n", config.promote.repository, config.promote.name, version);
    fmt::print("decision: {}\n", (run.dir / "decision.json").string());
  });
}

}  // namespace shoprl
