// Tests the policies of the synthetic world (src/env/policies/): that the propensities they
// record are the probabilities they used, checked against closed forms written out here and
// against exact marginals from enumerating every slate of a tiny catalogue; that sampled
// slates follow those probabilities; the Plackett-Luce marginal estimator against its exact
// value; and make_policy's refusals.
#include "env/policies/policies.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.h"
#include "env/policies/item_values.h"
#include "env/policies/plackett_luce.h"
#include "env/policies/slate_policy.h"
#include "env/statistics.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"

namespace shoprl {
namespace {

using testing::binomial_std_error;
using testing::gentle_world_config;
using testing::kManySigmas;
using testing::kSigmas;
using testing::tiny_env_config;

constexpr std::int64_t kPolicyTestItems = 6;
constexpr int kPolicyTestSlots = 3;
constexpr std::uint64_t kPolicySeed = 77;

// Every ordered slate of `slots` distinct items out of `items`.
std::vector<std::vector<std::int32_t>> all_slates(std::int64_t items, int slots) {
  std::vector<std::vector<std::int32_t>> out;
  std::vector<std::int32_t> slate;
  std::function<void()> extend = [&] {
    if (static_cast<int>(slate.size()) == slots) {
      out.push_back(slate);
      return;
    }
    for (std::int32_t i = 0; i < items; ++i) {
      if (std::find(slate.begin(), slate.end(), i) != slate.end()) continue;
      slate.push_back(i);
      extend();
      slate.pop_back();
    }
  };
  extend();
  return out;
}

PolicyConfig policy_config(const std::string& kind) {
  PolicyConfig config;
  config.kind = kind;
  config.epsilon = 0.3;
  config.noise = 0.5;
  config.temperature = 0.7;
  config.marginal_samples = 64;
  return config;
}

const std::vector<std::string>& all_kinds() {
  static const std::vector<std::string> kinds{"uniform",       "popularity", "epsilon_greedy",
                                              "plackett_luce", "oracle",     "history_oracle"};
  return kinds;
}

class PolicyTest : public ::testing::Test {
 protected:
  PolicyTest()
      : world_(gentle_world_config(kPolicyTestItems, 20), kPolicyTestSlots, 31),
        env_(world_, tiny_env_config()) {}

  std::unique_ptr<SlatePolicy> make(const std::string& kind) {
    return make_policy(policy_config(kind), env_, kPolicySeed, "logging_policy");
  }
  SlateDecision act(const SlatePolicy& policy, std::uint64_t seed = 5) {
    SlateDecision decision;
    decision.resize(env_.batch_size(), kPolicyTestSlots);
    policy.act(env_, 0, env_.batch_size(), seed, decision);
    return decision;
  }
  // exact[k][item] = P(item in slot k) for user slot i, by enumeration.
  std::vector<std::vector<double>> exact_marginals(const SlatePolicy& policy, std::size_t i) {
    std::vector<std::vector<double>> exact(kPolicyTestSlots,
                                           std::vector<double>(kPolicyTestItems, 0.0));
    for (const auto& slate : all_slates(kPolicyTestItems, kPolicyTestSlots)) {
      const double p = policy.slate_probability(env_, i, slate.data());
      for (int k = 0; k < kPolicyTestSlots; ++k) exact[k][slate[k]] += p;
    }
    return exact;
  }

