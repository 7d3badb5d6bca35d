// Tests the batched synthetic environment (src/env/synthetic_env.cpp on the bookkeeping of
// src/env/batch_env.cpp): observation shapes, the session history and its canonical event
// order, rewards, truncation and auto-reset, refusal of bad slates without side effects,
// results that do not depend on the thread count, and outcomes that converge to the world's
// expected rewards.
#include "env/synthetic_env.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/event_type.h"
#include "env/statistics.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"

namespace shoprl {
namespace {

using testing::kSigmas;
using testing::random_slates;
using testing::tiny_env_config;
using testing::tiny_world_config;

// The event type codes as the environment's int64 history holds them.
constexpr std::int64_t kClickType = static_cast<std::int64_t>(EventType::kClick);
constexpr std::int64_t kPurchaseType = static_cast<std::int64_t>(EventType::kPurchase);

struct Event {
  std::int64_t item;
  std::int64_t type;
  bool operator==(const Event& o) const { return item == o.item && type == o.type; }
};

std::vector<Event> history_of(const SyntheticEnv& env, std::size_t i) {
  const int l = env.history_length();
  std::vector<Event> events;
  for (int e = 0; e < env.history_lengths()[i]; ++e)
    events.push_back({env.history_items()[i * l + e], env.history_types()[i * l + e]});
  return events;
}

// Everything an environment exposes after a step, and the users' hidden state.
struct Snapshot {
  std::vector<std::int64_t> history_items, history_types;
  std::vector<std::int32_t> history_lengths, clicked_slots, organic_items, steps, users;
  std::vector<std::uint32_t> clicks, purchases;
  std::vector<std::uint8_t> purchased, dones, truncations;
  std::vector<float> rewards, interests;
  std::vector<std::uint64_t> episodes;
  std::vector<double> satisfactions;
  EnvMetrics metrics;
};

template <typename T>
std::vector<T> copy(const T* data, std::size_t n) {
  return std::vector<T>(data, data + n);
}

Snapshot snapshot(const SyntheticEnv& env) {
  const std::size_t n = env.batch_size();
  const std::size_t l = env.history_length();
  Snapshot s;
  s.history_items = copy(env.history_items(), n * l);
  s.history_types = copy(env.history_types(), n * l);
  s.history_lengths = copy(env.history_lengths(), n);
  s.clicked_slots = copy(env.clicked_slots(), n);
  s.organic_items = copy(env.organic_items(), n);
  s.steps = copy(env.steps_in_episode(), n);
  s.clicks = copy(env.click_masks(), n);
  s.purchases = copy(env.purchase_masks(), n);
  s.purchased = copy(env.purchased(), n);
  s.dones = copy(env.dones(), n);
  s.truncations = copy(env.truncations(), n);
  s.rewards = copy(env.rewards(), n);
  s.episodes = copy(env.episodes(), n);
  for (std::size_t i = 0; i < n; ++i) {
    s.users.push_back(env.user(i));
    s.satisfactions.push_back(env.satisfaction(i));
    for (int j = 0; j < env.world().dim(); ++j) s.interests.push_back(env.interest(i)[j]);
  }
  s.metrics = env.metrics();
  return s;
}

void expect_same(const Snapshot& a, const Snapshot& b, const std::string& context) {
  EXPECT_EQ(a.history_items, b.history_items) << context;
  EXPECT_EQ(a.history_types, b.history_types) << context;
  EXPECT_EQ(a.history_lengths, b.history_lengths) << context;
  EXPECT_EQ(a.clicked_slots, b.clicked_slots) << context;
  EXPECT_EQ(a.organic_items, b.organic_items) << context;
  EXPECT_EQ(a.steps, b.steps) << context;
  EXPECT_EQ(a.users, b.users) << context;
  EXPECT_EQ(a.clicks, b.clicks) << context;
  EXPECT_EQ(a.purchases, b.purchases) << context;
  EXPECT_EQ(a.purchased, b.purchased) << context;
  EXPECT_EQ(a.dones, b.dones) << context;
  EXPECT_EQ(a.truncations, b.truncations) << context;
  EXPECT_EQ(a.rewards, b.rewards) << context;
  EXPECT_EQ(a.interests, b.interests) << context;
  EXPECT_EQ(a.episodes, b.episodes) << context;
  EXPECT_EQ(a.satisfactions, b.satisfactions) << context;
  EXPECT_EQ(a.metrics.to_json(), b.metrics.to_json()) << context;
}

// --- Reset -------------------------------------------------------------------------------

TEST(SyntheticEnv, ResetOpensSessionsWithTheEntryEvent) {
  const SyntheticWorld world(tiny_world_config(), 3, 1);
  SyntheticEnv env(world, tiny_env_config());
  env.reset(7, 5);
  EXPECT_EQ(env.batch_size(), 5);
  EXPECT_EQ(env.slate_size(), 3);
  EXPECT_EQ(env.history_length(), 6);
  EXPECT_EQ(env.num_items(), 12);
  EXPECT_EQ(env.seed(), 7u);
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_EQ(env.history_lengths()[i], 1) << i;
    EXPECT_GE(env.history_items()[i * 6], 0);
    EXPECT_LT(env.history_items()[i * 6], 12);
    EXPECT_EQ(env.history_types()[i * 6], kClickType);
    for (int e = 1; e < 6; ++e) {
      EXPECT_EQ(env.history_items()[i * 6 + e], BatchEnv::kPad);
      EXPECT_EQ(env.history_types()[i * 6 + e], BatchEnv::kPad);
    }
    EXPECT_GE(env.user(i), 0);
    EXPECT_LT(env.user(i), 40);
    EXPECT_EQ(env.episodes()[i], 0u);
    EXPECT_EQ(env.steps_in_episode()[i], 0);
    EXPECT_EQ(env.dones()[i], 0);
    EXPECT_EQ(env.satisfaction(i), 0.0);
  }
  EXPECT_EQ(env.metrics().steps, 0);
}

TEST(SyntheticEnv, ABatchFromAFirstSlotReplaysThoseSlotsOfALargerBatch) {
  // What a data-parallel job's rank relies on: slots 4..7 of a batch of 8 are a batch of 4 that
  // starts at slot 4, over several steps and episodes.
  const SyntheticWorld world(tiny_world_config(), 3, 1);
  SyntheticEnv whole(world, tiny_env_config());
  SyntheticEnv share(world, tiny_env_config());
  whole.reset(7, 8);
  share.reset(7, 4, 4);
  std::vector<std::int32_t> slates(8 * 3);
  for (int step = 0; step < 12; ++step) {
    for (std::size_t i = 0; i < slates.size(); ++i)
      slates[i] = static_cast<std::int32_t>((i % 3) + 3 * (step % 4));
    whole.step(slates);
    share.step(std::vector<std::int32_t>(slates.begin() + 12, slates.end()));
    for (std::size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(share.rewards()[i], whole.rewards()[i + 4]) << "step " << step << " slot " << i;
      EXPECT_EQ(share.dones()[i], whole.dones()[i + 4]);
      EXPECT_EQ(share.history_items()[i * 6], whole.history_items()[(i + 4) * 6]);
    }
  }
  EXPECT_GT(share.metrics().episodes, 0) << "the comparison crossed episode boundaries";
  // ...and the offset matters: slots 0..3 are other sessions.
  SyntheticEnv first(world, tiny_env_config());
  SyntheticEnv later(world, tiny_env_config());
  first.reset(7, 4);
  later.reset(7, 4, 4);
  std::vector<std::int64_t> first_users, later_users;
  for (std::size_t i = 0; i < 4; ++i) {
    first_users.push_back(first.user(i) * 100 + first.history_items()[i * 6]);
    later_users.push_back(later.user(i) * 100 + later.history_items()[i * 6]);
  }
  EXPECT_NE(first_users, later_users);
}

TEST(SyntheticEnv, ResetWithoutEntryEventsStartsEmptyAtTheUsersOwnInterest) {
  WorldConfig config = tiny_world_config();
  config.entry_event = false;
  const SyntheticWorld world(config, 3, 1);
  SyntheticEnv env(world, tiny_env_config());
  env.reset(7, 5);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(env.history_lengths()[i], 0) << i;
    for (int e = 0; e < 6; ++e) EXPECT_EQ(env.history_items()[i * 6 + e], BatchEnv::kPad);
    const float* factor = world.user_factor(env.user(i));
    for (int j = 0; j < world.dim(); ++j) EXPECT_EQ(env.interest(i)[j], factor[j]);
  }
}

