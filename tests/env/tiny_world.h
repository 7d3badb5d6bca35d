// Tiny synthetic worlds for the environment tests: a few items and users, so that tests run in
// milliseconds and every slate can be enumerated.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/seeding.h"
#include "env/random_stream.h"
#include "env/world_config.h"

namespace shoprl::testing {

inline WorldConfig tiny_world_config(std::int64_t items = 12, std::int64_t users = 40) {
  WorldConfig world;
  world.items = items;
  world.users = users;
  world.factor_dim = 4;
  world.topics = 3;
  return world;
}

inline EnvConfig tiny_env_config(int slate_size = 3) {
  EnvConfig env;
  env.slate_size = slate_size;
  env.history_length = 6;
  env.max_steps = 5;
  return env;
}

// A world in which the probabilities of world-aware policies stay away from 0 and 1 (item
// values within a factor of a few of each other), so that empirical frequencies over a few
// thousand draws are close to normal.
inline WorldConfig gentle_world_config(std::int64_t items, std::int64_t users) {
  WorldConfig world = tiny_world_config(items, users);
  world.affinity_scale = 1.0;
  world.popularity_weight = 0.3;
  world.choice.no_click_utility = 0.0;
  return world;
}

// Random distinct items for every user of a batch, a pure function of (batch, step): a
// partial Fisher-Yates shuffle of the catalogue per user.
inline std::vector<std::int32_t> random_slates(std::int64_t batch_size, int slate_size,
                                               std::int64_t items, std::uint64_t step) {
  std::vector<std::int32_t> slates(static_cast<std::size_t>(batch_size) * slate_size);
  std::vector<std::int32_t> order(items);
  RandomStream rng(splitmix64(step));
  for (std::int64_t i = 0; i < batch_size; ++i) {
    for (std::int64_t j = 0; j < items; ++j) order[j] = static_cast<std::int32_t>(j);
    for (int k = 0; k < slate_size; ++k) {
      const std::int64_t pick = k + static_cast<std::int64_t>(rng.index(items - k));
      std::swap(order[k], order[pick]);
      slates[i * slate_size + k] = order[k];
    }
  }
  return slates;
}

}  // namespace shoprl::testing