  SyntheticWorld world_;
  SyntheticEnv env_;
};

// --- Uniform -------------------------------------------------------------------------------

TEST_F(PolicyTest, UniformRecordsOneOverIAndTheFallingFactorial) {
  env_.reset(1, 50);
  const auto policy = make("uniform");
  EXPECT_EQ(policy->name(), "uniform");
  const SlateDecision d = act(*policy);
  for (std::size_t i = 0; i < 50; ++i) {
    const std::int32_t* slate = &d.items[i * kPolicyTestSlots];
    for (int k = 0; k < kPolicyTestSlots; ++k) {
      EXPECT_GE(slate[k], 0);
      EXPECT_LT(slate[k], kPolicyTestItems);
      for (int j = 0; j < k; ++j) EXPECT_NE(slate[j], slate[k]) << "user " << i;
      EXPECT_EQ(d.propensity[i * kPolicyTestSlots + k], 1.0 / kPolicyTestItems);
    }
    EXPECT_DOUBLE_EQ(d.prefix_propensity[i * kPolicyTestSlots + 0], 1.0 / 6);
    EXPECT_DOUBLE_EQ(d.prefix_propensity[i * kPolicyTestSlots + 1], 1.0 / 30);
    EXPECT_DOUBLE_EQ(d.prefix_propensity[i * kPolicyTestSlots + 2], 1.0 / 120);
    EXPECT_EQ(d.slate_propensity[i], d.prefix_propensity[i * kPolicyTestSlots + 2]);
    EXPECT_DOUBLE_EQ(policy->slate_probability(env_, i, slate), 1.0 / 120);
  }
}

TEST(UniformSlates, FallingFactorialAndDistinctItems) {
  double prefix[4];
  uniform_prefix_probabilities(10, 4, prefix);
  EXPECT_DOUBLE_EQ(prefix[0], 1.0 / 10);
  EXPECT_DOUBLE_EQ(prefix[1], 1.0 / 90);
  EXPECT_DOUBLE_EQ(prefix[2], 1.0 / 720);
  EXPECT_DOUBLE_EQ(prefix[3], 1.0 / 5040);
  RandomStream rng(3);
  std::int32_t slate[5];
  for (int n = 0; n < 1000; ++n) {
    draw_uniform_slate(5, 5, rng, slate);  // a whole permutation: the hardest case
    std::sort(slate, slate + 5);
    for (int k = 0; k < 5; ++k) ASSERT_EQ(slate[k], k);
  }
}

// --- Every policy --------------------------------------------------------------------------

TEST_F(PolicyTest, SlateProbabilitiesSumToOneForEveryPolicy) {
  env_.reset(2, 5);
  const auto slates = all_slates(kPolicyTestItems, kPolicyTestSlots);
  ASSERT_EQ(slates.size(), 120u);
  for (const std::string& kind : all_kinds()) {
    const auto policy = make(kind);
    for (std::size_t i = 0; i < 5; ++i) {
      double sum = 0;
      for (const auto& slate : slates) {
        const double p = policy->slate_probability(env_, i, slate.data());
        EXPECT_GE(p, 0.0) << kind;
        sum += p;
      }
      EXPECT_NEAR(sum, 1.0, 1e-12) << kind << " user " << i;
    }
  }
}

TEST_F(PolicyTest, RecordedSlatePropensityIsTheSlateProbability) {
  env_.reset(3, 40);
  for (const std::string& kind : all_kinds()) {
    const auto policy = make(kind);
    const SlateDecision d = act(*policy);
    for (std::size_t i = 0; i < 40; ++i) {
      const double recorded = d.slate_propensity[i];
      EXPECT_GT(recorded, 0.0) << kind;
      EXPECT_DOUBLE_EQ(recorded, policy->slate_probability(env_, i, &d.items[i * kPolicyTestSlots]))
          << kind << " user " << i;
      EXPECT_EQ(recorded, d.prefix_propensity[i * kPolicyTestSlots + kPolicyTestSlots - 1]) << kind;
      for (int k = 1; k < kPolicyTestSlots; ++k)
        EXPECT_LE(d.prefix_propensity[i * kPolicyTestSlots + k],
                  d.prefix_propensity[i * kPolicyTestSlots + k - 1])
            << kind << ": a longer prefix is no likelier";
    }
  }
}

TEST_F(PolicyTest, ChoosingInRangesGivesTheSameSlatesAsOneCall) {
  // Randomness comes from (seed, slot, episode, step), never from the range.
  env_.reset(4, 100);
  for (const std::string& kind : all_kinds()) {
    const auto policy = make(kind);
    const SlateDecision whole = act(*policy);
    SlateDecision parts;
    parts.resize(100, kPolicyTestSlots);
    for (std::size_t begin = 0; begin < 100; begin += 7)
      policy->act(env_, begin, std::min<std::size_t>(begin + 7, 100), 5, parts);
    EXPECT_EQ(parts.items, whole.items) << kind;
    EXPECT_EQ(parts.propensity, whole.propensity) << kind;
    EXPECT_EQ(parts.prefix_propensity, whole.prefix_propensity) << kind;
    // Another seed, other slates (the stochastic policies).
    if (kind != "oracle" && kind != "history_oracle") {
      EXPECT_NE(act(*policy, 6).items, whole.items) << kind;
    }
  }
}

TEST_F(PolicyTest, SampledSlatesFollowTheExactMarginals) {
  // 20,000 slots all holding the same user at the start of a session: 20,000 independent
  // slates from one distribution. Each (item, slot) frequency is checked against the exact
  // marginal at 5 standard errors (5.7e-7 per cell; 90 cells: 5e-5 for the test), where the
  // normal approximation holds (every uncertain cell expects over 50 draws).
  const std::int64_t n = 20000;
  env_.reset(5, n);
  for (std::int64_t i = 0; i < n; ++i) env_.place_user(i, 3);
  for (const std::string& kind : all_kinds()) {
    // The history oracle is a function of the history, which place_user leaves per slot.
    if (kind == "history_oracle") continue;
    const auto policy = make(kind);
    const auto exact = exact_marginals(*policy, 0);
    const SlateDecision d = act(*policy);
    std::vector<std::vector<std::int64_t>> count(kPolicyTestSlots,
                                                 std::vector<std::int64_t>(kPolicyTestItems, 0));
    for (std::int64_t i = 0; i < n; ++i)
      for (int k = 0; k < kPolicyTestSlots; ++k) ++count[k][d.items[i * kPolicyTestSlots + k]];
    for (int k = 0; k < kPolicyTestSlots; ++k) {
      for (std::int64_t item = 0; item < kPolicyTestItems; ++item) {
        const double p = exact[k][item];
        const bool certain = p < 1e-12 || p > 1 - 1e-12;
        if (!certain) {
          ASSERT_GT(static_cast<double>(n) * std::min(p, 1 - p), 50.0) << "test setup: " << kind;
        }
        EXPECT_NEAR(static_cast<double>(count[k][item]) / n, p,
                    kManySigmas * binomial_std_error(p, n) + 1e-12)
            << kind << " item " << item << " slot " << k;
      }
    }
  }
}

TEST_F(PolicyTest, ExactPropensitiesEqualTheEnumeratedMarginals) {
  // Uniform and epsilon-greedy record marginals in closed form: they must be the exact ones.
  env_.reset(6, 30);
  for (const std::string kind : {"uniform", "epsilon_greedy", "oracle"}) {
    const auto policy = make(kind);
    const SlateDecision d = act(*policy);
    for (std::size_t i = 0; i < 30; ++i) {
      const auto exact = exact_marginals(*policy, i);
      for (int k = 0; k < kPolicyTestSlots; ++k)
        EXPECT_NEAR(d.propensity[i * kPolicyTestSlots + k],
                    exact[k][d.items[i * kPolicyTestSlots + k]], 1e-12)
            << kind << " user " << i << " slot " << k;
    }
  }
}

// --- Epsilon-greedy and the oracle --------------------------------------------------------

// The greedy slate written independently: the noisy oracle's values, fully sorted (best
// first, ties to the smaller index).
std::vector<std::int32_t> greedy_slate(const ItemValues& values, const SyntheticEnv& env,
                                       std::size_t i) {
  const std::int64_t items = env.num_items();
  std::vector<float> value(items), scratch(items);
  values.compute(env.interest(i), env.price_sensitivity(i), value.data(), scratch.data());
  std::vector<std::int32_t> order(items);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int32_t a, std::int32_t b) { return value[a] > value[b]; });
  order.resize(env.slate_size());
  return order;
}

