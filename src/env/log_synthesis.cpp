#include "env/log_synthesis.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/error.h"
#include "core/progress.h"
#include "core/seeding.h"
#include "core/thread_pool.h"
#include "core/version.h"
#include "data/event_type.h"
#include "data/preprocess.h"
#include "env/policy_value.h"
#include "env/synthetic_env.h"

namespace shoprl {
namespace {

// Streams derived from the run seed, one per purpose.
enum SynthStream : std::uint64_t {
  kWorldStream = 1,
  kEnvStream = 2,
  kPolicyStream = 3,
  kValueStream = 4,
};

struct LoggedEvent {
  std::int32_t item;
  std::int8_t type;
  std::int64_t time_ms;
};

struct LoggedImpression {
  std::int64_t slate;
  std::int32_t item;
  std::int16_t position;
  std::int8_t click;
  std::int8_t purchase;
  float reward;
  double propensity;
  double slate_propensity;
  double prefix_propensity;
  std::int64_t time_ms;
  double click_probability;
  double purchase_probability;
  double expected_reward;
};

struct SessionLog {
  std::int32_t user = -1;
  std::int64_t start_ms = 0;
  std::vector<LoggedEvent> events;
  std::vector<LoggedImpression> impressions;
};

constexpr std::int64_t kNone = -1;

// The session store of the generated logs, sessions in the order they started.
SessionStore assemble_store(const SyntheticWorld& world, std::vector<SessionLog>& sessions) {
  SessionStore store;
  const std::int64_t items = world.num_items();
  store.item_raw_id.reserve(items);
  store.item_category.reserve(items);
  for (std::int64_t i = 0; i < items; ++i) {
    store.item_raw_id.push_back(synthetic_item_id(i));
    store.item_category.push_back(fmt::format("t{}", world.item_topic()[i]));
  }
  store.item_price = world.price();
  for (std::int64_t u = 0; u < world.num_users(); ++u)
    store.user_raw_id.push_back(fmt::format("u{}", u));

  StoreImpressions& m = store.impressions;
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    SessionLog& log = sessions[s];
    store.session_raw_id.push_back(fmt::format("s{}", s));
    store.session_user.push_back(log.user);
    for (const LoggedEvent& e : log.events) {
      store.event_item.push_back(e.item);
      store.event_type.push_back(e.type);
      store.event_time_ms.push_back(e.time_ms);
    }
    store.session_offsets.push_back(static_cast<std::int64_t>(store.event_item.size()));
    for (const LoggedImpression& r : log.impressions) {
      m.session.push_back(static_cast<std::int64_t>(s));
      m.slate.push_back(r.slate);
      m.item.push_back(r.item);
      m.position.push_back(r.position);
      m.reward.push_back(r.reward);
      m.propensity.push_back(r.propensity);
      m.time_ms.push_back(r.time_ms);
      m.click.push_back(r.click);
      m.purchase.push_back(r.purchase);
      m.slate_propensity.push_back(r.slate_propensity);
      m.prefix_propensity.push_back(r.prefix_propensity);
    }
  }
  return store;
}

PolicyConfig value_policy_config(const std::string& name, const PolicyConfig& logging) {
  if (name == "logging") return logging;
  PolicyConfig config;
  config.kind = name;
  return config;
}

}  // namespace

std::uint64_t world_seed(std::uint64_t run_seed) { return derive_seed(run_seed, kWorldStream); }

