// Logging: one spdlog logger writing to stderr and, once a run directory exists, to
// <run>/shoprl.log as well.
#pragma once

#include <spdlog/spdlog.h>

#include <filesystem>
#include <string>

namespace shoprl {

// Sets up the global logger (stderr sink) at `level` ("trace" ... "error").
void init_logging(const std::string& level);
// Adds a file sink (appending) at the same level.
void add_log_file(const std::filesystem::path& path);

}  // namespace shoprl