TEST_F(PolicyTest, EpsilonGreedyRecordsItsClosedForms) {
  // P(i in k) = (1 - eps) 1{i = g_k} + eps / I;
  // P(prefix 0..k) = (1 - eps) 1{prefix = g_0..g_k} + eps / (I (I-1) ... (I-k)).
  const double eps = 0.5;
  PolicyConfig config = policy_config("epsilon_greedy");
  config.epsilon = eps;
  const auto policy = make_policy(config, env_, kPolicySeed, "logging_policy");
  EXPECT_EQ(policy->name(), "epsilon_greedy");
  const ItemValues values(world_, env_.env_config(), config.noise, kPolicySeed);
  env_.reset(7, 300);
  const SlateDecision d = act(*policy);
  int greedy_slates = 0, other_slates = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    const auto g = greedy_slate(values, env_, i);
    const std::int32_t* slate = &d.items[i * kPolicyTestSlots];
    bool same_prefix = true;
    double uniform_prefix = 1;
    for (int k = 0; k < kPolicyTestSlots; ++k) {
      same_prefix = same_prefix && slate[k] == g[k];
      uniform_prefix /= static_cast<double>(kPolicyTestItems - k);
      EXPECT_DOUBLE_EQ(d.propensity[i * kPolicyTestSlots + k],
                       (slate[k] == g[k] ? 1 - eps : 0.0) + eps / kPolicyTestItems)
          << "user " << i << " slot " << k;
      EXPECT_DOUBLE_EQ(d.prefix_propensity[i * kPolicyTestSlots + k],
                       (same_prefix ? 1 - eps : 0.0) + eps * uniform_prefix)
          << "user " << i << " slot " << k;
    }
    (same_prefix ? greedy_slates : other_slates) += 1;
  }
  // Both outcomes were recorded (each has probability about one half).
  EXPECT_GT(greedy_slates, 50);
  EXPECT_GT(other_slates, 50);
}

