// `shoprl bench import`: import throughput on a generated RetailRocket-shaped log, against a
// pandas implementation of the same read and filters measured in the same run. `shoprl bench
// env` lives in bench_env_command.cpp and is registered here.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/seconds_since.h"
#include "data/import.h"
#include "data/sample_log.h"
#include "data/session_store_io.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"

namespace shoprl {
namespace {

struct ImportBenchOptions {
  std::int64_t events = 2700000;
  int repeats = 3;
  bool baseline = true;
  std::string work_dir = "data/bench";
  std::string python = "/usr/bin/python3";
};

// The preprocessing both sides run: the RetailRocket defaults plus SQN's filters.
ImportConfig bench_import_config(const std::string& input) {
  ImportConfig config;
  config.format = "retailrocket";
  config.inputs = {input};
  config.sessionize = "user_gap";
  config.session_gap_minutes = 30;
  config.dedupe = true;
  config.min_session_length = 3;
  config.min_item_support = 3;
  return config;
}

void run_import_bench(const ImportBenchOptions& options, const GlobalOptions& global) {
  AppConfig defaults;
  apply_logging(defaults, global.quiet);
  const std::filesystem::path dir = options.work_dir;
  const std::filesystem::path input = dir / fmt::format("retailrocket-{}.csv", options.events);
  if (!std::filesystem::exists(input)) {
    SampleLogConfig sample;
    sample.events = options.events;
    sample.items = 235000;  // RetailRocket's catalogue size
    sample.zipf_exponent = 0.9;
    sample.mean_session_events = 3;
    sample.mean_sessions_per_visitor = 1.3;
    spdlog::info("generating {} ({} events)", input.string(), options.events);
    write_sample_retailrocket_log(input, sample, /*seed=*/2015);
  }
  const std::uintmax_t bytes = std::filesystem::file_size(input);
  const ImportConfig config = bench_import_config(input.string());
  const std::filesystem::path store_path = dir / "bench-store.h5";

  // The best whole import (read, preprocess and write of the same repeat), as pandas' figure
  // is its best whole run; the read phase of that same repeat is shown beside it.
  double best_import = 1e300;
  double best_total = 1e300;
  std::size_t sessions = 0, events = 0, items = 0;
  for (int r = 0; r < options.repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    const SessionStore store = import_session_logs(config, 42, "");
    const double import_seconds = seconds_since(start);
    start = std::chrono::steady_clock::now();
    write_session_store(store, store_path);
    const double write_seconds = seconds_since(start);
    if (import_seconds + write_seconds < best_total) {
      best_total = import_seconds + write_seconds;
      best_import = import_seconds;
    }
    sessions = store.num_sessions();
    events = store.num_events();
    items = store.num_items();
    spdlog::info("repeat {}: read+preprocess {:.3f} s, write {:.3f} s", r + 1, import_seconds,
                 write_seconds);
  }
  std::filesystem::remove(store_path);
  const double ours = best_total;
  const auto rows = static_cast<double>(options.events);

  fmt::print(
      "import benchmark: {} rows ({:.1f} MB), RetailRocket format, gap 30 min, dedupe, "
      "min session length 3, min item support 3\n",
      options.events, static_cast<double>(bytes) / 1e6);
  fmt::print("kept: {} sessions, {} events, {} items\n\n", sessions, events, items);
  fmt::print("{:<34}{:>10}{:>16}{:>10}\n", "implementation", "seconds", "rows/s", "ratio");
  fmt::print("{:<34}{:>10.3f}{:>16.0f}{:>10}\n", "shoprl read+preprocess", best_import,
             rows / best_import, "");
  fmt::print("{:<34}{:>10.3f}{:>16.0f}{:>10}\n", "shoprl total (incl. HDF5 write)", ours,
             rows / ours, "1.00");
  if (!options.baseline) return;

  const std::filesystem::path script =
      std::filesystem::path(SHOPRL_SOURCE_DIR) / "bench" / "import_pandas.py";
  const std::filesystem::path result = dir / "pandas-result.json";
  const std::string command =
      fmt::format("'{}' '{}' '{}' --repeats {} > '{}'", options.python, script.string(),
                  input.string(), options.repeats, result.string());
  if (std::system(command.c_str()) != 0) {
    throw IoError("pandas baseline failed: " + command +
                  " (needs Debian's python3-pandas; --no-baseline skips it)");
  }
  const auto json = nlohmann::json::parse(read_file_text(result));
  std::filesystem::remove(result);
  const double pandas_seconds = json.at("seconds").get<double>();
  fmt::print("{:<34}{:>10.3f}{:>16.0f}{:>10.2f}\n", "pandas (same read and filters)",
             pandas_seconds, rows / pandas_seconds, pandas_seconds / ours);
  const bool same = json.at("sessions").get<std::size_t>() == sessions &&
                    json.at("events").get<std::size_t>() == events &&
                    json.at("items").get<std::size_t>() == items;
  fmt::print("\npandas kept {} sessions, {} events, {} items: {}\n",
             json.at("sessions").get<std::size_t>(), json.at("events").get<std::size_t>(),
             json.at("items").get<std::size_t>(),
             same ? "identical to shoprl" : "DIFFERENT from shoprl");
  if (!same) throw DataError("import benchmark: pandas and shoprl disagree on the kept counts");
}

}  // namespace

CLI::App* add_bench_commands(CLI::App& app, const GlobalOptions& global) {
  CLI::App* bench =
      app.add_subcommand("bench", "Benchmarks with a baseline measured in the same run");
  bench->require_subcommand(1);
  auto options = std::make_shared<ImportBenchOptions>();
  CLI::App* import = bench->add_subcommand("import", "Import throughput vs pandas");
  import->add_option("--events", options->events, "Rows in the generated log")
      ->check(CLI::PositiveNumber);
  import->add_option("--repeats", options->repeats, "Timed repetitions (best is reported)")
      ->check(CLI::PositiveNumber);
  import->add_option("--work-dir", options->work_dir, "Where the generated log is kept");
  import->add_option("--python", options->python, "Python with pandas for the baseline");
  import->add_flag("!--no-baseline", options->baseline, "Skip the pandas baseline");
  import->callback([options, &global] { run_import_bench(*options, global);
});
add_env_bench_command(*bench, global);
add_ope_bench_command(*bench, global);
return bench;
}  // namespace shoprl

}  // namespace shoprl
