// The synthetic world that wrote a session store, rebuilt from the resolved config that
// `shoprl data synth` records in the store's /truth (world and env sections, run seed): the
// ground truth in which any policy evaluated on those logs has a true value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/session_store.h"
#include "data/store_truth.h"
#include "env/policies/slate_policy.h"
#include "env/synthetic_world.h"
#include "jobs/app_config.h"

namespace shoprl {

struct StoreWorld {
  AppConfig synth;                        // the config of the run that wrote the logs
  std::unique_ptr<SyntheticWorld> world;  // null when the store records no world
};

// The config a recorded resolved config describes (what `data synth` keeps in /truth, a run's
// config.yaml): ConfigError naming `where` for invalid YAML, keys this build does not read, or
// no `world` section.
AppConfig parse_recorded_config(const std::string& yaml, const std::string& where);

// The config recorded in the store's /truth; nullopt for a store without one (real logs).
// DataError naming the store when it does not load in this build.
std::optional<AppConfig> store_world_config(const std::string& store_path);

// The world itself; an empty StoreWorld where store_world_config gives nullopt.
StoreWorld store_world(const std::string& store_path);

// The value of the world policy `policy` in the states of the logged slates among
// `impression_rows` (env/logged_state_value.h), as a PolicyValue per slate (`episodes` = the
// slates): the truth of per-slate and per-round estimates. nullopt when the store records no
// world or no users. `draws` slates per state, seeded by `seed`.
std::optional<PolicyValue> world_policy_in_logged_states(
    const std::string& store_path, const SessionStore& store,
    const std::vector<std::size_t>& impression_rows, const PolicyConfig& policy, int draws,
    std::uint64_t seed);

// Whether `config` (world section, env.slate_size, run.seed) builds the same world as the one
// recorded; the keys that differ, "" when none.
std::string world_difference(const AppConfig& config, const AppConfig& recorded);

}  // namespace shoprl
