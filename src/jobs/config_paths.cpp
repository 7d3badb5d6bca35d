// Input paths of a config (config_paths.h).
#include "jobs/config_paths.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/error.h"

namespace shoprl {

void require_input(const LoadedConfig& loaded, const std::string& key, const std::string& path,
                   InputKind kind, const std::string& how_to_make) {
  const std::string origin = loaded.origin_of(key);
  if (path.empty()) {
    throw ConfigError(
        fmt::format("{} ({}): no {} given; set it in the config or with --set "
                    "{}=PATH (make one with {})",
                    key, origin, kind == InputKind::kFile ? "file" : "folder", key, how_to_make));
  }
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  const bool wanted = kind == InputKind::kFile ? std::filesystem::is_regular_file(status)
                                               : std::filesystem::is_directory(status);
  if (wanted) return;
  const std::string where = std::filesystem::path(path).is_absolute()
                                ? std::string()
                                : ", resolved against " + std::filesystem::current_path().string();
  const std::string problem =
      std::filesystem::exists(status)
          ? (kind == InputKind::kFile ? "is a folder, not a file" : "is a file, not a folder")
          : "not found";
  throw IoError(fmt::format("{} ({}): {} {}{}; make it with {}", key, origin, path, problem, where,
                            how_to_make));
}

void require_session_store(const LoadedConfig& loaded, const std::string& key,
                           const std::string& path) {
  require_input(loaded, key, path, InputKind::kFile,
                fmt::format("`shoprl data synth --config configs/synth-*.yaml -o {0}` (synthetic "
                            "logs) or `shoprl data import ... -o {0}`",
                            path.empty() ? "STORE.h5" : path));
}

void require_simulator(const LoadedConfig& loaded, const std::string& key,
                       const std::string& path) {
  require_input(loaded, key, path, InputKind::kFolder,
                "`shoprl sim fit` (sim.directory), or `shoprl quickstart` (runs/quickstart/"
                "simulator)");
}

}  // namespace shoprl
