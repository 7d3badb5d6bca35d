#include "env/policies/slate_policy.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/seeding.h"
#include "env/policies/policies.h"
#include "env/synthetic_env.h"

namespace shoprl {

const std::vector<std::string>& policy_kinds() {
  static const std::vector<std::string> kinds{"uniform",       "popularity", "epsilon_greedy",
                                              "plackett_luce", "oracle",     "history_oracle"};
  return kinds;
}

bool acts_in_any_environment(const std::string& kind) {
  return kind == "uniform" || kind == "popularity" || kind == "history_oracle";
}

void SlateDecision::resize(std::int64_t batch_size, int slots) {
  slate_size = slots;
  const std::size_t cells = static_cast<std::size_t>(batch_size) * slots;
  items.assign(cells, -1);
  propensity.assign(cells, 0.0);
  prefix_propensity.assign(cells, 0.0);
  slate_propensity.assign(batch_size, 0.0);
}

RandomStream policy_stream(const BatchEnv& env, std::size_t i, std::uint64_t seed) {
  const std::uint64_t episode_seed = derive_seed(seed, i, env.episodes()[i]);
  return RandomStream(derive_seed(episode_seed, env.steps_in_episode()[i]));
}

const SyntheticEnv& synthetic_env_of(const BatchEnv& env, const std::string& policy) {
  const auto* synthetic = dynamic_cast<const SyntheticEnv*>(&env);
  if (synthetic == nullptr)
    throw ConfigError(fmt::format(
        "policy '{}' reads the synthetic user's hidden state, so it acts only in the synthetic "
        "world; in a learned simulator use uniform, popularity or history_oracle",
        policy));
  return *synthetic;
}

std::unique_ptr<SlatePolicy> make_policy(const PolicyConfig& config, const SyntheticEnv& env,
                                         std::uint64_t seed, const std::string& key) {
  return make_policy(config, env.world(), env.env_config(), seed, key);
}

std::unique_ptr<SlatePolicy> make_policy(const PolicyConfig& config, const SyntheticWorld& world,
                                         const EnvConfig& env_config, std::uint64_t seed,
                                         const std::string& key) {
  const int slots = env_config.slate_size;
  if (slots > world.num_items())
    throw ConfigError(
        fmt::format("{}: slate of {} items from a catalogue of {}", key, slots, world.num_items()));
  if (config.kind == "uniform") return make_uniform_policy(world.num_items(), slots);
  if (config.kind == "popularity")
    return make_popularity_policy(world, slots, config.temperature, config.marginal_samples);
  if (config.kind == "epsilon_greedy")
    return make_epsilon_greedy_policy(world, env_config, config.epsilon, config.noise, seed);
  if (config.kind == "oracle") return make_epsilon_greedy_policy(world, env_config, 0.0, 0.0, seed);
  if (config.kind == "plackett_luce")
    return make_plackett_luce_policy(world, env_config, config.temperature, config.noise,
                                     config.marginal_samples, seed);
  if (config.kind == "history_oracle")
    return make_history_oracle_policy(world, env_config, config.noise, seed);
  throw ConfigError(fmt::format("{}.kind: unknown policy '{}'", key, config.kind));
}

}  // namespace shoprl