TEST_F(PolicyTest, OracleShowsTheTopKOfTheTrueTopSlotValues) {
  const auto policy = make("oracle");
  EXPECT_EQ(policy->name(), "oracle");
  env_.reset(8, 40);
  const SlateDecision d = act(*policy);
  const EnvConfig& e = env_.env_config();
  const double threshold = world_.config().choice.no_click_utility;
  for (std::size_t i = 0; i < 40; ++i) {
    // The true value of each item alone in the top slot, in double precision.
    std::vector<double> value(kPolicyTestItems);
    for (std::int32_t item = 0; item < kPolicyTestItems; ++item)
      value[item] = (1 / (1 + std::exp(threshold - world_.utility(env_.interest(i), item)))) *
                    (e.click_reward +
                     e.purchase_reward * world_.purchase_probability(
                                             env_.interest(i), env_.price_sensitivity(i), item));
    std::vector<double> best = value;
    std::sort(best.begin(), best.end(), std::greater<double>());
    for (int k = 0; k < kPolicyTestSlots; ++k) {
      // The policy ranks in single precision: near-ties may swap, values may not.
      EXPECT_NEAR(value[d.items[i * kPolicyTestSlots + k]], best[k], 1e-5)
          << "user " << i << " slot " << k;
      EXPECT_EQ(d.propensity[i * kPolicyTestSlots + k], 1.0);
      EXPECT_EQ(d.prefix_propensity[i * kPolicyTestSlots + k], 1.0);
    }
    EXPECT_EQ(d.slate_propensity[i], 1.0);
  }
}

// --- History oracle ------------------------------------------------------------------------

TEST_F(PolicyTest, HistoryOracleShowsTheTopKForTheMeanFactorOfTheHistory) {
  const auto policy = make_policy(policy_config("history_oracle"), env_, kPolicySeed, "p");
  EXPECT_EQ(policy->name(), "history_oracle");
  PolicyConfig exact = policy_config("history_oracle");
  exact.noise = 0;
  const auto noiseless = make_policy(exact, env_, kPolicySeed, "p");
  env_.reset(8, 40);
  // Some users have a history beyond the entry event.
  const SlateDecision first = act(*noiseless);
  env_.step(first.items);
  const SlateDecision d = act(*noiseless);
  const EnvConfig& e = env_.env_config();
  const double threshold = world_.config().choice.no_click_utility;
  const double sensitivity = world_.config().price_sensitivity;
  const int dim = world_.dim();
  for (std::size_t i = 0; i < 40; ++i) {
    std::vector<float> interest(dim, 0.0f);
    const int length = env_.history_lengths()[i];
    for (int h = 0; h < length; ++h) {
      const float* v = world_.item_factor(env_.history_items()[i * env_.history_length() + h]);
      for (int j = 0; j < dim; ++j) interest[j] += v[j] / length;
    }
    std::vector<double> value(kPolicyTestItems);
    for (std::int32_t item = 0; item < kPolicyTestItems; ++item)
      value[item] = (1 / (1 + std::exp(threshold - world_.utility(interest.data(), item)))) *
                    (e.click_reward + e.purchase_reward * world_.purchase_probability(
                                                              interest.data(), sensitivity, item));
    std::vector<double> best = value;
    std::sort(best.begin(), best.end(), std::greater<double>());
    for (int k = 0; k < kPolicyTestSlots; ++k)
      EXPECT_NEAR(value[d.items[i * kPolicyTestSlots + k]], best[k], 1e-5)
          << "user " << i << " slot " << k;
    EXPECT_EQ(d.slate_propensity[i], 1.0);
    EXPECT_EQ(noiseless->slate_probability(env_, i, &d.items[i * kPolicyTestSlots]), 1.0);
  }
}

