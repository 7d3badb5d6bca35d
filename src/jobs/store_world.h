// The synthetic world that wrote a session store, rebuilt from the resolved config that
// `shoprl data synth` records in the store's /truth (world and env sections, run seed): the
// ground truth in which any policy evaluated on those logs has a true value.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "env/synthetic_world.h"
#include "jobs/app_config.h"

namespace shoprl {

struct StoreWorld {
  AppConfig synth;                        // the config of the run that wrote the logs
  std::unique_ptr<SyntheticWorld> world;  // null when the store records no world
};

// The config recorded in the store's /truth; nullopt for a store without one (real logs).
// DataError naming the store when it does not load in this build.
std::optional<AppConfig> store_world_config(const std::string& store_path);

// The world itself; an empty StoreWorld where store_world_config gives nullopt.
StoreWorld store_world(const std::string& store_path);

// Whether `config` (world section, env.slate_size, run.seed) builds the same world as the one
// recorded; the keys that differ, "" when none.
std::string world_difference(const AppConfig& config, const AppConfig& recorded);

}  // namespace shoprl
