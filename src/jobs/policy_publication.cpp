// Publishing a candidate policy (policy_publication.h).
#include "jobs/policy_publication.h"

#include <fmt/format.h>

#include <vector>

#include "core/atomic_file.h"
#include "core/atomic_folder.h"
#include "core/error.h"
#include "policy/policy_artifact.h"

namespace shoprl {

void check_publishable(const std::filesystem::path& candidate,
                       const std::filesystem::path& repository, const std::string& name,
                       const std::string& candidate_key) {
  const std::filesystem::path served_dir = repository / name;
  if (model_versions(served_dir).empty())
    throw ConfigError(fmt::format(
        "{}: no served model here (promote.repository/promote.name must name the model the "
        "candidate is to replace, with at least one version)",
        served_dir.string()));
  const ExportedPolicy mine = ExportedPolicy::load(candidate);
  const ExportedPolicy served = ExportedPolicy::load(served_dir);
  const PolicyMetadata& a = mine.metadata();
  const PolicyMetadata& b = served.metadata();
  if (a.item_ids != b.item_ids)
    throw ConfigError(fmt::format(
        "{}: {} ranks another catalogue than the served {} ({} items against {}, or other "
        "ids)",
        candidate_key, mine.folder().string(), served.folder().string(), a.num_items, b.num_items));
  if (a.slate_size != b.slate_size)
    throw ConfigError(fmt::format("{}: {} fills slates of {}, the served {} slates of {}",
                                  candidate_key, mine.folder().string(), a.slate_size,
                                  served.folder().string(), b.slate_size));
}

std::int64_t publish_policy_version(const std::filesystem::path& candidate,
                                    const std::filesystem::path& repository,
                                    const std::string& name) {
  const std::filesystem::path source = resolve_policy_version(candidate);
  const std::filesystem::path model_dir = repository / name;
  const std::vector<std::int64_t> versions = model_versions(model_dir);
  const std::int64_t version = versions.empty() ? 1 : versions.back() + 1;
  AtomicFolder folder(model_dir / std::to_string(version));
  for (const char* file : {kModelFile, kMetadataFile})
    write_file_atomic(folder.staging() / file, read_file_text(source / file));
  folder.commit();
  return version;
}

}  // namespace shoprl
