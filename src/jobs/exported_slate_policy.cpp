// An exported policy as a SlatePolicy (exported_slate_policy.h).
#include "jobs/exported_slate_policy.h"

#include <fmt/format.h>

#include <utility>

#include "core/error.h"
#include "env/log_synthesis.h"
#include "policy/network_slate_policy.h"
#include "policy/policy_artifact.h"

namespace shoprl {

namespace {

std::shared_ptr<const SlatePolicy> acting(std::shared_ptr<const ExportedPolicy> model,
                                          int slate_size, const std::string& key) {
  const PolicyMetadata& m = model->metadata();
  if (m.slate_size != slate_size)
    throw ConfigError(fmt::format("{}: the policy in {} fills slates of {}, this world shows {}",
                                  key, model->folder().string(), m.slate_size, slate_size));
  const ScoringFunction score = [model](const SessionBatch& batch) { return model->scores(batch); };
  return std::make_shared<const NetworkSlatePolicy>(score, m.num_items, m.slate_rule, 64,
                                                    "exported " + m.agent_kind);
}

}  // namespace

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
  return acting(std::move(model), slate_size, key);
}

std::shared_ptr<const SlatePolicy> exported_slate_policy_over(
    const std::string& model_path, const std::vector<std::string>& item_ids, int slate_size,
    const std::string& key) {
  return exported_slate_policy_over(
      std::make_shared<const ExportedPolicy>(ExportedPolicy::load(model_path)), item_ids,
      slate_size, key);
}

std::shared_ptr<const SlatePolicy> exported_slate_policy_over(
    std::shared_ptr<const ExportedPolicy> model, const std::vector<std::string>& item_ids,
    int slate_size, const std::string& key) {
  if (model->metadata().item_ids != item_ids)
    throw ConfigError(fmt::format(
        "{}: the policy in {} knows {} items, not the same {} items in the same order as the "
        "logs: export a policy trained on their catalogue",
        key, model->folder().string(), model->metadata().num_items, item_ids.size()));
  return acting(std::move(model), slate_size, key);
}

}  // namespace shoprl
