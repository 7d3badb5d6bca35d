// A job's run directory (<run.output_dir>/<run.name>/), under the one rule of core/run_folder.h:
// checked before the job starts, opened (created, emptied for --overwrite, or continued) only
// when every other check has passed, and given the fully resolved config (with the seed) and
// the log file before any work is done.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/run_folder.h"
#include "jobs/app_config.h"

namespace shoprl {

// <run.output_dir>/<run.name>
std::filesystem::path run_directory(const AppConfig& config);

// A command's --overwrite flag (app/overwrite_flag.h) as a run folder mode.
inline RunFolderMode run_folder_mode(bool overwrite) {
  return overwrite ? RunFolderMode::kOverwrite : RunFolderMode::kNew;
}

struct RunContext {
  std::filesystem::path dir;
  std::uint64_t seed = 0;
  std::unique_ptr<RunFolder> folder;
  // The job completed: its folder stays (RunFolder::finish).
  void finish() { folder->finish(); }
};

// Opens `dir` (check_run_folder must have passed), writes config.yaml atomically, and adds
// <dir>/shoprl.log to the logger. A job that then fails leaves no new folder, unless it holds
// `keep_if_present`.
RunContext open_run_folder(const LoadedConfig& loaded, const std::filesystem::path& dir,
                           RunFolderMode mode, const std::string& keep_if_present = "");
// The same for the config's own run directory.
RunContext open_run(const LoadedConfig& loaded, RunFolderMode mode,
                    const std::string& keep_if_present = "");

// Sets the global log level and progress quietness from the config and --quiet.
void apply_logging(const AppConfig& config, bool quiet);

}  // namespace shoprl
