#include "app/numpy_baseline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "core/error.h"

namespace shoprl {

std::optional<nlohmann::json> run_numpy_baseline_script(const std::string& python,
                                                        const std::string& script_name,
                                                        const nlohmann::json& params,
                                                        std::string& skipped,
                                                        const std::string& module) {
  const std::filesystem::path script =
      std::filesystem::path(SHOPRL_SOURCE_DIR) / "bench" / script_name;
  const std::string command =
      fmt::format("'{}' '{}' --params '{}'", python, script.string(), params.dump());
  spdlog::info("running the {} baseline: {} {}", module, python, script.string());
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw IoError(module + " baseline: cannot start " + python);
  std::string output;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    output.append(buffer, got);
  const int status = ::pclose(pipe);
  if (WIFEXITED(status) && WEXITSTATUS(status) == kNumpyNotImportable) {
    skipped = fmt::format(
        "{0} baseline skipped: {1} cannot import {0} (apt install python3-{0}; --python "
        "names another interpreter)",
        module, python);
    return std::nullopt;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw IoError(module + " baseline failed: " + python + " " + script.string() +
                  " (needs Debian's python3-" + module + "; --no-baseline skips it)");
  return nlohmann::json::parse(output);
}

}  // namespace shoprl