SynthesizedLogs synthesize_logs(const WorldConfig& world_config, const EnvConfig& env_config,
                                const PolicyConfig& logging_policy, const SynthConfig& synth,
                                std::uint64_t seed, const std::string& resolved_config_yaml) {
  for (std::size_t p = 0; p < synth.value_policies.size(); ++p) {
    const std::string& name = synth.value_policies[p];
    const std::vector<std::string>& kinds = policy_kinds();
    if (name != "logging" && std::find(kinds.begin(), kinds.end(), name) == kinds.end())
      throw ConfigError(
          fmt::format("synth.value_policies: unknown policy '{}' (expected logging or one of: {})",
                      name, fmt::join(kinds, ", ")));
    // Checked here rather than when /truth is written, after all the work.
    for (std::size_t q = 0; q < p; ++q)
      if (synth.value_policies[q] == name)
        throw ConfigError(fmt::format("synth.value_policies: '{}' is listed twice", name));
  }
  const SyntheticWorld world(world_config, env_config.slate_size, world_seed(seed));
  SyntheticEnv env(world, env_config);
  const std::uint64_t policy_seed = derive_seed(seed, kPolicyStream);
  const auto policy = make_policy(logging_policy, env, policy_seed, "logging_policy");
  const int k = env_config.slate_size;
  const int history = env_config.history_length;
  const std::int64_t n = std::min(synth.batch_size, synth.sessions);
  ThreadPool pool(env_config.threads);
  constexpr std::size_t kChunk = 64;

  std::vector<SessionLog> sessions;
  sessions.reserve(synth.sessions);
  std::vector<std::int64_t> slot_session(n, kNone);  // session each slot is logging, or none
  auto open_session = [&](std::size_t i) {
    if (static_cast<std::int64_t>(sessions.size()) == synth.sessions) {
      slot_session[i] = kNone;
      return;
    }
    slot_session[i] = static_cast<std::int64_t>(sessions.size());
    SessionLog& log = sessions.emplace_back();
    log.user = env.user(i);
    log.start_ms = synth.start_time_ms + slot_session[i] * synth.arrival_interval_ms;
    // The entry event (world.entry_event) is already in the new session's history.
    for (int e = 0; e < env.history_lengths()[i]; ++e)
      log.events.push_back({static_cast<std::int32_t>(env.history_items()[i * history + e]),
                            static_cast<std::int8_t>(env.history_types()[i * history + e]),
                            log.start_ms + e});
  };

  env.reset(derive_seed(seed, kEnvStream), n);
  for (std::int64_t i = 0; i < n; ++i) open_session(i);

  SlateDecision decision;
  decision.resize(n, k);
  std::int64_t next_slate = 0;
  std::int64_t open = n;
  Progress progress("logging sessions", synth.sessions, "sessions");
  const auto click = static_cast<std::int8_t>(EventType::kClick);
  const auto purchase = static_cast<std::int8_t>(EventType::kPurchase);
  double click_probability[32], purchase_probability[32];
  while (open > 0) {
    pool.run((n + kChunk - 1) / kChunk, [&](std::size_t chunk) {
      const std::size_t begin = chunk * kChunk;
      policy->act(env, begin, std::min<std::size_t>(begin + kChunk, n), policy_seed, decision);
    });
    // The truth of each shown slate, in the state the user saw it.
    for (std::int64_t i = 0; i < n; ++i) {
      if (slot_session[i] == kNone) continue;
      const std::int32_t* slate = &decision.items[i * k];
      env.expected_reward(i, slate, click_probability, purchase_probability);
      SessionLog& log = sessions[slot_session[i]];
      const std::int64_t time_ms =
          log.start_ms + (env.steps_in_episode()[i] + std::int64_t{1}) * synth.step_interval_ms;
      const std::int64_t slate_id = next_slate++;
      for (int s = 0; s < k; ++s) {
        LoggedImpression row{};
        row.slate = slate_id;
        row.item = slate[s];
        row.position = static_cast<std::int16_t>(s);
        row.propensity = decision.propensity[i * k + s];
        row.slate_propensity = decision.slate_propensity[i];
        row.prefix_propensity = decision.prefix_propensity[i * k + s];
        row.time_ms = time_ms;
        row.click_probability = click_probability[s];
        row.purchase_probability = purchase_probability[s];
        row.expected_reward =
            click_probability[s] *
            (env_config.click_reward + env_config.purchase_reward * purchase_probability[s]);
        log.impressions.push_back(row);
      }
    }
    env.step(decision.items);
    for (std::int64_t i = 0; i < n; ++i) {
      if (slot_session[i] == kNone) continue;
      SessionLog& log = sessions[slot_session[i]];
      const std::uint32_t clicks = env.click_masks()[i];
      const std::uint32_t purchases = env.purchase_masks()[i];
      LoggedImpression* rows = &log.impressions[log.impressions.size() - k];
      const std::int64_t time_ms = rows[0].time_ms;  // when the slate was shown
      std::int64_t offset = 1;  // events of one step are a millisecond apart, in order
      for (int s = 0; s < k; ++s) {
        if (!(clicks & (1u << s))) continue;
        const bool bought = purchases & (1u << s);
        rows[s].click = 1;
        rows[s].purchase = bought;
        rows[s].reward = static_cast<float>(env_config.reward(1, bought));
        log.events.push_back({rows[s].item, click, time_ms + offset++});
        if (bought) log.events.push_back({rows[s].item, purchase, time_ms + offset++});
      }
      if (env.organic_items()[i] >= 0)
        log.events.push_back({env.organic_items()[i], click, time_ms + offset++});
      if (env.dones()[i]) {
        --open;
        open_session(i);
        if (slot_session[i] != kNone) ++open;
        progress.update(sessions.size() - open);
      }
    }
  }
  progress.finish();

  SynthesizedLogs result;
  std::vector<std::int64_t> start_ms;
  for (const SessionLog& log : sessions) start_ms.push_back(log.start_ms);
  result.store = assemble_store(world, sessions);
  assign_splits(result.store, start_ms, synth.split, seed);
  StoreProvenance& provenance = result.store.provenance;
  provenance.source_format = "synthetic";
  provenance.import_config_yaml = resolved_config_yaml;
  provenance.seed = seed;
  provenance.created_by = std::string("shoprl ") + kVersion;

  StoreTruth& truth = result.truth;
  truth.world_config_yaml = resolved_config_yaml;
  for (const SessionLog& log : sessions) {
    for (const LoggedImpression& r : log.impressions) {
      truth.click_probability.push_back(r.click_probability);
      truth.purchase_probability.push_back(r.purchase_probability);
      truth.expected_reward.push_back(r.expected_reward);
    }
  }
  truth.factor_dim = world.dim();
  truth.item_factors = world.item_factors();
  truth.user_factors = world.user_factors();
  if (synth.value_episodes > 0) {
    for (std::size_t p = 0; p < synth.value_policies.size(); ++p) {
      const std::string& name = synth.value_policies[p];
      const auto value_policy = make_policy(value_policy_config(name, logging_policy), env,
                                            policy_seed, "synth.value_policies");
      const PolicyValueEstimate estimate =
          monte_carlo_policy_value(world, env_config, *value_policy, synth.value_episodes,
                                   synth.batch_size, derive_seed(seed, kValueStream, p));
      truth.policy_values.push_back({name == "logging" ? "logging:" + value_policy->name() : name,
                                     estimate.value, estimate.std_error, estimate.episodes});
    }
  }
  return result;
}

std::string synthetic_item_id(std::int64_t index) { return fmt::format("i{}", index); }

}  // namespace shoprl
