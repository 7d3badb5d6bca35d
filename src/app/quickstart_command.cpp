// `shoprl quickstart`: the README's main job on the embedded default. For now: generate the
// sample log, import it, and print its statistics, all inside one run directory.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "app/app_config.h"
#include "app/commands.h"
#include "app/run_context.h"
#include "core/atomic_file.h"
#include "data/import.h"
#include "data/sample_log.h"
#include "data/session_store_io.h"
#include "data/store_stats.h"

namespace shoprl {

void add_quickstart_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ConfigOptions>();
  CLI::App* quickstart = app.add_subcommand(
      "quickstart", "Run the whole pipeline on the embedded default (configs/quickstart.yaml)");
  add_config_options(*quickstart, *options);
  quickstart->callback([options, &global] {
    LoadedConfig loaded = load_app_config(options->file, options->overrides);
    AppConfig& config = loaded.config;
    const std::filesystem::path dir =
        std::filesystem::path(config.run.output_dir) / config.run.name;
    const std::filesystem::path log_path = dir / "sample-events.csv.gz";
    config.import.format = "retailrocket";
    config.import.inputs = {log_path.string()};
    loaded.resolved_yaml = resolved_config_yaml(config);
    apply_logging(config, global.quiet);
    const RunContext run = open_run(loaded);

    spdlog::info("1/3 generating the sample log");
    const SampleLogSummary sample =
        write_sample_retailrocket_log(log_path, config.sample, run.seed);
    spdlog::info("    {} events of {} visitors -> {}", sample.events, sample.visitors,
                 log_path.string());

    spdlog::info("2/3 importing it into a session store");
    const SessionStore store = import_session_logs(config.import, run.seed, loaded.resolved_yaml);
    const std::filesystem::path store_path = run.dir / "sessions.h5";
    write_session_store(store, store_path);

    spdlog::info("3/3 statistics");
    const StoreStats stats = compute_store_stats(read_session_store(store_path));
    write_file_atomic(run.dir / "stats.json", store_stats_json(stats));
    fmt::print("{}\n", store_stats_text(stats));
    fmt::print(
        "Run directory: {}\n  config.yaml   resolved config (seed {})\n  sessions.h5   "
        "session store\n  stats.json    these statistics\n",
        run.dir.string(), run.seed);
  });
}

}  // namespace shoprl
