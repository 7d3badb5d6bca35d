// An exported policy (`shoprl export`) acting in the synthetic world or a learned simulator: a
// SlatePolicy whose scores come from the TorchScript model alone, with the slate rule its
// metadata records. `shoprl sim check` values trained agents with it (sim_check.exported).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "env/policies/slate_policy.h"

namespace shoprl {

class ExportedPolicy;

// `model_path`: a model folder (newest version) or a version folder. ConfigError naming `key`
// when the model's catalogue is not the synthetic world's items 0..world_items-1 (by raw id)
// or its slates are not `slate_size` long; the loader's IoError or DataError for a missing or
// corrupt model.
std::shared_ptr<const SlatePolicy> exported_slate_policy(const std::string& model_path,
                                                         std::int64_t world_items, int slate_size,
                                                         const std::string& key);

// The same over any catalogue: ConfigError naming `key` when the model's item ids are not
// `item_ids` (a store's item_raw_id, say) in that order, or its slates not `slate_size` long.
std::shared_ptr<const SlatePolicy> exported_slate_policy_over(
    const std::string& model_path, const std::vector<std::string>& item_ids, int slate_size,
    const std::string& key);
// A model already loaded (ExportedPolicy::load), checked the same way.
std::shared_ptr<const SlatePolicy> exported_slate_policy_over(
    std::shared_ptr<const ExportedPolicy> model, const std::vector<std::string>& item_ids,
    int slate_size, const std::string& key);

}  // namespace shoprl