// A world that is not the synthetic one: nobody ever clicks.
class SilentEnv : public BatchEnv {
 public:
  SilentEnv() : BatchEnv(tiny_env_config(), kPolicyTestItems) {}

 protected:
  void allocate(std::int64_t) override {}
  void begin_sessions(std::size_t, std::size_t, const std::uint8_t*) override {}
  void respond(std::size_t begin, std::size_t end, const std::int32_t*) override {
    for (std::size_t i = begin; i < end; ++i) {
      click_mask_[i] = 0;
      purchase_mask_[i] = 0;
      organic_item_[i] = -1;
      leaving_[i] = 0;
    }
  }
};

TEST_F(PolicyTest, ObservationPoliciesActAnywhereHiddenStatePoliciesRefuse) {
  SilentEnv other;
  other.reset(3, 4);
  SlateDecision decision;
  decision.resize(4, kPolicyTestSlots);
  for (const std::string kind : {"uniform", "popularity", "history_oracle"})
    EXPECT_NO_THROW(make(kind)->act(other, 0, 4, 1, decision)) << kind;
  for (const std::string kind : {"oracle", "epsilon_greedy", "plackett_luce"}) {
    try {
      make(kind)->act(other, 0, 4, 1, decision);
      ADD_FAILURE() << kind << " acted without the synthetic world";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("hidden state"), std::string::npos) << e.what();
    }
  }
  // acts_in_any_environment says the same of every kind.
  for (const std::string& kind : all_kinds()) {
    bool acted = true;
    try {
      make(kind)->act(other, 0, 4, 1, decision);
    } catch (const ConfigError&) {
      acted = false;
    }
    EXPECT_EQ(acts_in_any_environment(kind), acted) << kind;
  }
}

// --- Plackett-Luce -------------------------------------------------------------------------

// prefix[k] = prod_{j<=k} w_{s_j} / (W - sum_{l<j} w_{s_l}), from the weights alone.
std::vector<double> plackett_luce_prefix(const std::vector<double>& w, const std::int32_t* slate,
                                         int slots) {
  double left = std::accumulate(w.begin(), w.end(), 0.0), p = 1;
  std::vector<double> prefix;
  for (int k = 0; k < slots; ++k) {
    p *= w[slate[k]] / left;
    left -= w[slate[k]];
    prefix.push_back(p);
  }
  return prefix;
}

TEST_F(PolicyTest, PopularityRecordsThePlackettLuceProductOfPopularity) {
  const auto policy = make("popularity");
  EXPECT_EQ(policy->name(), "popularity");
  const double temperature = policy_config("popularity").temperature;
  std::vector<double> w(kPolicyTestItems);
  for (std::int64_t i = 0; i < kPolicyTestItems; ++i)
    w[i] = std::exp(world_.popularity_logit()[i] / temperature);
  env_.reset(9, 60);
  const SlateDecision d = act(*policy);
  for (std::size_t i = 0; i < 60; ++i) {
    const std::int32_t* slate = &d.items[i * kPolicyTestSlots];
    const auto expected = plackett_luce_prefix(w, slate, kPolicyTestSlots);
    for (int k = 0; k < kPolicyTestSlots; ++k)
      EXPECT_NEAR(d.prefix_propensity[i * kPolicyTestSlots + k], expected[k], 1e-13 * expected[k]);
    EXPECT_NEAR(d.slate_propensity[i], expected[kPolicyTestSlots - 1],
                1e-13 * expected[kPolicyTestSlots - 1]);
    // Slot 0's marginal is exact: the first factor.
    EXPECT_NEAR(d.propensity[i * kPolicyTestSlots], expected[0], 1e-13);
  }
}

