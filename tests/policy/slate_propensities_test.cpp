// Tests the propensities of score-based slate rules (src/policy/slate_propensities.cpp):
// top_k and epsilon_greedy against their closed forms written out here; boltzmann prefixes and
// slot 0 against hand computations; boltzmann marginals, slot distributions and slot
// expectations against exact values from enumerating every prefix of a tiny catalogue, within
// standard-error tolerances; sampled slates against the probabilities; and bad inputs.
#include "policy/slate_propensities.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <map>
#include <vector>

#include "core/error.h"
#include "env/statistics.h"
#include "policy/slate_sampling.h"

namespace shoprl {
namespace {

using testing::binomial_std_error;
using testing::kManySigmas;
using testing::kSigmas;

SlateRuleConfig propensity_rule_of(const std::string& name, double epsilon = 0.1,
                                   double temperature = 1.0) {
  SlateRuleConfig rule;
  rule.rule = name;
  rule.epsilon = epsilon;
  rule.temperature = temperature;
  return rule;
}

torch::Tensor row(const std::vector<float>& scores) {
  return torch::tensor(scores, torch::kFloat32).view({1, -1});
}

torch::Tensor slate_row(const std::vector<std::int64_t>& items) {
  return torch::tensor(items, torch::kInt64).view({1, -1});
}

// Exact Plackett-Luce marginals P(i at slot k) for weights w, by enumerating every ordered
// prefix: [slots][items].
std::vector<std::vector<double>> exact_marginals(const std::vector<double>& w, int slots) {
  const int n = static_cast<int>(w.size());
  std::vector<std::vector<double>> out(slots, std::vector<double>(n, 0.0));
  std::vector<int> prefix;
  std::function<void(double, double)> extend = [&](double probability, double removed) {
    const int k = static_cast<int>(prefix.size());
    if (k == slots) return;
    for (int i = 0; i < n; ++i) {
      if (std::find(prefix.begin(), prefix.end(), i) != prefix.end()) continue;
      double total = 0;
      for (double x : w) total += x;
      const double p = probability * w[i] / (total - removed);
      out[k][i] += p;
      prefix.push_back(i);
      extend(p, removed + w[i]);
      prefix.pop_back();
    }
  };
  extend(1.0, 0.0);
  return out;
}

TEST(SlatePropensities, TopKIsDeterministic) {
  const torch::Tensor scores = row({0.1f, 0.5f, 0.3f, 0.9f});
  const SlatePropensities greedy =
      slate_propensities(scores, slate_row({3, 1}), propensity_rule_of("top_k"), 8, 1);
  EXPECT_EQ(greedy.marginal[0][0].item<double>(), 1.0);
  EXPECT_EQ(greedy.marginal[0][1].item<double>(), 1.0);
  EXPECT_EQ(greedy.prefix[0][1].item<double>(), 1.0);
  EXPECT_EQ(greedy.slate[0].item<double>(), 1.0);
  const SlatePropensities other =
      slate_propensities(scores, slate_row({3, 2}), propensity_rule_of("top_k"), 8, 1);
  EXPECT_EQ(other.marginal[0][0].item<double>(), 1.0);
  EXPECT_EQ(other.marginal[0][1].item<double>(), 0.0);
  EXPECT_EQ(other.prefix[0][0].item<double>(), 1.0);
  EXPECT_EQ(other.prefix[0][1].item<double>(), 0.0);
  EXPECT_EQ(other.slate[0].item<double>(), 0.0);
  const torch::Tensor pi = slot_action_distribution(scores, 2, propensity_rule_of("top_k"), 8, 1);
  const torch::Tensor expected =
      torch::tensor({0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0}, torch::kFloat64).view({1, 2, 4});
  EXPECT_TRUE(torch::equal(pi, expected));
}

TEST(SlatePropensities, TopKBreaksTiesTowardsTheLowerIndex) {
  const torch::Tensor scores = row({0.5f, 0.9f, 0.5f, 0.9f});
  const SlatePropensities p =
      slate_propensities(scores, slate_row({1, 3, 0}), propensity_rule_of("top_k"), 8, 1);
  EXPECT_EQ(p.slate[0].item<double>(), 1.0);
}

TEST(SlatePropensities, EpsilonGreedyClosedForm) {
  // I = 4, eps = 0.2, greedy slate (3, 1).
  const torch::Tensor scores = row({0.1f, 0.5f, 0.3f, 0.9f});
  const SlateRuleConfig rule = propensity_rule_of("epsilon_greedy", 0.2);
  const SlatePropensities greedy = slate_propensities(scores, slate_row({3, 1}), rule, 8, 1);
  EXPECT_DOUBLE_EQ(greedy.marginal[0][0].item<double>(), 0.8 + 0.2 / 4);
  EXPECT_DOUBLE_EQ(greedy.marginal[0][1].item<double>(), 0.8 + 0.2 / 4);
  EXPECT_DOUBLE_EQ(greedy.prefix[0][0].item<double>(), 0.8 + 0.2 / 4);
  EXPECT_DOUBLE_EQ(greedy.prefix[0][1].item<double>(), 0.8 + 0.2 / 12);
  EXPECT_DOUBLE_EQ(greedy.slate[0].item<double>(), 0.8 + 0.2 / 12);
  const SlatePropensities swapped = slate_propensities(scores, slate_row({1, 3}), rule, 8, 1);
  EXPECT_DOUBLE_EQ(swapped.marginal[0][0].item<double>(), 0.2 / 4);
  EXPECT_DOUBLE_EQ(swapped.marginal[0][1].item<double>(), 0.2 / 4);
  EXPECT_DOUBLE_EQ(swapped.prefix[0][1].item<double>(), 0.2 / 12);
  const SlatePropensities half = slate_propensities(scores, slate_row({3, 0}), rule, 8, 1);
  EXPECT_DOUBLE_EQ(half.prefix[0][0].item<double>(), 0.8 + 0.2 / 4);
  EXPECT_DOUBLE_EQ(half.prefix[0][1].item<double>(), 0.2 / 12);
  const torch::Tensor pi = slot_action_distribution(scores, 2, rule, 8, 1);
  EXPECT_DOUBLE_EQ(pi[0][0][3].item<double>(), 0.85);
  EXPECT_DOUBLE_EQ(pi[0][0][1].item<double>(), 0.05);
  EXPECT_DOUBLE_EQ(pi[0][1][1].item<double>(), 0.85);
  EXPECT_DOUBLE_EQ(pi[0][1][3].item<double>(), 0.05);
}

TEST(SlatePropensities, BoltzmannPrefixesAndFirstSlotAreExact) {
  // Weights exp(score / T) = 1, 2, 3, 4 with T = 0.5: scores 0.5 log w. W = 10.
  const SlateRuleConfig rule = propensity_rule_of("boltzmann", 0.1, 0.5);
  const torch::Tensor scores =
      row({0.0f, static_cast<float>(0.5 * std::log(2.0)), static_cast<float>(0.5 * std::log(3.0)),
           static_cast<float>(0.5 * std::log(4.0))});
  const SlatePropensities p = slate_propensities(scores, slate_row({3, 2, 0}), rule, 16, 1);
  EXPECT_NEAR(p.marginal[0][0].item<double>(), 0.4, 1e-6);
  EXPECT_NEAR(p.prefix[0][0].item<double>(), 0.4, 1e-6);
  EXPECT_NEAR(p.prefix[0][1].item<double>(), 0.4 * 3.0 / 6.0, 1e-6);
  EXPECT_NEAR(p.prefix[0][2].item<double>(), 0.4 * 3.0 / 6.0 * 1.0 / 3.0, 1e-6);
  EXPECT_NEAR(p.slate[0].item<double>(), 0.4 * 3.0 / 6.0 * 1.0 / 3.0, 1e-6);
  // Later marginals are never below the shown prefix's own probability.
  EXPECT_GE(p.marginal[0][1].item<double>(), p.prefix[0][1].item<double>() - 1e-12);
  EXPECT_GE(p.marginal[0][2].item<double>(), p.prefix[0][2].item<double>() - 1e-12);
  // The same as the differentiable log-probability the agents train with.
  const torch::Tensor log_prob = plackett_luce_log_prob(scores / 0.5, slate_row({3, 2, 0}));
  EXPECT_NEAR(std::exp(log_prob[0].item<double>()), p.slate[0].item<double>(), 1e-6);
}

// A 5-item catalogue with weights 1..5 (T = 1): every sampled quantity against enumeration.
class BoltzmannMarginals : public ::testing::Test {
 protected:
  static constexpr int kSlots = 3;
  static constexpr int kSamples = 4000;
  BoltzmannMarginals() : weights_{1, 2, 3, 4, 5}, rule_(propensity_rule_of("boltzmann")) {
    for (double w : weights_) scores_.push_back(static_cast<float>(std::log(w)));
    exact_ = exact_marginals(weights_, kSlots);
  }
  // Each Rao-Blackwellised term lies in [0, 1], so its standard deviation is at most 1/2
  // (Popoviciu) and the mean of kSamples terms has standard error at most 0.5 / sqrt(kSamples);
  // kManySigmas of it: at most ~6e-7 false failures per comparison.
  // "Exact" here means up to the scores passing through float: log w rounded to ~6e-8
  // relative error moves a weight, and so a probability, by at most ~1e-7 relative.
  static constexpr double kFloatExact = 1e-7;
  static double tolerance() { return kManySigmas * 0.5 / std::sqrt(static_cast<double>(kSamples)); }

