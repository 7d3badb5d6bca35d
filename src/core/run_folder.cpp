// The output-folder rule (run_folder.h).
#include "core/run_folder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <vector>

#include "core/error.h"

namespace shoprl {
namespace {

// Up to four names of what `dir` holds, for the refusal.
std::string contents_of(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (++count <= 4)
      names.push_back(entry.path().filename().string() + (entry.is_directory() ? "/" : ""));
  }
  std::string text = fmt::format("{}", fmt::join(names, ", "));
  if (count > names.size()) text += fmt::format(", and {} more", count - names.size());
  return text;
}

bool holds_files(const std::filesystem::path& dir) {
  std::error_code error;
  return std::filesystem::is_directory(dir, error) &&
         std::filesystem::directory_iterator(dir, error) != std::filesystem::directory_iterator();
}

}  // namespace

void check_run_folder(const std::filesystem::path& dir, RunFolderMode mode,
                      const std::string& resume_hint) {
  std::error_code error;
  if (std::filesystem::exists(dir, error) && !std::filesystem::is_directory(dir, error))
    throw IoError(fmt::format("{}: the output folder is a file", dir.string()));
  switch (mode) {
    case RunFolderMode::kResume:
      if (!std::filesystem::is_directory(dir, error))
        throw IoError(fmt::format("{}: no such run folder to continue", dir.string()));
      return;
    case RunFolderMode::kOverwrite:
      return;
    case RunFolderMode::kNew:
      if (!holds_files(dir)) return;
      throw IoError(fmt::format(
          "{}: the output folder already holds {}; {}replace it with --overwrite, or choose "
          "another run.name (nothing was changed)",
          dir.string(), contents_of(dir),
          resume_hint.empty() ? "" : "continue it with " + resume_hint + ", "));
  }
}

RunFolder::RunFolder(std::filesystem::path dir, RunFolderMode mode, std::string keep_if_present)
    : dir_(std::move(dir)), keep_if_present_(std::move(keep_if_present)) {
  std::error_code error;
  if (mode == RunFolderMode::kOverwrite && std::filesystem::exists(dir_, error)) {
    spdlog::info("--overwrite: removing the previous contents of {}", dir_.string());
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      std::filesystem::remove_all(entry.path(), error);
      if (error)
        throw IoError(fmt::format("{}: cannot remove: {}", entry.path().string(), error.message()));
    }
  }
  created_ = !std::filesystem::exists(dir_, error);
  std::filesystem::create_directories(dir_, error);
  if (error) throw IoError(fmt::format("{}: cannot create: {}", dir_.string(), error.message()));
}

RunFolder::~RunFolder() {
  if (finished_ || !created_ || std::uncaught_exceptions() == 0) return;
  std::error_code error;
  if (!keep_if_present_.empty() && std::filesystem::exists(dir_ / keep_if_present_, error)) return;
  // Best effort while an error is on its way to main(), which reports that error.
  std::filesystem::remove_all(dir_, error);
}

}  // namespace shoprl