TEST(SyntheticEnv, PlaceUserPutsAPopulationUserAtTheStartOfASession) {
  const SyntheticWorld world(tiny_world_config(), 3, 1);
  SyntheticEnv env(world, tiny_env_config());
  env.reset(7, 3);
  env.step(random_slates(3, 3, 12, 0));
  env.place_user(1, 17);
  EXPECT_EQ(env.user(1), 17);
  EXPECT_EQ(env.satisfaction(1), 0.0);
  EXPECT_EQ(env.price_sensitivity(1), world.user_price_sensitivity(17));
  for (int j = 0; j < world.dim(); ++j) EXPECT_EQ(env.interest(1)[j], world.user_factor(17)[j]);
}

TEST(SyntheticEnv, MisuseIsRefused) {
  const SyntheticWorld world(tiny_world_config(), 3, 1);
  SyntheticEnv env(world, tiny_env_config());
  EXPECT_THROW(env.step(std::vector<std::int32_t>{}), Error);  // before reset
  EXPECT_THROW(env.reset(1, 0), Error);
  EnvConfig too_wide = tiny_env_config(13);
  EXPECT_THROW(SyntheticEnv(world, too_wide), ConfigError);  // K > items
}

// --- Steps -------------------------------------------------------------------------------

// A world where every path of a step is busy: several clicks per slate (pbm, low threshold),
// frequent purchases, an organic click after every slate without one, nobody leaving early,
// and a history shorter than a session's events.
TEST(SyntheticEnv, StepAppendsEventsInCanonicalOrderAndTruncatesAtMaxSteps) {
  WorldConfig config = tiny_world_config();
  config.choice.model = "pbm";
  config.choice.no_click_utility = -0.5;
  config.purchase_bias = 0.0;
  config.organic_rate = 1.0;
  config.leave_bias = -30;  // P(leave) < 1e-12
  const SyntheticWorld world(config, 3, 2);
  EnvConfig env_config = tiny_env_config();
  env_config.history_length = 4;
  env_config.max_steps = 6;
  env_config.click_reward = 0.5;
  env_config.purchase_reward = 2.0;
  SyntheticEnv env(world, env_config);
  const std::int64_t n = 50;
  const int k = 3, l = 4;
  env.reset(3, n);

  std::vector<std::vector<Event>> log(n);  // every event of each current session
  std::vector<int> steps(n, 0);
  for (std::int64_t i = 0; i < n; ++i) log[i] = history_of(env, i);
  std::int64_t multi_clicks = 0, purchases_seen = 0, organic_seen = 0, overflows = 0, ends = 0;
  for (std::uint64_t t = 0; t < 20; ++t) {
    const std::vector<std::int32_t> slates = random_slates(n, k, 12, t);
    const std::vector<std::uint64_t> episodes_before = copy(env.episodes(), n);
    env.step(slates);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint32_t clicks = env.click_masks()[i];
      const std::uint32_t purchases = env.purchase_masks()[i];
      const std::int32_t organic = env.organic_items()[i];
      ASSERT_EQ(clicks >> k, 0u);
      ASSERT_EQ(purchases & ~clicks, 0u) << "a purchase without its click";
      EXPECT_EQ(organic >= 0, clicks == 0) << "organic_rate 1: organic exactly when no click";
      EXPECT_LT(organic, 12);
      EXPECT_EQ(env.rewards()[i], static_cast<float>(0.5 * __builtin_popcount(clicks) +
                                                     2.0 * __builtin_popcount(purchases)));
      EXPECT_EQ(env.clicked_slots()[i], clicks ? __builtin_ctz(clicks) : -1);
      EXPECT_EQ(env.purchased()[i], purchases != 0);
      multi_clicks += __builtin_popcount(clicks) > 1;
      purchases_seen += purchases != 0;
      organic_seen += organic >= 0;

      // Canonical order: each clicked slot top down, its purchase right after it, then the
      // organic click.
      for (int s = 0; s < k; ++s) {
        if (!(clicks & (1u << s))) continue;
        log[i].push_back({slates[i * k + s], kClickType});
        if (purchases & (1u << s)) log[i].push_back({slates[i * k + s], kPurchaseType});
      }
      if (organic >= 0) log[i].push_back({organic, kClickType});
      const std::size_t kept = std::min<std::size_t>(log[i].size(), l);
      const std::vector<Event> expected(log[i].end() - kept, log[i].end());

      ++steps[i];
      if (steps[i] == env_config.max_steps) {
        ASSERT_EQ(env.dones()[i], 1) << "user " << i << " ran past max_steps";
        EXPECT_EQ(env.truncations()[i], 1);
        EXPECT_EQ(env.episodes()[i], episodes_before[i] + 1);
        EXPECT_EQ(env.steps_in_episode()[i], 0);
        // The history the session ended with stays readable after the reset.
        std::vector<Event> ended;
        for (int e = 0; e < env.ended_history_lengths()[i]; ++e)
          ended.push_back(
              {env.ended_history_items()[i * l + e], env.ended_history_types()[i * l + e]});
        EXPECT_EQ(ended, expected) << "user " << i << " step " << t;
        // The next session is already there, with its entry event alone.
        ASSERT_EQ(env.history_lengths()[i], 1);
        EXPECT_EQ(env.history_types()[i * l], kClickType);
        for (int e = 1; e < l; ++e) EXPECT_EQ(env.history_items()[i * l + e], BatchEnv::kPad);
        log[i] = history_of(env, i);
        steps[i] = 0;
        ++ends;
        continue;
      }
      ASSERT_EQ(env.dones()[i], 0) << "user " << i << " left although leave_bias is -30";
      EXPECT_EQ(env.truncations()[i], 0);
      EXPECT_EQ(env.episodes()[i], episodes_before[i]);
      EXPECT_EQ(env.steps_in_episode()[i], steps[i]);
      // The history keeps the last l events, oldest first, then padding.
      overflows += log[i].size() > static_cast<std::size_t>(l);
      ASSERT_EQ(history_of(env, i), expected) << "user " << i << " step " << t;
      for (int e = static_cast<int>(kept); e < l; ++e) {
        EXPECT_EQ(env.history_items()[i * l + e], BatchEnv::kPad);
        EXPECT_EQ(env.history_types()[i * l + e], BatchEnv::kPad);
      }
    }
  }
  // The paths above were all taken.
  EXPECT_GT(multi_clicks, 0);
  EXPECT_GT(purchases_seen, 0);
  EXPECT_GT(organic_seen, 0);
  EXPECT_GT(overflows, 0);
  EXPECT_EQ(ends, 3 * n);  // 20 steps of sessions of exactly 6
}

