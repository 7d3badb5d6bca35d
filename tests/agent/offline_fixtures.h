// Tiny hand-built session stores and configs for the tests of the agents trained from logs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "agent/agent_config.h"
#include "data/event_type.h"
#include "data/session_store.h"
#include "policy/policy_config.h"

namespace shoprl::testing {

// One logged event: (item, EventType).
using LoggedEvent = std::pair<std::int32_t, EventType>;

// A store of `items` items whose sessions are `sessions`, all in `split`.
inline SessionStore hand_built_store(std::int64_t items,
                                     const std::vector<std::vector<LoggedEvent>>& sessions,
                                     Split split = Split::kTrain) {
  SessionStore store;
  for (std::int64_t i = 0; i < items; ++i) store.item_raw_id.push_back(std::to_string(i));
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    for (const auto& [item, type] : sessions[s]) {
      store.event_item.push_back(item);
      store.event_type.push_back(static_cast<std::int8_t>(type));
      store.event_time_ms.push_back(static_cast<std::int64_t>(store.event_item.size()));
    }
    store.session_offsets.push_back(static_cast<std::int64_t>(store.event_item.size()));
    store.session_raw_id.push_back("s" + std::to_string(s));
    store.session_split.push_back(static_cast<std::int8_t>(split));
  }
  return store;
}

inline PolicyNetworkConfig tiny_policy_config() {
  PolicyNetworkConfig policy;
  policy.embedding_dim = 8;
  policy.hidden_dim = 8;
  policy.history_length = 10;
  return policy;
}

inline AgentConfig offline_agent_config(const std::string& kind) {
  AgentConfig config;
  config.kind = kind;
  config.learning_rate = 1e-2;
  config.offline.batch_size = 8;
  config.offline.steps_per_iteration = 3;
  config.offline.negatives = 4;
  config.offline.warmup_steps = 4;
  return config;
}

}  // namespace shoprl::testing
