// `shoprl data import|stats|sample`: logs into a session store, its statistics, and the
// generated sample log.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "app/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/import.h"
#include "data/importer_registry.h"
#include "data/sample_log.h"
#include "data/session_store_io.h"
#include "data/store_stats.h"
#include "data/store_truth.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"
#include "jobs/store_world.h"

namespace shoprl {
namespace {

struct ImportOptions {
  ConfigOptions config;
  std::string format;
  std::vector<std::string> inputs;
  std::string output;
  bool skip_bad_rows = false;
};

// The text of import.world ("" when unset), checked as store_world_config will load it back
// from the store's /truth (jobs/store_world.h), so that a store is never written with a world
// that `shoprl evaluate` cannot rebuild.
std::string import_world_yaml(const std::string& path) {
  if (path.empty()) return "";
  std::string text;
  try {
    text = read_file_text(path);
  } catch (const IoError& e) {
    throw IoError("import.world: " + std::string(e.what()));
  }
  parse_recorded_config(text, "import.world: " + path);
  return text;
}

void run_import(const ImportOptions& options, const GlobalOptions& global) {
  LoadedConfig loaded = load_app_config(options.config.file, options.config.overrides);
  ImportConfig& config = loaded.config.import;
  // Command-line flags win over the file and --set; the store records the result.
  if (!options.format.empty()) config.format = options.format;
  if (!options.inputs.empty()) config.inputs = options.inputs;
  if (options.skip_bad_rows) config.skip_bad_rows = true;
  find_importer(config.format);  // fail on a bad --format before reading anything
  loaded.resolved_yaml = resolved_config_yaml(loaded.config);
  apply_logging(loaded.config, global.quiet);
  warn_unused_sections(loaded, "data import", {"import"});
  StoreTruth truth;
  truth.world_config_yaml = import_world_yaml(config.world);  // before anything is read

  const auto start = std::chrono::steady_clock::now();
  const SessionStore store =
      import_session_logs(config, loaded.config.run.seed, loaded.resolved_yaml);
  write_session_store(store, options.output, truth.empty() ? nullptr : &truth);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("wrote {}: {} sessions, {} events, {} items, {} impressions ({:.2f} s)",
               options.output, store.num_sessions(), store.num_events(), store.num_items(),
               store.impressions.size(), seconds);
  if (!truth.empty()) spdlog::info("recorded the world of {} in /truth", config.world);
  if (store.provenance.rows_skipped > 0) {
    spdlog::warn("{} malformed rows were skipped (import.skip_bad_rows)",
                 store.provenance.rows_skipped);
  }
}

}  // namespace

void add_data_commands(CLI::App& app, const GlobalOptions& global) {
  CLI::App* data = app.add_subcommand("data", "Import logs into session stores and inspect them");
  data->require_subcommand(1);

  auto import_options = std::make_shared<ImportOptions>();
  std::string formats;
  for (const ImporterInfo& info : importers())
    formats += fmt::format("\n  {:<14}{}", info.name, info.summary);
  CLI::App* import = data->add_subcommand("import", "Import raw logs into an HDF5 session store");
  import->footer("Formats:" + formats);
  import->add_option("-f,--format", import_options->format, "Log format (sets import.format)");
  import
      ->add_option("-i,--input", import_options->inputs,
                   "Input file, plain or .gz (repeatable; sets import.inputs)")
      ->allow_extra_args(false);
  import->add_option("-o,--output", import_options->output, "Session store to write (.h5)")
      ->required();
  import->add_flag("--skip-bad-rows", import_options->skip_bad_rows,
                   "Count and skip malformed rows instead of stopping");
  add_config_options(*import, import_options->config);
  import->callback([import_options, &global] { run_import(*import_options, global);
});

add_synth_command(*data, global);

auto store_path = std::make_shared<std::string>();
auto as_json = std::make_shared<bool>(false);
CLI::App* stats = data->add_subcommand("stats", "Statistics of a session store, per split");
stats->add_option("store", *store_path, "Session store (.h5)")->required();
stats->add_flag("--json", *as_json, "Print JSON instead of a table");
stats->callback([store_path, as_json] {
  const StoreStats result = compute_store_stats(read_session_store(*store_path));
  fmt::print("{}", *as_json ? store_stats_json(result) : store_stats_text(result));
});

auto sample_config = std::make_shared<ConfigOptions>();
auto sample_output = std::make_shared<std::string>();
CLI::App* sample = data->add_subcommand(
    "sample", "Write the generated RetailRocket-shaped sample log (config section `sample`)");
sample->add_option("-o,--output", *sample_output, "CSV file to write (.csv or .csv.gz)")
    ->required();
add_config_options(*sample, *sample_config);
sample->callback([sample_config, sample_output, &global] {
  const LoadedConfig loaded = load_app_config(sample_config->file, sample_config->overrides);
  apply_logging(loaded.config, global.quiet);
  warn_unused_sections(loaded, "data sample", {"sample"});
  const SampleLogSummary summary =
      write_sample_retailrocket_log(*sample_output, loaded.config.sample, loaded.config.run.seed);
  spdlog::info("wrote {}: {} events of {} visitors (seed {})", *sample_output, summary.events,
               summary.visitors, loaded.config.run.seed);
});
}  // namespace shoprl

}  // namespace shoprl