TEST(SyntheticEnv, HistoryKeepsEntryEventWithoutClicks) {
  // Nothing is ever clicked or browsed: the history stays at the entry event.
  WorldConfig config = tiny_world_config();
  config.choice.no_click_utility = 200;
  config.organic_rate = 0;
  config.leave_bias = -30;
  const SyntheticWorld world(config, 3, 2);
  SyntheticEnv env(world, tiny_env_config());
  env.reset(4, 8);
  const Snapshot start = snapshot(env);
  for (std::uint64_t t = 0; t < 3; ++t) {
    env.step(random_slates(8, 3, 12, t));
    EXPECT_EQ(copy(env.history_items(), 8 * 6), start.history_items);
    EXPECT_EQ(copy(env.history_lengths(), 8), start.history_lengths);
    for (std::size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(env.rewards()[i], 0.0f);
      EXPECT_EQ(env.clicked_slots()[i], -1);
    }
  }
}

TEST(SyntheticEnv, UsersWhoLeaveEndTheirSessionWithoutTruncation) {
  WorldConfig config = tiny_world_config();
  config.leave_bias = 30;  // P(leave) > 1 - 1e-11
  const SyntheticWorld world(config, 3, 2);
  SyntheticEnv env(world, tiny_env_config());
  env.reset(5, 30);
  for (std::uint64_t t = 0; t < 3; ++t) {
    env.step(random_slates(30, 3, 12, t));
    for (std::size_t i = 0; i < 30; ++i) {
      EXPECT_EQ(env.dones()[i], 1);
      EXPECT_EQ(env.truncations()[i], 0) << "a user who leaves is not truncated";
      EXPECT_EQ(env.episodes()[i], t + 1);
      EXPECT_EQ(env.history_lengths()[i], 1);
    }
  }
  const EnvMetrics m = env.metrics();
  EXPECT_EQ(m.episodes, 90);
  EXPECT_EQ(m.mean_session_length, 1.0);
}