TEST_F(PolicyTest, PlackettLuceRecordsThePlackettLuceProductOfOracleValues) {
  const PolicyConfig config = policy_config("plackett_luce");
  const auto policy = make("plackett_luce");
  EXPECT_EQ(policy->name(), "plackett_luce");
  const ItemValues values(world_, env_.env_config(), config.noise, kPolicySeed);
  env_.reset(10, 60);
  const SlateDecision d = act(*policy);
  for (std::size_t i = 0; i < 60; ++i) {
    // Weights value^(1 / temperature). The policy takes the log of single-precision values,
    // so its weights carry relative errors of about 1e-6 and the products of three ratios
    // a few times that: 2e-5 relative.
    std::vector<float> value(kPolicyTestItems), scratch(kPolicyTestItems);
    values.compute(env_.interest(i), env_.price_sensitivity(i), value.data(), scratch.data());
    std::vector<double> w(kPolicyTestItems);
    for (std::int64_t item = 0; item < kPolicyTestItems; ++item)
      w[item] = std::pow(static_cast<double>(value[item]), 1 / config.temperature);
    const std::int32_t* slate = &d.items[i * kPolicyTestSlots];
    const auto expected = plackett_luce_prefix(w, slate, kPolicyTestSlots);
    for (int k = 0; k < kPolicyTestSlots; ++k)
      EXPECT_NEAR(d.prefix_propensity[i * kPolicyTestSlots + k], expected[k], 2e-5 * expected[k])
          << "user " << i << " slot " << k;
    EXPECT_NEAR(d.propensity[i * kPolicyTestSlots], expected[0], 2e-5 * expected[0]);
  }
}

// The marginal estimator of slot k > 0 for a shown slate s: the exact term of the shown prefix
// a = s[0..k) plus the mean over sampled PL prefixes of the others' terms,
//   P(a) t(a) + mean_r t(prefix_r) 1{prefix_r != a},  t(x) = 1{s_k not in x} w_{s_k} / (W - w(x)).
// Its exact mean (the marginal P(s_k at k)) and the variance of one sampled term, both by
// enumerating the prefixes of length k.
struct ExactTerm {
  double mean = 0, variance = 0;
};

ExactTerm exact_marginal_term(const std::vector<double>& w, const std::int32_t* slate, int k) {
  const std::int32_t item = slate[k];
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  if (k == 0) return {w[item] / total, 0.0};
  double shown = 0, mean = 0, square = 0;
  for (const auto& prefix : all_slates(static_cast<std::int64_t>(w.size()), k)) {
    const double p = plackett_luce_prefix(w, prefix.data(), k).back();
    double removed = 0;
    bool holds = false;
    for (std::int32_t j : prefix) {
      removed += w[j];
      holds = holds || j == item;
    }
    const double t = holds ? 0.0 : w[item] / (total - removed);
    if (std::equal(prefix.begin(), prefix.end(), slate)) {
      shown = p * t;
      continue;
    }
    mean += p * t;
    square += p * t * t;
  }
  return {shown + mean, square - mean * mean};
}

