// The server's models (model_registry.h).
#include "serve/model_registry.h"

#include <fmt/format.h>

#include "core/error.h"

namespace shoprl {

ModelRegistry::ModelRegistry(std::filesystem::path repository)
    : repository_(std::move(repository)) {
  if (!std::filesystem::is_directory(repository_))
    throw IoError(fmt::format("{}: no such model repository (make one with `shoprl export`)",
                              repository_.string()));
}

void ModelRegistry::refresh_locked_out(const std::string& name, std::vector<std::string>& changes) {
  const std::vector<std::int64_t> versions = model_versions(repository_ / name);
  std::int64_t serving = 0;
  std::map<std::int64_t, std::string> refused;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(name);
    if (it != entries_.end()) {
      serving = it->second.serving ? it->second.serving->version : 0;
      refused = it->second.refused;
    }
  }
  // The newest version that is newer than the one serving and not refused before.
  for (auto version = versions.rbegin(); version != versions.rend(); ++version) {
    if (*version <= serving) break;
    if (refused.count(*version)) continue;
    const std::filesystem::path folder = repository_ / name / std::to_string(*version);
    try {
      auto model = std::make_shared<ServedModel>(
          ServedModel{name, *version, ExportedPolicy::load(folder), {}});
      const std::vector<std::string>& ids = model->policy.metadata().item_ids;
      model->index_of.reserve(ids.size());
      for (std::size_t i = 0; i < ids.size(); ++i)
        model->index_of.emplace(ids[i], static_cast<std::int32_t>(i));
      const std::lock_guard<std::mutex> lock(mutex_);
      entries_[name].serving = std::move(model);
      changes.push_back(fmt::format("{}: serving version {} ({})", name, *version,
                                    serving == 0 ? "first load" : fmt::format("was {}", serving)));
      return;
    } catch (const Error& e) {
      const std::lock_guard<std::mutex> lock(mutex_);
      entries_[name].refused[*version] = e.what();
      changes.push_back(fmt::format(
          "{}: version {} refused, {}: {}", name, *version,
          serving == 0 ? "nothing serves yet" : fmt::format("version {} keeps serving", serving),
          e.what()));
    }
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  entries_.try_emplace(name);
}

std::vector<std::string> ModelRegistry::refresh() {
  const std::lock_guard<std::mutex> one_at_a_time(refresh_mutex_);
  std::vector<std::string> changes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(repository_, error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.empty() || name[0] == '.') continue;
    if (model_versions(entry.path()).empty() &&
        !std::filesystem::exists(entry.path() / "config.pbtxt"))
      continue;
    refresh_locked_out(name, changes);
  }
  return changes;
}

bool ModelRegistry::refresh_model(const std::string& name, std::vector<std::string>& changes) {
  if (name.empty() || name[0] == '.' || name.find('/') != std::string::npos ||
      !std::filesystem::is_directory(repository_ / name))
    return false;
  const std::lock_guard<std::mutex> one_at_a_time(refresh_mutex_);
  refresh_locked_out(name, changes);
  return true;
}

std::shared_ptr<const ServedModel> ModelRegistry::get(const std::string& name) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second.serving;
}

std::vector<ModelStatus> ModelRegistry::status() const {
  std::vector<ModelStatus> out;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, entry] : entries_) {
      ModelStatus s;
      s.name = name;
      s.serving = entry.serving ? entry.serving->version : 0;
      s.refused = entry.refused;
      out.push_back(std::move(s));
    }
  }
  // The folder scans outside the lock: get(), on every request's path, never waits for them.
  for (ModelStatus& s : out) s.versions = model_versions(repository_ / s.name);
  return out;
}

bool ModelRegistry::ready() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, entry] : entries_) {
    if (entry.serving) return true;
  }
  return false;
}

}  // namespace shoprl
