// A small exported policy in a temporary model repository, for the serving tests.
#pragma once

#include <torch/script.h>

#include <filesystem>
#include <string>

#include "env/log_synthesis.h"
#include "policy/policy_artifact.h"
#include "policy/torchscript_policy.h"

namespace shoprl::testing {

inline constexpr std::int64_t kServedItems = 40;

// The metadata of a test policy over the synthetic world's first `num_items` items ("i0", ...)
// that reads 6 events and ranks with the item head; the slate rule is left to the caller.
inline PolicyMetadata test_policy_metadata(const std::string& encoder, std::int64_t num_items,
                                           int slate_size) {
  PolicyMetadata m;
  m.shoprl_version = "test";
  m.agent_kind = "reinforce";
  m.encoder = encoder;
  m.score_head = "item";
  m.num_items = num_items;
  for (std::int64_t i = 0; i < num_items; ++i) m.item_ids.push_back(synthetic_item_id(i));
  m.history_length = 6;
  m.slate_size = slate_size;
  return m;
}

// Writes version `version` of model `name` (a GRU over kServedItems items, weights from
// `seed`, slate rule `rule`) into `repository`.
inline void export_test_policy(const std::filesystem::path& repository, const std::string& name,
                               std::int64_t version, std::uint64_t seed,
                               const std::string& rule = "boltzmann") {
  torch::manual_seed(seed);
  PolicyNetworkConfig config;
  config.encoder = "gru";
  config.embedding_dim = 8;
  config.hidden_dim = 8;
  config.history_length = 6;
  PolicyNetwork network(config, kServedItems, PolicyHeads{});
  network->eval();
  torch::jit::Module module = script_policy({network, ScoreHead::kItem, 1.0});
  PolicyMetadata m = test_policy_metadata("gru", kServedItems, 4);
  m.slate_rule.rule = rule;
  m.slate_rule.temperature = 0.7;
  m.slate_rule.epsilon = 0.2;
  m.iterations = static_cast<std::int64_t>(seed);
  write_policy_version(repository, name, version, module, m, /*force=*/true);
}

}  // namespace shoprl::testing