TEST(PlackettLuceSampler, EstimatedMarginalsAgreeWithTheExactOnes) {
  const std::vector<double> logits{0.3, -1.2, 0.8, 0.0, -0.4, 1.1};
  PlackettLuceSampler sampler;
  sampler.set_logits(logits.data(), 6, 0.8);
  std::vector<double> w(6);
  for (int i = 0; i < 6; ++i) w[i] = sampler.weight(i);
  // The weights are exp(logit / temperature) up to one common factor.
  for (int i = 1; i < 6; ++i)
    EXPECT_NEAR(w[i] / w[0], std::exp((logits[i] - logits[0]) / 0.8), 1e-14);

  // The exact marginals are the slot sums of the enumerated slate probabilities.
  std::vector<std::vector<double>> enumerated(3, std::vector<double>(6, 0.0));
  for (const auto& slate : all_slates(6, 3)) {
    const double p = sampler.prefix_probabilities(slate.data(), 3, nullptr);
    for (int k = 0; k < 3; ++k) enumerated[k][slate[k]] += p;
  }
  // Six slates put every item in slots 1 and 2 once: 12 estimates, each the mean of 4000
  // terms, checked at 4.5 standard errors of that mean (6.8e-6 each, 8e-5 in all).
  const int samples = 4000;
  RandomStream rng(41);
  for (std::int32_t first = 0; first < 6; ++first) {
    const std::int32_t slate[3] = {first, (first + 1) % 6, (first + 3) % 6};
    double marginal[3];
    sampler.marginals(slate, 3, samples, rng, marginal);
    for (int k = 0; k < 3; ++k) {
      const ExactTerm exact = exact_marginal_term(w, slate, k);
      EXPECT_NEAR(exact.mean, enumerated[k][slate[k]], 1e-14) << "test's own algebra";
      EXPECT_NEAR(marginal[k], exact.mean, kSigmas * std::sqrt(exact.variance / samples) + 1e-14)
          << "item " << slate[k] << " slot " << k;
    }
  }
}

TEST(PlackettLuceSampler, PrefixProbabilitiesAreThePlackettLuceProduct) {
  const std::vector<double> logits{0.0, 1.0, -0.5, 2.0, 0.25};
  PlackettLuceSampler sampler;
  sampler.set_logits(logits.data(), 5, 1.0);
  std::vector<double> w(5);
  for (int i = 0; i < 5; ++i) w[i] = std::exp(logits[i]);
  const std::int32_t slate[4] = {3, 0, 4, 1};
  double prefix[4];
  const double whole = sampler.prefix_probabilities(slate, 4, prefix);
  const auto expected = plackett_luce_prefix(w, slate, 4);
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(prefix[k], expected[k], 1e-15) << k;
  EXPECT_EQ(whole, prefix[3]);
  // By hand: e^2 / S * 1 / (S - e^2) * e^0.25 / (S - e^2 - 1) * e / (S - e^2 - 1 - e^0.25).
  const double s = 1 + std::exp(1.0) + std::exp(-0.5) + std::exp(2.0) + std::exp(0.25);
  const double e2 = std::exp(2.0), q = std::exp(0.25);
  EXPECT_NEAR(whole, e2 / s / (s - e2) * q / (s - e2 - 1) * std::exp(1.0) / (s - e2 - 1 - q),
              1e-15);
}

TEST(PlackettLuceSampler, EstimatedMarginalsOfAShownSlateAreNeverZero) {
  // Item 0 outweighs the others a thousandfold, so nearly every sampled prefix holds it and a
  // plain average of sampled terms would give item 0 in slot 1 (behind item 1) a marginal of
  // 0. The estimate keeps the shown prefix's exact term: at least P(slots 0..k as shown).
  const std::vector<double> logits{std::log(1000.0), 0.0, 0.0, 0.0};
  PlackettLuceSampler sampler;
  sampler.set_logits(logits.data(), 4, 1.0);
  const std::int32_t slate[3] = {1, 0, 2};
  double prefix[3];
  sampler.prefix_probabilities(slate, 3, prefix);
  RandomStream rng(44);
  for (int samples : {1, 2, 16}) {
    for (int n = 0; n < 200; ++n) {
      double marginal[3];
      sampler.marginals(slate, 3, samples, rng, marginal);
      for (int k = 0; k < 3; ++k) {
        ASSERT_GE(marginal[k], prefix[k]) << samples << " samples, slot " << k;
        ASSERT_GT(marginal[k], 0.0);
        ASSERT_LE(marginal[k], 1.0);
      }
    }
  }
}