TEST(SyntheticEnv, SlotTrajectoryDoesNotDependOnTheBatchSize) {
  // The stream of slot s comes from (seed, s, episode): slots 0..4 of a batch of 300 live
  // exactly as a batch of 5 does.
  const SyntheticWorld world(tiny_world_config(), 3, 6);
  SyntheticEnv small(world, tiny_env_config());
  SyntheticEnv large(world, tiny_env_config());
  small.reset(9, 5);
  large.reset(9, 300);
  for (std::uint64_t t = 0; t < 12; ++t) {
    const std::vector<std::int32_t> slates = random_slates(300, 3, 12, t);
    small.step(slates.data());
    large.step(slates.data());
    for (std::size_t i = 0; i < 5; ++i) {
      ASSERT_EQ(history_of(small, i), history_of(large, i)) << "slot " << i << " step " << t;
      ASSERT_EQ(small.rewards()[i], large.rewards()[i]);
      ASSERT_EQ(small.dones()[i], large.dones()[i]);
      ASSERT_EQ(small.user(i), large.user(i));
    }
  }
}

// --- Bad slates --------------------------------------------------------------------------

TEST(SyntheticEnv, InvalidSlatesThrowAndLeaveTheBatchUnchanged) {
  // 600 users: three chunks of 256, on two threads, with the bad slate in the last chunk or
  // the first, so a chunk that validated fine must not have moved either.
  EnvConfig env_config = tiny_env_config();
  env_config.threads = 2;
  const SyntheticWorld world(tiny_world_config(), 3, 3);
  SyntheticEnv env(world, env_config);
  SyntheticEnv twin(world, env_config);
  const std::int64_t n = 600;
  env.reset(11, n);
  twin.reset(11, n);
  env.step(random_slates(n, 3, 12, 0));
  twin.step(random_slates(n, 3, 12, 0));
  const Snapshot before = snapshot(env);

  struct Bad {
    std::int64_t user;
    int slot;
    std::int32_t item;
    const char* expected_message;
  };
  const Bad cases[] = {
      {599, 2, 12, "user 599 slot 2: item 12 is not in [0, 12)"},
      {599, 0, -1, "user 599 slot 0: item -1 is not in [0, 12)"},
      {0, 1, 1 << 30, "user 0 slot 1"},
      {300, 2, -7, "user 300 slot 2"},
  };
  for (const Bad& bad : cases) {
    std::vector<std::int32_t> slates = random_slates(n, 3, 12, 1);
    slates[bad.user * 3 + bad.slot] = bad.item;
    try {
      env.step(slates);
      ADD_FAILURE() << "item " << bad.item << " was accepted";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(bad.expected_message), std::string::npos)
          << error.what();
    }
    expect_same(snapshot(env), before, std::string("after item ") + std::to_string(bad.item));
  }
  {
    std::vector<std::int32_t> slates = random_slates(n, 3, 12, 1);
    slates[598 * 3 + 2] = slates[598 * 3 + 0];  // the same item twice
    try {
      env.step(slates);
      ADD_FAILURE() << "a repeated item was accepted";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find("user 598"), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("slots 0 and 2"), std::string::npos) << error.what();
    }
    expect_same(snapshot(env), before, "after a repeated item");
  }
  EXPECT_THROW(env.step(std::vector<std::int32_t>(n * 3 - 1, 0)), Error);
  expect_same(snapshot(env), before, "after a short slate vector");

  // Not even a random stream moved: the next valid step is the one the twin takes.
  env.step(random_slates(n, 3, 12, 1));
  twin.step(random_slates(n, 3, 12, 1));
  expect_same(snapshot(env), snapshot(twin), "the valid step after the failures");
}

