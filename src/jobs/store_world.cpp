// Rebuilding the world behind synthetic logs (store_world.h).
#include "jobs/store_world.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <utility>

#include "core/config_loader.h"
#include "core/config_tree.h"
#include "core/error.h"
#include "data/session_store_io.h"
#include "env/log_synthesis.h"
#include "env/logged_state_value.h"

namespace shoprl {

AppConfig parse_recorded_config(const std::string& yaml, const std::string& where) {
  // The tree records file:line origins, so a bad key is named with its line in `where`.
  const ConfigTree tree = config_tree_from_text(yaml, where);
  AppConfig config;
  try {
    ConfigBinder binder(tree);
    config.visit(binder);
    binder.finish();
  } catch (const ConfigError& e) {
    throw ConfigError(
        fmt::format("{} (the recorded config does not load in this build)", e.what()));
  }
  if (!tree.root["world"])
    throw ConfigError(where +
                      ": no `world` section (a resolved shoprl config holds one, such as "
                      "the config.yaml of a data synth or traffic run)");
  return config;
}

std::optional<AppConfig> store_world_config(const std::string& store_path) {
  if (!store_has_truth(store_path)) return std::nullopt;
  const std::string yaml = read_store_truth(store_path).world_config_yaml;
  if (yaml.empty()) return std::nullopt;
  try {
    return parse_recorded_config(yaml, store_path + ": /truth world config");
  } catch (const ConfigError& e) {
    throw DataError(e.what());  // the store, not a config the user gave, is at fault
  }
}

StoreWorld store_world(const std::string& store_path) {
  StoreWorld out;
  std::optional<AppConfig> config = store_world_config(store_path);
  if (!config) return out;
  out.synth = std::move(*config);
  out.world = std::make_unique<SyntheticWorld>(out.synth.world, out.synth.env.slate_size,
                                               world_seed(out.synth.run.seed));
  return out;
}

std::string world_difference(const AppConfig& config, const AppConfig& recorded) {
  const auto mine = flatten_config(config);
  const auto theirs = flatten_config(recorded);
  std::string differences;
  for (const auto& [key, value] : mine) {
    const bool world_key = key.rfind("world.", 0) == 0;
    if (!world_key && key != "env.slate_size" && key != "run.seed") continue;
    const std::string& other = theirs.at(key);
    if (other == value) continue;
    differences += fmt::format("{}{} ({} here, {} in the logs' world)",
                               differences.empty() ? "" : ", ", key, value, other);
  }
  return differences;
}

std::optional<PolicyValue> world_policy_in_logged_states(
    const std::string& store_path, const SessionStore& store,
    const std::vector<std::size_t>& impression_rows, const PolicyConfig& policy, int draws,
    std::uint64_t seed) {
  if (!users_are_world_users(store)) return std::nullopt;
  const StoreWorld recorded = store_world(store_path);
  if (!recorded.world) return std::nullopt;
  const EnvConfig& env = recorded.synth.env;
  const auto acting = make_policy(policy, *recorded.world, env, seed, "evaluate.policy");
  const LoggedStateValue value =
      logged_state_value(*recorded.world, env, store, first_rows_of_slates(store, impression_rows),
                         *acting, draws, seed);
  return PolicyValue{policy.kind, value.per_slate, value.std_error, value.slates};
}

}  // namespace shoprl
