// Model repository versions (model_repository.h).
#include "core/model_repository.h"

#include <algorithm>
#include <string>

namespace shoprl {

std::vector<std::int64_t> model_versions(const std::filesystem::path& model_dir) {
  std::vector<std::int64_t> versions;
  std::error_code error;
  if (!std::filesystem::is_directory(model_dir, error)) return versions;
  for (const auto& entry : std::filesystem::directory_iterator(model_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.empty() ||
        !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        name.size() > 15)
      continue;
    versions.push_back(std::stoll(name));
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

}  // namespace shoprl
