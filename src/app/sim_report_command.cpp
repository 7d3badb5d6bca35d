// `shoprl sim report`: the fidelity report of the simulator in sim.directory on the test split
// of sim.store (report/index.html, report.md, report.json), with the ground-truth table when
// `shoprl sim check` left one beside the simulator.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/overwrite_flag.h"
#include "core/atomic_file.h"
#include "core/torch/device.h"
#include "data/session_store_io.h"
#include "jobs/app_config.h"
#include "jobs/config_paths.h"
#include "jobs/run_context.h"
#include "sim/fidelity.h"
#include "sim/fitted_simulator.h"

namespace shoprl {

namespace {

struct ReportOptions {
  ConfigOptions config;
  std::string output;
  bool overwrite = false;
};

void run_sim_report(const ReportOptions& options, const GlobalOptions& global) {
  // Named after sim fit by default: its simulator is the one reported on.
  const LoadedConfig loaded =
      load_app_config(options.config.file, options.config.overrides, "sim-fit");
  const AppConfig& config = loaded.config;
  apply_logging(config, global.quiet);
  warn_unused_sections(loaded, "sim report", {"sim", "sim_report", "env"});
  // The report folder is this command's output folder (core/run_folder.h): -o names it, else
  // it is the simulator's report/.
  const std::filesystem::path directory(config.sim.directory);
  require_simulator(loaded, "sim.directory", config.sim.directory);
  const std::filesystem::path output =
      options.output.empty() ? directory / "report" : std::filesystem::path(options.output);
  const RunFolderMode mode = run_folder_mode(options.overwrite);
  check_run_folder(output, mode);
  const std::string device = resolve_device(config.run.device);
  FittedSimulator simulator = load_simulator(directory, device);
  // sim.store; when that file is absent, the store the simulator names (the logs that
  // `shoprl sim check` keeps beside its simulator).
  std::string store_path = config.sim.store;
  if (!std::filesystem::exists(store_path) && std::filesystem::exists(simulator.store_path)) {
    spdlog::info("sim.store {} does not exist; using the simulator's own store {}", store_path,
                 simulator.store_path);
    store_path = simulator.store_path;
  }
  const SessionStore store = read_session_store(store_path);
  RunContext run = open_run_folder(loaded, output, mode);
  spdlog::info("fidelity of {} ({} members) on the test split of {}", directory.string(),
               simulator.members.size(), store_path);

  FidelityInputs inputs;
  inputs.store_path = store_path;
  inputs.simulator_path = directory.string();
  inputs.device = device;
  inputs.env = config.env;
  inputs.report = config.sim_report;
  inputs.seed = config.run.seed;
  FidelityReport report = evaluate_fidelity(simulator, store, inputs);
  report.title = fmt::format("Simulator fidelity: {}", config.run.name);
  report.resolved_config = loaded.resolved_yaml;
  if (simulator.store_path != store_path)
    report.notes.push_back(fmt::format(
        "The simulator was fitted on {}; this report evaluates it on the test split of {}.",
        simulator.store_path, store_path));

  const std::filesystem::path ground_truth_path = directory / "ground_truth.json";
  if (std::filesystem::exists(ground_truth_path)) {
    GroundTruthResult ground_truth =
        parse_ground_truth_json(read_file_text(ground_truth_path), ground_truth_path.string());
    if (ground_truth_matches(ground_truth, simulator.store_hash)) {
      report.ground_truth = std::move(ground_truth);
    } else {
      report.notes.push_back(fmt::format(
          "{} belongs to a simulator fitted on other logs (store hash {}, this one {}); not "
          "shown.",
          ground_truth_path.string(), ground_truth.store_hash, simulator.store_hash));
    }
  }

  write_fidelity_report(report, output.string());
  run.finish();
  fmt::print("{:<28}{:>12}{:>12}\n", "next click (test)", "simulator", "popularity");
  for (std::size_t c = 0; c < report.simulator_next_click.cutoffs.size(); ++c) {
    fmt::print("{:<28}{:>12.4f}{:>12.4f}\n",
               fmt::format("HR@{}", report.simulator_next_click.cutoffs[c]),
               report.simulator_next_click.hit_rate[c], report.popularity_next_click.hit_rate[c]);
  }
  fmt::print("{:<28}{:>12.4f}{:>12.4f}\n", "log-likelihood per target",
             report.simulator_next_click.mean_log_likelihood,
             report.popularity_next_click.mean_log_likelihood);
  fmt::print("purchase AUC {:.4f}, ECE {:.4f}; session-length KS distance {:.4f}\n",
             report.purchase.auc, report.purchase.expected_calibration_error,
             report.length_ks.statistic);
  spdlog::info("wrote {}/index.html, report.md, report.json", output.string());
}

}  // namespace

void add_sim_report_command(CLI::App& sim, const GlobalOptions& global) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* report = sim.add_subcommand(
      "report",
      "Fidelity report of the fitted simulator on the test split of sim.store (sections sim, "
      "sim_report, env)");
  add_config_options(*report, options->config);
  report->add_option("-o,--output", options->output,
                     "Report folder (default: <sim.directory>/report)");
  add_overwrite_flag(*report, options->overwrite);
  report->callback([options, &global] { run_sim_report(*options, global); });
}

}  // namespace shoprl
