// The policy network (src/policy/policy_network.cpp) and slate sampling
// (src/policy/slate_sampling.cpp): windowing of long histories, the dueling head's centring,
// scores of a subset equal to the full head's, target-network updates, and the slate rules'
// shapes, distinctness and log-probabilities in closed form.
#include "policy/policy_network.h"

#include <gtest/gtest.h>

#include <cmath>

#include "policy/slate_sampling.h"

namespace shoprl {
namespace {

PolicyNetworkConfig small_config(const std::string& encoder = "gru") {
  PolicyNetworkConfig config;
  config.encoder = encoder;
  config.embedding_dim = 8;
  config.hidden_dim = 8;
  config.history_length = 4;
  return config;
}

TEST(PolicyNetwork, ReadsOnlyTheLastHistoryLengthEvents) {
  torch::manual_seed(1);
  PolicyNetwork network(small_config(), 20, PolicyHeads{});
  // Row 0: 6 events (only the last 4 count); row 1: the same last 4 events alone.
  const torch::Tensor items = torch::tensor({{9, 8, 1, 2, 3, 4}, {1, 2, 3, 4, -1, -1}});
  const torch::Tensor types = torch::tensor({{0, 0, 0, 2, 0, 0}, {0, 2, 0, 0, -1, -1}});
  const torch::Tensor lengths = torch::tensor({6, 4});
  const torch::Tensor state = network->encode({items, types, lengths});
  EXPECT_TRUE(torch::allclose(state[0], state[1], 1e-6, 1e-6));
}

TEST(PolicyNetwork, DuelingHeadIsValuePlusCentredAdvantage) {
  torch::manual_seed(2);
  PolicyNetworkConfig config = small_config();
  config.dueling = true;
  PolicyNetwork network(config, 10, PolicyHeads{});
  const torch::Tensor state = torch::randn({3, 8});
  const torch::Tensor q = network->item_scores(state);
  // Centred advantages: the mean Q over items is the state-value stream.
  auto params = network->named_parameters();
  const torch::Tensor value = torch::nn::functional::linear(state, params["state_value.weight"],
                                                            params["state_value.bias"]);
  EXPECT_TRUE(torch::allclose(q.mean(1, true), value, 1e-5, 1e-5));
}

TEST(PolicyNetwork, ScoresOfSomeItemsEqualTheFullHeadsColumns) {
  torch::manual_seed(3);
  PolicyNetwork network(small_config("mean"), 15, PolicyHeads{});
  const torch::Tensor state = torch::randn({2, 8});
  const torch::Tensor items = torch::tensor({{3, 0, 14}, {7, 7, 1}});
  EXPECT_TRUE(torch::allclose(network->item_scores_of(state, items),
                              network->item_scores(state).gather(1, items), 1e-5, 1e-5));
}

TEST(PolicyNetwork, TargetUpdatesCopyOrAverage) {
  torch::manual_seed(4);
  PolicyNetwork online(small_config(), 6, PolicyHeads{true, true});
  PolicyNetwork target(small_config(), 6, PolicyHeads{true, true});
  const torch::Tensor before = target->named_parameters()["item_head.weight"].clone();
  const torch::Tensor source = online->named_parameters()["item_head.weight"].clone();
  soft_update(target, online, 0.25);
  EXPECT_TRUE(torch::allclose(target->named_parameters()["item_head.weight"],
                              0.75 * before + 0.25 * source));
  copy_parameters(target, online);
  for (const auto& p : online->named_parameters())
    EXPECT_TRUE(torch::equal(target->named_parameters()[p.key()], p.value())) << p.key();
}

TEST(SlateSampling, RulesGiveDistinctItemsAndTheirLogProbabilities) {
  torch::manual_seed(5);
  const torch::Tensor scores = torch::tensor({{3.0F, 1.0F, 2.0F, 0.0F}});
  const SampledSlates top = sample_slates(scores, 2, SlateRuleConfig{"top_k", 0.1, 1.0});
  EXPECT_TRUE(torch::equal(top.items, torch::tensor({{0, 2}})));
  EXPECT_FLOAT_EQ(top.log_prob.item<float>(), 0.0F);

  // Plackett-Luce: P(0 then 2) = p0 * p2 / (1 - p0) with p = softmax(scores).
  const torch::Tensor p = torch::softmax(scores, 1)[0];
  const double expected =
      std::log(p[0].item<double>() * p[2].item<double>() / (1.0 - p[0].item<double>()));
  EXPECT_NEAR(plackett_luce_log_prob(scores, torch::tensor({{0, 2}})).item<double>(), expected,
              1e-6);

  // Epsilon-greedy: the greedy slate has (1 - eps) + eps / (4 * 3); any other eps / 12.
  const SlateRuleConfig greedy{"epsilon_greedy", 0.3, 1.0};
  const SampledSlates many = sample_slates(scores.expand({400, 4}), 2, greedy);
  for (std::int64_t r = 0; r < 400; ++r) {
    const bool is_greedy =
        many.items[r][0].item<std::int64_t>() == 0 && many.items[r][1].item<std::int64_t>() == 2;
    const double probability = is_greedy ? 0.7 + 0.3 / 12 : 0.3 / 12;
    ASSERT_NEAR(many.log_prob[r].item<double>(), std::log(probability), 1e-5);
    ASSERT_NE(many.items[r][0].item<std::int64_t>(), many.items[r][1].item<std::int64_t>());
  }
  const SampledSlates sampled =
      sample_slates(scores.expand({400, 4}), 3, SlateRuleConfig{"boltzmann", 0.1, 1.0});
  EXPECT_TRUE(torch::allclose(sampled.log_prob,
                              plackett_luce_log_prob(scores.expand({400, 4}), sampled.items)));
}

TEST(SlateSampling, KeyedNoiseGivesARowTheSameSlateWhateverItsBatch) {
  // A data-parallel job splits a rollout's rows over ranks; keyed by row, a row's sampled slate
  // must not depend on the rows beside it.
  torch::manual_seed(5);
  const torch::Tensor scores = torch::randn({6, 30});
  for (const std::string rule : {"boltzmann", "epsilon_greedy"}) {
    const SlateRuleConfig config{rule, 0.5, 1.0};
    SlateNoise all{17, torch::arange(6, torch::kInt64)};
    SlateNoise tail{17, torch::arange(3, 6, torch::kInt64)};
    torch::manual_seed(1);
    const SampledSlates whole = sample_slates(scores, 4, config, all);
    torch::manual_seed(2);  // the global generator plays no part
    const SampledSlates part = sample_slates(scores.slice(0, 3, 6), 4, config, tail);
    EXPECT_TRUE(torch::equal(whole.items.slice(0, 3, 6), part.items)) << rule;
    EXPECT_TRUE(torch::allclose(whole.log_prob.slice(0, 3, 6), part.log_prob)) << rule;
    SlateNoise other_seed{18, torch::arange(6, torch::kInt64)};
    EXPECT_FALSE(torch::equal(sample_slates(scores, 4, config, other_seed).items, whole.items))
        << rule;
  }
}

}  // namespace
}  // namespace shoprl
