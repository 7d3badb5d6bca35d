#include "jobs/run_context.h"

#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/logging.h"
#include "core/progress.h"
#include "core/version.h"

namespace shoprl {

std::filesystem::path run_directory(const AppConfig& config) {
  return std::filesystem::path(config.run.output_dir) / config.run.name;
}

void apply_logging(const AppConfig& config, bool quiet) {
  spdlog::set_level(spdlog::level::from_str(
      quiet && config.run.log_level == "info" ? std::string("warn") : config.run.log_level));
  set_progress_quiet(quiet);
}

RunContext open_run_folder(const LoadedConfig& loaded, const std::filesystem::path& dir,
                           RunFolderMode mode, const std::string& keep_if_present) {
  check_run_folder(dir, mode);
  RunContext run;
  run.folder = std::make_unique<RunFolder>(dir, mode, keep_if_present);
  run.dir = dir;
  run.seed = loaded.config.run.seed;
  std::string header = "# Resolved config of this run, written by shoprl " + std::string(kVersion) +
                       ".\n# Re-run with: shoprl <command> --config " +
                       (run.dir / "config.yaml").string() + "\n";
  for (const auto& file : loaded.files) header += "# from: " + file + "\n";
  write_file_atomic(run.dir / "config.yaml", header + loaded.resolved_yaml);
  add_log_file(run.dir / "shoprl.log");
  spdlog::info("run directory {} (seed {})", run.dir.string(), run.seed);
  return run;
}

RunContext open_run(const LoadedConfig& loaded, RunFolderMode mode,
                    const std::string& keep_if_present) {
  return open_run_folder(loaded, run_directory(loaded.config), mode, keep_if_present);
}

}  // namespace shoprl
