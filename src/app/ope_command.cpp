// `shoprl ope --input FILE.h5`: every configured estimator on an Open Bandit Pipeline-convention
// file, as a table or as JSON, beside the logging policy's own value (the mean logged reward).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/hand_over.h"
#include "app/torch_parts.h"
#include "core/error.h"
#include "core/json_number.h"
#include "eval/estimate.h"
#include "eval/estimator_registry.h"
#include "eval/obp_file.h"
#include "eval/obp_reward_model.h"
#include "eval/ope_run.h"
#include "eval/report_format.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"

namespace shoprl {
namespace {

struct OpeOptions {
  ConfigOptions config;
  std::string input;
  bool json = false;
};

void check_reward_range(const LoggedRounds& rounds, const std::string& input) {
  const std::size_t i = first_reward_outside_range(rounds);
  if (i == rounds.size()) return;
  throw DataError(fmt::format(
      "{}: dataset /reward: row {}: reward {} is outside [ope.reward_min, ope.reward_max] = "
      "[{}, {}] (the bounded-reward intervals rely on it; set them with --set)",
      input, i, rounds.reward[i], rounds.reward_min, rounds.reward_max));
}

nlohmann::json interval_json(const Interval& interval) {
  if (!interval.defined()) return nullptr;
  return {{"low", interval.low}, {"high", interval.high}};
}

nlohmann::json estimate_json(const Estimate& e, double relative) {
  return {{"value", json_number(e.value)},
          {"std_error", json_number(e.std_error)},
          {"ci_low", json_number(e.ci.low)},
          {"ci_high", json_number(e.ci.high)},
          {"unit", e.unit},
          {"units", e.units},
          {"intervals",
           {{"bootstrap", interval_json(e.ci_bootstrap)},
            {"t", interval_json(e.ci_t)},
            {"normal", interval_json(e.ci_normal)},
            {"hoeffding", interval_json(e.ci_hoeffding)},
            {"bernstein", interval_json(e.ci_bernstein)}}},
          {"effective_sample_size", json_number(e.effective_sample_size)},
          {"max_weight", json_number(e.max_weight)},
          {"clipped_fraction", json_number(e.clipped_fraction)},
          {"relative_to_logging", json_number(relative)}};
}

std::string cell(double x, const char* format = "{:.6f}") {
  return std::isfinite(x) ? fmt::format(fmt::runtime(format), x) : std::string("-");
}

std::string estimates_table(const OpeResult& result, const OpeConfig& config) {
  std::string out = fmt::format(
      "{:<14} {:<8} {:>10} {:>10} {:>10} {:>10} {:>12} {:>10} {:>8} {:>9}\n", "estimator", "unit",
      "value", "std err", "ci low", "ci high", "ESS", "max w", "clipped", "relative");
  auto row = [&](const Estimate& e) {
    out += fmt::format("{:<14} {:<8} {:>10} {:>10} {:>10} {:>10} {:>12} {:>10} {:>8} {:>9}\n",
                       e.estimator, e.unit, cell(e.value), cell(e.std_error), cell(e.ci.low),
                       cell(e.ci.high), cell(e.effective_sample_size, "{:.1f}"),
                       cell(e.max_weight, "{:.3f}"), cell(100 * e.clipped_fraction, "{:.2f}%"),
                       cell(relative_to_logging(e, result.logging_values), "{:.4f}"));
    if (!e.unreliable.empty()) out += fmt::format("{:<14} unreliable: {}\n", "", e.unreliable);
  };
  for (const Estimate& logging : result.logging_values) {
    Estimate named = logging;
    named.estimator = "logging";
    row(named);
  }
  std::string declined;
  for (const Estimate& e : result.estimates) {
    if (e.declined.empty()) {
      row(e);
    } else {
      declined += fmt::format("{:<14} declined: {}\n", e.estimator, e.declined);
    }
  }
  out += declined;
  const std::string shown = shown_interval_kind(config);
  const std::string note = shown_interval_note(config);
  out += fmt::format(
      "{:.0f}% intervals: {}{}; unit: a round's reward, a slate's summed reward or a session's "
      "return, and each value is comparable only within its unit; relative = value / the "
      "logging policy's value in the same unit (the logging/ rows)\n",
      100 * config.confidence, shown,
      !note.empty()          ? " (" + note + ")"
      : shown == "bootstrap" ? fmt::format(" ({} resamples)", config.bootstrap_resamples)
                             : "");
  return out;
}

void run_ope(const OpeOptions& options, const GlobalOptions& global) {
  const LoadedConfig loaded = load_app_config(options.config.file, options.config.overrides);
  if (!has_torch_jobs(global) && config_needs_torch(loaded.config))
    hand_over_to_torch_program(global);
  apply_logging(loaded.config, global.quiet);
  warn_unused_sections(loaded, "ope", {"ope", "reward_model"});
  const OpeConfig& config = loaded.config.ope;
  // Unknown names fail before the file is read.
  for (const std::string& name : config.estimators) find_estimator(name);
  const std::uint64_t seed = resolve_bootstrap_seed(config, loaded.config.run.seed);

  const auto start = std::chrono::steady_clock::now();
  ObpReadOptions read_options;
  read_options.reward_min = config.reward_min;
  read_options.reward_max = config.reward_max;
  ObpInput input = read_obp_file(options.input, read_options);
  const LoggedRounds& rounds = input.rounds;
  check_reward_range(rounds, options.input);
  // Without the file's own estimated_rewards_by_reg_model, the configured reward model is
  // fitted to the file's rows (context, action, slot, action context).
  std::unique_ptr<RewardModel> model;
  const RewardModelConfig& model_config = loaded.config.reward_model;
  if (!rounds.has_reward_model() && model_config.kind != "none") {
    const RewardModelData data =
        obp_reward_model_data(input, reward_model_seed(loaded.config.run.seed));
    model = fit_reward_model(model_config, data,
                             global.torch ? global.torch->train_mlp_reward_model : nullptr);
    add_obp_reward_model_predictions(options.input, input, *model, read_options.block_bytes);
    spdlog::info("fitted a {} reward model ({} fold{}) to {} rows", model_config.kind,
                 model_config.folds, model_config.folds == 1 ? "" : "s", rounds.size());
  }
  spdlog::info("read {}: {} rounds, {} actions, {} slots{} ({:.2f} s)", options.input,
               rounds.size(), input.n_actions, rounds.len_list,
               rounds.has_reward_model() ? ", with a reward model" : "",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

  const OpeResult result = run_estimators(rounds, config, seed);

  if (!options.json) {
    fmt::print("{}", estimates_table(result, config));
    return;
  }
  nlohmann::json out = {{"input", options.input},
                        {"rounds", rounds.size()},
                        {"config", loaded.resolved_yaml},
                        {"seed", seed}};
  out["logging_policy_values"] = nlohmann::json::object();
  for (const Estimate& logging : result.logging_values) {
    out["logging_policy_values"][logging.unit] = {{"value", json_number(logging.value)},
                                                  {"std_error", json_number(logging.std_error)},
                                                  {"ci_low", json_number(logging.ci.low)},
                                                  {"ci_high", json_number(logging.ci.high)},
                                                  {"units", logging.units}};
  }
  out["estimates"] = nlohmann::json::object();
  out["declined"] = nlohmann::json::object();
  for (const Estimate& e : result.estimates) {
    if (e.declined.empty()) {
      out["estimates"][e.estimator] =
          estimate_json(e, relative_to_logging(e, result.logging_values));
    } else {
      out["declined"][e.estimator] = e.declined;
    }
  }
  fmt::print("{}\n", out.dump(2));
}

}  // namespace

void add_ope_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<OpeOptions>();
  CLI::App* ope = app.add_subcommand(
      "ope", "Off-policy estimates from an Open Bandit Pipeline-convention HDF5 file");
  ope->footer(
      "The file holds reward, action, position, pscore and action_dist[n, actions, slots] (and "
      "optionally estimated_rewards_by_reg_model for DM and the DR family; without it the "
      "reward_model section's model is fitted to the file); docs/ope.md.");
  ope->add_option("-i,--input", options->input, "HDF5 file in the OBP convention")->required();
  add_config_options(*ope, options->config);
  ope->add_flag("--json", options->json, "Print JSON instead of a table");
  ope->callback([options, &global] { run_ope(*options, global); });
}

}  // namespace shoprl
