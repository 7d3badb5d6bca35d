// `shoprl quickstart`: the README's main job on the embedded default. For now: generate logs in
// the synthetic world (configs/quickstart.yaml), write them as a session store with the world's
// truth, and print their statistics and the true values of the logging and reference policies,
// all inside one run directory.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "app/app_config.h"
#include "app/commands.h"
#include "app/run_context.h"
#include "core/atomic_file.h"
#include "data/session_store_io.h"
#include "data/store_stats.h"
#include "env/log_synthesis.h"

namespace shoprl {

void add_quickstart_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ConfigOptions>();
  CLI::App* quickstart = app.add_subcommand(
      "quickstart", "Run the whole pipeline on the embedded default (configs/quickstart.yaml)");
  add_config_options(*quickstart, *options);
  quickstart->callback([options, &global] {
    const LoadedConfig loaded = load_app_config(options->file, options->overrides);
    apply_logging(loaded.config, global.quiet);
    const RunContext run = open_run(loaded);

    spdlog::info("1/2 generating logs in the synthetic world ({} policy)",
                 loaded.config.logging_policy.kind);
    const SynthesizedLogs logs = run_synthesis(loaded);
    const std::filesystem::path store_path = run.dir / "sessions.h5";
    write_session_store(logs.store, store_path, &logs.truth);

    spdlog::info("2/2 statistics");
    const StoreStats stats = compute_store_stats(read_session_store(store_path));
    write_file_atomic(run.dir / "stats.json", store_stats_json(stats));
    fmt::print("{}\n{}\n", store_stats_text(stats), policy_values_table(logs.truth));
    fmt::print(
        "Run directory: {}\n  config.yaml   resolved config (seed {})\n  sessions.h5   "
        "session store with impressions; the world's truth in /truth\n  stats.json    these "
        "statistics\n",
        run.dir.string(), run.seed);
  });
}

}  // namespace shoprl