// --- Determinism -------------------------------------------------------------------------

TEST(SyntheticEnv, SameSeedGivesIdenticalOutputsWhateverTheThreadCount) {
  // 700 users = three chunks of 256; sessions of up to 5 steps, so 30 steps cross many
  // auto-resets.
  const SyntheticWorld world(tiny_world_config(50, 200), 3, 4);
  std::vector<std::vector<Snapshot>> runs;
  for (int threads = 1; threads <= 3; ++threads) {
    EnvConfig env_config = tiny_env_config();
    env_config.threads = threads;
    SyntheticEnv env(world, env_config);
    env.reset(2024, 700);
    std::vector<Snapshot> run;
    for (std::uint64_t t = 0; t < 30; ++t) {
      env.step(random_slates(700, 3, 50, t));
      run.push_back(snapshot(env));
    }
    runs.push_back(std::move(run));
  }
  for (std::size_t threads = 1; threads < runs.size(); ++threads)
    for (std::size_t t = 0; t < runs[0].size(); ++t)
      expect_same(runs[threads][t], runs[0][t],
                  std::to_string(threads + 1) + " threads, step " + std::to_string(t));
  // The comparison covered finished sessions.
  EXPECT_GT(runs[0].back().metrics.episodes, 700);

  // And the seed matters.
  SyntheticEnv other(world, tiny_env_config());
  other.reset(2025, 700);
  other.step(random_slates(700, 3, 50, 0));
  EXPECT_NE(snapshot(other).history_items, runs[0][0].history_items);
}

