#include "env/policy_value.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/seeding.h"
#include "core/thread_pool.h"
#include "env/synthetic_env.h"

namespace shoprl {

PolicyValueEstimate monte_carlo_policy_value(const SyntheticWorld& world,
                                             const EnvConfig& env_config, const SlatePolicy& policy,
                                             std::int64_t episodes, std::int64_t batch_size,
                                             std::uint64_t seed) {
  SyntheticEnv env(world, env_config);
  return monte_carlo_policy_value(env, policy, episodes, batch_size, seed);
}

PolicyValueEstimate monte_carlo_policy_value(BatchEnv& env, const SlatePolicy& policy,
                                             std::int64_t episodes, std::int64_t batch_size,
                                             std::uint64_t seed) {
  if (episodes < 1) throw Error("policy value: episodes must be >= 1");
  if (batch_size < 1) throw Error("policy value: batch size must be >= 1");
  ThreadPool pool(env.env_config().threads);
  constexpr std::size_t kChunk = 64;
  double sum = 0, square_sum = 0, steps = 0;
  std::vector<SlotTotals> totals;
  std::vector<double> returns;
  returns.reserve(static_cast<std::size_t>(episodes));
  std::int64_t remaining = episodes;
  for (std::uint64_t round = 0; remaining > 0; ++round) {
    const std::int64_t n = std::min(batch_size, remaining);
    const std::uint64_t round_seed = derive_seed(seed, round);
    env.reset(round_seed, n);
    std::vector<double> episode_return(n, 0.0);
    std::vector<std::int32_t> episode_steps(n, 0);
    std::vector<std::uint8_t> finished(n, 0);
    std::int64_t running = n;
    SlateDecision decision;
    decision.resize(n, env.slate_size());
    const std::uint64_t policy_seed = derive_seed(round_seed, /*stream: policy*/ 1);
    while (running > 0) {
      pool.run((n + kChunk - 1) / kChunk, [&](std::size_t chunk) {
        const std::size_t begin = chunk * kChunk;
        policy.act(env, begin, std::min<std::size_t>(begin + kChunk, n), policy_seed, decision);
      });
      env.step(decision.items);
      for (std::int64_t i = 0; i < n; ++i) {
        if (finished[i]) continue;
        episode_return[i] += env.rewards()[i];
        ++episode_steps[i];
        if (env.dones()[i]) {
          finished[i] = 1;
          --running;
        }
      }
    }
    for (std::int64_t i = 0; i < n; ++i) {
      sum += episode_return[i];
      square_sum += episode_return[i] * episode_return[i];
      steps += episode_steps[i];
    }
    returns.insert(returns.end(), episode_return.begin(), episode_return.end());
    totals.insert(totals.end(), env.slot_totals().begin(), env.slot_totals().end());
    remaining -= n;
  }
  PolicyValueEstimate estimate;
  estimate.episodes = episodes;
  estimate.value = sum / episodes;
  estimate.std_error = std_error_of_mean(sum, square_sum, static_cast<double>(episodes));
  estimate.mean_session_length = steps / episodes;
  estimate.metrics = summarize(totals);
  estimate.episode_returns = std::move(returns);
  return estimate;
}

double exact_one_step_value(const SyntheticWorld& world, const EnvConfig& env_config,
                            const SlatePolicy& policy, std::int64_t max_slates) {
  if (env_config.max_steps != 1)
    throw ConfigError("exact policy value: needs env.max_steps: 1 (a one-step bandit)");
  if (world.config().entry_event)
    throw ConfigError("exact policy value: needs world.entry_event: false");
  const std::int64_t items = world.num_items();
  const int k = env_config.slate_size;
  double slates = 1;
  for (int s = 0; s < k; ++s) slates *= static_cast<double>(items - s);
  if (slates * static_cast<double>(world.num_users()) > static_cast<double>(max_slates))
    throw Error(fmt::format("exact policy value: {} slates x {} users is too many to enumerate",
                            slates, world.num_users()));

  EnvConfig one_thread = env_config;
  one_thread.threads = 1;
  SyntheticEnv env(world, one_thread);
  env.reset(0, 1);
  double total = 0;
  std::vector<std::int32_t> slate(k);
  for (std::int64_t user = 0; user < world.num_users(); ++user) {
    env.place_user(0, static_cast<std::int32_t>(user));
    // Every ordered slate of distinct items, as an odometer over slots.
    std::vector<std::int32_t> digit(k, 0);
    for (;;) {
      bool distinct = true;
      for (int a = 0; a < k && distinct; ++a)
        for (int b = 0; b < a && distinct; ++b) distinct = digit[a] != digit[b];
      if (distinct) {
        std::copy(digit.begin(), digit.end(), slate.begin());
        const double probability = policy.slate_probability(env, 0, slate.data());
        if (probability > 0) total += probability * env.expected_reward(0, slate.data());
      }
      int s = k - 1;
      while (s >= 0 && ++digit[s] == items) digit[s--] = 0;
      if (s < 0) break;
    }
  }
  return total / static_cast<double>(world.num_users());
}

}  // namespace shoprl
