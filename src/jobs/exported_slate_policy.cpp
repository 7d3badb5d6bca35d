// An exported policy as a SlatePolicy (exported_slate_policy.h).
#include "jobs/exported_slate_policy.h"

#include <fmt/format.h>

#include "core/error.h"
#include "env/log_synthesis.h"
#include "policy/network_slate_policy.h"
#include "policy/policy_artifact.h"

namespace shoprl {

std::shared_ptr<const SlatePolicy> exported_slate_policy(const std::string& model_path,
                                                         std::int64_t world_items, int slate_size,
                                                         const std::string& key) {
  auto model = std::make_shared<const ExportedPolicy>(ExportedPolicy::load(model_path));
  const PolicyMetadata& m = model->metadata();
  bool same_catalogue =
      m.num_items == world_items && static_cast<std::int64_t>(m.item_ids.size()) == world_items;
  for (std::int64_t i = 0; same_catalogue && i < world_items; ++i)
    same_catalogue = m.item_ids[i] == synthetic_item_id(i);
  if (!same_catalogue)
    throw ConfigError(fmt::format(
        "{}: the policy in {} knows {} items, not this world's {} (item ids i0..i{}): export a "
        "policy trained on this world's catalogue",
        key, model->folder().string(), m.num_items, world_items, world_items - 1));
  if (m.slate_size != slate_size)
    throw ConfigError(fmt::format("{}: the policy in {} fills slates of {}, this world shows {}",
                                  key, model->folder().string(), m.slate_size, slate_size));
  const ScoringFunction score = [model](const SessionBatch& batch) { return model->scores(batch); };
  return std::make_shared<const NetworkSlatePolicy>(score, m.num_items, m.slate_rule, 64,
                                                    "exported " + m.agent_kind);
}

}  // namespace shoprl