// --- Convergence to the truth ------------------------------------------------------------

// Mean and variance of one slate's reward and click count given the user's state, from the
// per-slot click probabilities q and purchase-given-click probabilities b. mnl and cascade
// click at most once (the slot outcomes are exclusive); pbm clicks slots independently.
struct SlateMoments {
  double reward_mean = 0, reward_variance = 0, clicks_mean = 0, clicks_variance = 0;
};

SlateMoments slate_moments(const double* q, const double* b, int k, double c, double p,
                           bool exclusive) {
  SlateMoments m;
  double reward_square = 0, reward_variance_independent = 0;
  for (int s = 0; s < k; ++s) {
    const double mean = q[s] * (c + p * b[s]);
    const double square = q[s] * (b[s] * (c + p) * (c + p) + (1 - b[s]) * c * c);
    m.reward_mean += mean;
    reward_square += square;
    reward_variance_independent += square - mean * mean;
    m.clicks_mean += q[s];
    m.clicks_variance += q[s] * (1 - q[s]);
  }
  if (exclusive) {
    m.reward_variance = reward_square - m.reward_mean * m.reward_mean;
    m.clicks_variance = m.clicks_mean * (1 - m.clicks_mean);
  } else {
    m.reward_variance = reward_variance_independent;
  }
  return m;
}

TEST(SyntheticEnv, OneStepRewardsAndClicksConvergeToTheExpectedOnes) {
  // Given the users' states, sum_i (outcome_i - E[outcome_i]) has mean zero and variance
  // sum_i Var_i (computed exactly from the true probabilities), so each total is checked at
  // 4.5 standard errors: false failure ≈ 6.8e-6 per check, 4e-5 for the 6 checks.
  for (const std::string model : {"mnl", "cascade", "pbm"}) {
    WorldConfig config = tiny_world_config(30, 100);
    config.choice.model = model;
    config.choice.no_click_utility = 1.0;  // clicks common enough to matter in every model
    const SyntheticWorld world(config, 4, 8);
    EnvConfig env_config = tiny_env_config(4);
    SyntheticEnv env(world, env_config);
    const std::int64_t n = 6000;
    env.reset(13, n);
    const std::vector<std::int32_t> slates = random_slates(n, 4, 30, 99);
    double expected_reward = 0, reward_variance = 0, expected_clicks = 0, clicks_variance = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      double q[4], b[4];
      const double value = env.expected_reward(i, &slates[i * 4], q, b);
      const SlateMoments m = slate_moments(q, b, 4, env_config.click_reward,
                                           env_config.purchase_reward, model != "pbm");
      EXPECT_NEAR(value, m.reward_mean, 1e-12);
      expected_reward += value;
      reward_variance += m.reward_variance;
      expected_clicks += m.clicks_mean;
      clicks_variance += m.clicks_variance;
    }
    env.step(slates);
    double reward = 0, clicks = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      reward += env.rewards()[i];
      clicks += __builtin_popcount(env.click_masks()[i]);
    }
    EXPECT_NEAR(reward, expected_reward, kSigmas * std::sqrt(reward_variance)) << model;
    EXPECT_NEAR(clicks, expected_clicks, kSigmas * std::sqrt(clicks_variance)) << model;
    // Not a vacuous comparison: thousands of clicks were expected.
    EXPECT_GT(expected_clicks, 500) << model;
  }
}