TEST(PlackettLuceSampler, NeverDrawsItemsOfWeightZeroWhileOthersAreLeft) {
  // exp(-1e4) underflows to zero.
  const std::vector<double> logits{0.0, -1e4, 0.5, -1e4, 0.2, -0.3};
  PlackettLuceSampler sampler;
  sampler.set_logits(logits.data(), 6, 1.0);
  RandomStream rng(42);
  std::int32_t slate[4];
  for (int n = 0; n < 20000; ++n) {
    sampler.sample(4, rng, slate);
    for (int k = 0; k < 4; ++k) {
      ASSERT_NE(slate[k], 1);
      ASSERT_NE(slate[k], 3);
      for (int j = 0; j < k; ++j) ASSERT_NE(slate[j], slate[k]);
    }
  }
  // More slots than items with weight: the slate is still of distinct items.
  for (int n = 0; n < 1000; ++n) {
    std::int32_t six[6];
    sampler.sample(6, rng, six);
    std::sort(six, six + 6);
    for (int k = 0; k < 6; ++k) ASSERT_EQ(six[k], k);
  }
}

TEST(PlackettLuceSampler, DrawsFollowThePlackettLuceProbabilities) {
  // Whole-slate frequencies of a 4-item, 2-slot sampler (12 slates) against their exact
  // probabilities, 5 standard errors each (5.7e-7 per slate).
  const std::vector<float> logits{0.0f, 1.0f, -0.7f, 0.4f};
  PlackettLuceSampler sampler;
  sampler.set_logits(logits.data(), 4, 1.0);
  const std::int64_t draws = 100000;
  std::vector<std::int64_t> count(16, 0);
  RandomStream rng(43);
  std::int32_t slate[2];
  for (std::int64_t n = 0; n < draws; ++n) {
    sampler.sample(2, rng, slate);
    ASSERT_NE(slate[0], slate[1]);
    ++count[slate[0] * 4 + slate[1]];
  }
  for (const auto& s : all_slates(4, 2)) {
    const double p = sampler.prefix_probabilities(s.data(), 2, nullptr);
    EXPECT_NEAR(static_cast<double>(count[s[0] * 4 + s[1]]) / draws, p,
                kManySigmas * binomial_std_error(p, draws))
        << s[0] << "," << s[1];
  }
}

TEST_F(PolicyTest, PlackettLucePropensitiesEstimateTheExactMarginals) {
  // What the logging policies record for slots > 0: estimates from `marginal_samples`
  // prefixes, within 5 standard errors of the estimator (computed exactly by enumeration) of
  // the exact marginal: 5.7e-7 per check, 9e-5 for the 160 checks.
  env_.reset(11, 40);
  const int samples = policy_config("popularity").marginal_samples;
  for (const std::string kind : {"popularity", "plackett_luce"}) {
    const auto policy = make(kind);
    const SlateDecision d = act(*policy);
    for (std::size_t i = 0; i < 40; ++i) {
      // The user's PL weights, recovered from the policy's own slot-0 marginals over all
      // slates (P(item first) is proportional to its weight).
      const auto exact = exact_marginals(*policy, i);
      const std::vector<double> w = exact[0];
      for (int k = 1; k < kPolicyTestSlots; ++k) {
        const std::int32_t item = d.items[i * kPolicyTestSlots + k];
        const ExactTerm term = exact_marginal_term(w, &d.items[i * kPolicyTestSlots], k);
        EXPECT_NEAR(term.mean, exact[k][item], 1e-12) << "test's own algebra";
        EXPECT_NEAR(d.propensity[i * kPolicyTestSlots + k], term.mean,
                    kManySigmas * std::sqrt(term.variance / samples) + 1e-12)
            << kind << " user " << i << " slot " << k;
      }
    }
  }
}

// --- make_policy ---------------------------------------------------------------------------

TEST_F(PolicyTest, MakePolicyRejectsUnknownKinds) {
  env_.reset(12, 2);
  PolicyConfig config;
  config.kind = "bandit";
  try {
    make_policy(config, env_, 1, "logging_policy");
    ADD_FAILURE() << "an unknown kind was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("logging_policy.kind"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("'bandit'"), std::string::npos);
  }
  for (const std::string& kind : all_kinds()) EXPECT_NO_THROW(make(kind)) << kind;
}

}  // namespace
}  // namespace shoprl
