// The models a server answers with, read from a model repository (policy/policy_artifact.h):
// each model's newest version. A newer version that appears (a poll, or POST
// /v1/models/{name}/load) is loaded beside the one serving and swapped in atomically; requests
// already in flight finish on the version they started with (they hold a shared pointer to it).
// A version that does not load (corrupt, another schema) is refused: logged, listed in
// /v1/models with the reason, never retried, and the previous version keeps serving.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/policy_artifact.h"

namespace shoprl {

struct ServedModel {
  std::string name;
  std::int64_t version = 0;
  ExportedPolicy policy;
  std::unordered_map<std::string, std::int32_t> index_of;  // raw item id -> index
};

struct ModelStatus {
  std::string name;
  std::int64_t serving = 0;  // 0: none yet
  std::vector<std::int64_t> versions;
  std::map<std::int64_t, std::string> refused;  // version -> why
};

class ModelRegistry {
 public:
  // IoError when `repository` is not a folder.
  explicit ModelRegistry(std::filesystem::path repository);

  // Looks for models and newer versions; loads and swaps them in. Returns one line per change
  // (loaded, refused) for the log.
  std::vector<std::string> refresh();
  // The same for one model (POST /v1/models/{name}/load); false when no such model folder.
  bool refresh_model(const std::string& name, std::vector<std::string>& changes);

  // The version `name` serves now; null when it serves none.
  std::shared_ptr<const ServedModel> get(const std::string& name) const;
  std::vector<ModelStatus> status() const;
  bool ready() const;  // at least one model serves
  const std::filesystem::path& repository() const { return repository_; }

 private:
  struct Entry {
    std::shared_ptr<const ServedModel> serving;
    std::map<std::int64_t, std::string> refused;
  };
  void refresh_locked_out(const std::string& name, std::vector<std::string>& changes);

  std::filesystem::path repository_;
  mutable std::mutex mutex_;  // guards entries_ (loading happens outside it)
  std::map<std::string, Entry> entries_;
  std::mutex refresh_mutex_;  // one refresh at a time
};

}  // namespace shoprl