  std::vector<double> weights_;
  std::vector<float> scores_;
  SlateRuleConfig rule_;
  std::vector<std::vector<double>> exact_;
};

TEST_F(BoltzmannMarginals, MarginalsOfShownSlatesMatchEnumeration) {
  ScoredSlateRule rule(rule_, kSlots, kSamples);
  rule.set_scores(scores_.data(), 5);
  const std::vector<std::vector<std::int32_t>> slates{{4, 3, 2}, {0, 1, 2}, {2, 4, 0}};
  for (std::size_t s = 0; s < slates.size(); ++s) {
    RandomStream rng(100 + s);
    double marginal[kSlots];
    rule.marginals(slates[s].data(), kSlots, rng, marginal);
    EXPECT_NEAR(marginal[0], exact_[0][slates[s][0]], kFloatExact);
    for (int k = 1; k < kSlots; ++k)
      EXPECT_NEAR(marginal[k], exact_[k][slates[s][k]], tolerance())
          << "slate " << s << " slot " << k;
  }
}

TEST_F(BoltzmannMarginals, ItemSlotMarginalsAndDistributionsMatchEnumeration) {
  ScoredSlateRule rule(rule_, kSlots, kSamples);
  rule.set_scores(scores_.data(), 5);
  const std::vector<std::int32_t> items{0, 1, 2, 3, 4};
  std::vector<double> by_item(5 * kSlots);
  RandomStream rng(7);
  rule.item_slot_marginals(items.data(), 5, rng, by_item.data());
  std::vector<double> distribution(kSlots * 5);
  rule.slot_distributions(rng, distribution.data());
  for (int k = 0; k < kSlots; ++k) {
    double sum = 0;
    for (int i = 0; i < 5; ++i) {
      EXPECT_NEAR(by_item[i * kSlots + k], exact_[k][i], k == 0 ? kFloatExact : tolerance());
      EXPECT_NEAR(distribution[k * 5 + i], exact_[k][i], k == 0 ? kFloatExact : tolerance());
      sum += distribution[k * 5 + i];
    }
    EXPECT_NEAR(sum, 1.0, 1e-9) << "slot " << k;  // each sampled term is itself a distribution
  }
}

TEST_F(BoltzmannMarginals, SlotExpectationIsTheMeanUnderTheSlotDistribution) {
  ScoredSlateRule rule(rule_, kSlots, kSamples);
  rule.set_scores(scores_.data(), 5);
  const std::vector<double> values{0.3, -1.0, 2.0, 0.5, 0.1};
  for (int k = 0; k < kSlots; ++k) {
    double exact = 0;
    for (int i = 0; i < 5; ++i) exact += exact_[k][i] * values[i];
    RandomStream rng(11 + k);
    // Terms are means of values under a distribution: within [-1, 2], standard deviation at
    // most 1.5.
    const double tol =
        k == 0 ? kFloatExact : kManySigmas * 1.5 / std::sqrt(static_cast<double>(kSamples));
    EXPECT_NEAR(rule.slot_expectation(values.data(), k, rng), exact, tol) << "slot " << k;
  }
}

TEST_F(BoltzmannMarginals, SampledSlatesFollowTheMarginals) {
  ScoredSlateRule rule(rule_, kSlots, 16);
  rule.set_scores(scores_.data(), 5);
  constexpr int kDraws = 20000;
  std::vector<std::vector<int>> counts(kSlots, std::vector<int>(5, 0));
  RandomStream rng(5);
  std::int32_t slate[kSlots];
  for (int d = 0; d < kDraws; ++d) {
    rule.sample(rng, slate);
    for (int k = 0; k < kSlots; ++k) ++counts[k][slate[k]];
  }
  for (int k = 0; k < kSlots; ++k)
    for (int i = 0; i < 5; ++i) {
      const double p = exact_[k][i];
      EXPECT_NEAR(counts[k][i] / static_cast<double>(kDraws), p,
                  kManySigmas * binomial_std_error(p, kDraws))
          << "slot " << k << " item " << i;
    }
}

TEST(SlatePropensities, EpsilonGreedySamplesFollowTheClosedForm) {
  const std::vector<float> scores{0.1f, 0.5f, 0.3f, 0.9f, 0.2f};
  ScoredSlateRule rule(propensity_rule_of("epsilon_greedy", 0.3), 2, 8);
  rule.set_scores(scores.data(), 5);
  constexpr int kDraws = 20000;
  int greedy = 0, item_at_slot1 = 0;
  RandomStream rng(3);
  std::int32_t slate[2];
  for (int d = 0; d < kDraws; ++d) {
    rule.sample(rng, slate);
    greedy += slate[0] == 3 && slate[1] == 1;
    item_at_slot1 += slate[1] == 4;
  }
  const double p_greedy = 0.7 + 0.3 / 20, p_item = 0.3 / 5;
  EXPECT_NEAR(greedy / static_cast<double>(kDraws), p_greedy,
              kSigmas * binomial_std_error(p_greedy, kDraws));
  EXPECT_NEAR(item_at_slot1 / static_cast<double>(kDraws), p_item,
              kSigmas * binomial_std_error(p_item, kDraws));
}

TEST(SlatePropensities, RowsUseTheirOwnStreams) {
  // Row b's marginals depend on (seed, b) only: a batch equals its rows evaluated alone.
  const torch::Tensor scores = torch::randn({4, 9}, torch::TensorOptions().dtype(torch::kFloat32));
  const torch::Tensor slates = torch::tensor({0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 0, 1}).view({4, 3});
  const SlateRuleConfig rule = propensity_rule_of("boltzmann", 0.1, 0.7);
  const SlatePropensities all = slate_propensities(scores, slates, rule, 8, 99);
  const SlatePropensities first =
      slate_propensities(scores.narrow(0, 0, 1), slates.narrow(0, 0, 1), rule, 8, 99);
  EXPECT_TRUE(torch::equal(all.marginal[0], first.marginal[0]));
}

TEST(SlatePropensities, RefusesBadInput) {
  const torch::Tensor scores = row({0.1f, 0.5f, 0.3f});
  EXPECT_THROW(slate_propensities(scores, slate_row({0, 0}), propensity_rule_of("boltzmann"), 8, 1),
               DataError);
  EXPECT_THROW(slate_propensities(scores, slate_row({0, 3}), propensity_rule_of("top_k"), 8, 1),
               DataError);
  EXPECT_THROW(
      slate_propensities(scores, slate_row({0, 1, 2, 0}), propensity_rule_of("top_k"), 8, 1),
      ConfigError);
  EXPECT_THROW(slate_propensities(scores, slate_row({0, 1}), propensity_rule_of("softmax"), 8, 1),
               ConfigError);
  EXPECT_THROW(slate_propensities(scores, slate_row({0, 1}), propensity_rule_of("boltzmann"), 0, 1),
               ConfigError);
  EXPECT_THROW(
      slate_propensities(scores.view({-1}), slate_row({0, 1}), propensity_rule_of("top_k"), 8, 1),
      Error);
  EXPECT_THROW(slate_propensities(scores, torch::tensor({0, 1, 2, 0}).view({2, 2}),
                                  propensity_rule_of("top_k"), 8, 1),
               Error);
  EXPECT_THROW(slot_action_distribution(scores, 4, propensity_rule_of("top_k"), 8, 1), ConfigError);
}

}  // namespace
}  // namespace shoprl
