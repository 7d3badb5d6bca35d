// A run directory (<run.output_dir>/<run.name>/): created at the start of a job, it receives
// the fully resolved config (with the seed) and the log file before any work is done.
#pragma once

#include <filesystem>

#include "app/app_config.h"

namespace shoprl {

struct RunContext {
  std::filesystem::path dir;
  std::uint64_t seed = 0;
};

// Creates the folder, writes config.yaml atomically, and adds <dir>/shoprl.log to the logger.
RunContext open_run(const LoadedConfig& loaded);

// Sets the global log level and progress quietness from the config and --quiet.
void apply_logging(const AppConfig& config, bool quiet);

}  // namespace shoprl