// --- Metrics -----------------------------------------------------------------------------

TEST(SyntheticEnv, MetricsSumWhatTheStepsReported) {
  WorldConfig config = tiny_world_config();
  config.choice.model = "pbm";
  config.purchase_bias = -1;
  const SyntheticWorld world(config, 3, 5);
  EnvConfig env_config = tiny_env_config();
  SyntheticEnv env(world, env_config);
  const std::int64_t n = 40;
  env.reset(17, n);
  double steps = 0, clicked_steps = 0, clicks = 0, purchases = 0, organic = 0, reward = 0;
  double episodes = 0, return_sum = 0, return_square_sum = 0, episode_steps = 0, converted = 0;
  std::vector<double> episode_return(n, 0.0), episode_length(n, 0.0);
  std::vector<bool> episode_converted(n, false);
  for (std::uint64_t t = 0; t < 25; ++t) {
    env.step(random_slates(n, 3, 12, t));
    for (std::int64_t i = 0; i < n; ++i) {
      const int c = __builtin_popcount(env.click_masks()[i]);
      const int p = __builtin_popcount(env.purchase_masks()[i]);
      const double r = env_config.click_reward * c + env_config.purchase_reward * p;
      steps += 1;
      clicked_steps += c > 0;
      clicks += c;
      purchases += p;
      organic += env.organic_items()[i] >= 0;
      reward += r;
      episode_return[i] += r;
      episode_length[i] += 1;
      episode_converted[i] = episode_converted[i] || p > 0;
      if (env.dones()[i]) {
        episodes += 1;
        return_sum += episode_return[i];
        return_square_sum += episode_return[i] * episode_return[i];
        episode_steps += episode_length[i];
        converted += episode_converted[i];
        episode_return[i] = episode_length[i] = 0;
        episode_converted[i] = false;
      }
    }
  }
  ASSERT_GT(episodes, 10);
  ASSERT_GT(purchases, 0);
  const EnvMetrics m = env.metrics();
  const double mean_return = return_sum / episodes;
  EXPECT_EQ(m.episodes, static_cast<std::int64_t>(episodes));
  EXPECT_EQ(m.steps, static_cast<std::int64_t>(steps));
  EXPECT_NEAR(m.mean_return, mean_return, 1e-12);
  EXPECT_NEAR(m.return_std_error,
              std::sqrt((return_square_sum - episodes * mean_return * mean_return) /
                        (episodes - 1) / episodes),
              1e-12);
  EXPECT_NEAR(m.mean_session_length, episode_steps / episodes, 1e-12);
  EXPECT_NEAR(m.click_through_rate, clicked_steps / steps, 1e-12);
  EXPECT_NEAR(m.clicks_per_slate, clicks / steps, 1e-12);
  EXPECT_NEAR(m.purchases_per_click, purchases / clicks, 1e-12);
  EXPECT_NEAR(m.session_conversion, converted / episodes, 1e-12);
  EXPECT_NEAR(m.organic_clicks_per_step, organic / steps, 1e-12);
  EXPECT_NEAR(m.reward_per_step, reward / steps, 1e-12);
  std::uint64_t episode_count = 0;
  for (std::int64_t i = 0; i < n; ++i) episode_count += env.episodes()[i];
  EXPECT_EQ(episode_count, static_cast<std::uint64_t>(episodes));

  env.clear_metrics();
  EXPECT_EQ(env.metrics().steps, 0);
  EXPECT_EQ(env.metrics().episodes, 0);
  env.step(random_slates(n, 3, 12, 100));
  EXPECT_EQ(env.metrics().steps, n);
}

}  // namespace
}  // namespace shoprl
