// `shoprl sim`: the user simulator learned from logged sessions. This file holds the command
// group and `sim fit`; the other subcommands attach to the group from their own files.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/overwrite_flag.h"
#include "core/torch/device.h"
#include "data/session_store_io.h"
#include "jobs/app_config.h"
#include "jobs/config_paths.h"
#include "jobs/run_context.h"
#include "sim/fitted_simulator.h"
#include "sim/simulator_fit.h"

namespace shoprl {

namespace {

void print_fit_summary(const FittedSimulator& simulator, const std::string& directory,
                       double seconds) {
  fmt::print("{:<8}{:>12}{:>10}{:>18}{:>16}{:>12}\n", "member", "best epoch", "epochs",
             "valid NLL: item", "purchase", "end");
  for (std::size_t k = 0; k < simulator.summaries.size(); ++k) {
    const TrainingSummary& s = simulator.summaries[k];
    fmt::print("{:<8}{:>12}{:>10}{:>18.4f}{:>16.4f}{:>12.4f}\n", k, s.best_epoch, s.epochs.size(),
               s.best_valid.next_item_nll, s.best_valid.purchase_nll, s.best_valid.end_nll);
  }
  const ResponseCalibration& c = simulator.calibration;
  fmt::print(
      "Calibration from {}{}: no-click utility {:.3f}, organic rate {:.3f}, quiet leave "
      "{:.3f}\n",
      c.source, c.source == "impressions" ? fmt::format(" ({} slates)", c.slates_used) : "",
      c.no_click_utility, c.organic_rate, c.quiet_leave);
  fmt::print("Leaving: {}\n", leave_rule_text(c.leave));
  fmt::print("Simulator ({} members, {} items) written to {} in {:.1f} s\n",
             simulator.members.size(), simulator.num_items, directory, seconds);
}

}  // namespace

void add_sim_fit_command(CLI::App& sim, const GlobalOptions& global) {
  struct FitOptions {
    ConfigOptions config;
    bool overwrite = false;
  };
  auto options = std::make_shared<FitOptions>();
  CLI::App* fit = sim.add_subcommand(
      "fit",
      "Fit the user simulator on the store sim.store and write it to sim.directory (default: "
      "the run folder's simulator/)");
  add_config_options(*fit, options->config);
  add_overwrite_flag(*fit, options->overwrite);
  fit->callback([options, &global] {
    const LoadedConfig loaded =
        load_app_config(options->config.file, options->config.overrides, "sim-fit");
    const AppConfig& config = loaded.config;
    apply_logging(config, global.quiet);
    warn_unused_sections(loaded, "sim fit", {"sim", "env"});
    require_session_store(loaded, "sim.store", config.sim.store);
    const RunFolderMode mode = run_folder_mode(options->overwrite);
    check_run_folder(run_directory(config), mode);
    const std::string device = resolve_device(config.run.device);
    const auto start = std::chrono::steady_clock::now();
    const SessionStore store = read_session_store(config.sim.store);

    RunContext run = open_run(loaded, mode);
    spdlog::info("read {}: {} sessions, {} events, {} items (device {})", config.sim.store,
                 store.num_sessions(), store.num_events(), store.num_items(), device);
    const FittedSimulator simulator =
        fit_simulator(config.sim, store, config.sim.store, config.env.slate_size, run.seed, device);
    save_simulator(simulator, config.sim.directory);
    run.finish();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_fit_summary(simulator, config.sim.directory, seconds);
  });
}

CLI::App* add_sim_commands(CLI::App& app, const GlobalOptions& global) {
  CLI::App* sim = app.add_subcommand("sim", torch_command_summary("", "sim"));
  sim->require_subcommand(1);
  add_sim_fit_command(*sim, global);
  add_sim_report_command(*sim, global);
  add_sim_check_command(*sim, global);
  return sim;
}

}  // namespace shoprl
