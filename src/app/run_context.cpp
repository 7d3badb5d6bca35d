#include "app/run_context.h"

#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/logging.h"
#include "core/progress.h"
#include "core/version.h"

namespace shoprl {

void apply_logging(const AppConfig& config, bool quiet) {
  spdlog::set_level(spdlog::level::from_str(
      quiet && config.run.log_level == "info" ? std::string("warn") : config.run.log_level));
  set_progress_quiet(quiet);
}

RunContext open_run(const LoadedConfig& loaded) {
  RunContext run;
  run.dir = std::filesystem::path(loaded.config.run.output_dir) / loaded.config.run.name;
  run.seed = loaded.config.run.seed;
  std::filesystem::create_directories(run.dir);
  std::string header = "# Resolved config of this run, written by shoprl " + std::string(kVersion) +
                       ".\n# Re-run with: shoprl <command> --config " +
                       (run.dir / "config.yaml").string() + "\n";
  for (const auto& file : loaded.files) header += "# from: " + file + "\n";
  write_file_atomic(run.dir / "config.yaml", header + loaded.resolved_yaml);
  add_log_file(run.dir / "shoprl.log");
  spdlog::info("run directory {} (seed {})", run.dir.string(), run.seed);
  return run;
}

}  // namespace shoprl
