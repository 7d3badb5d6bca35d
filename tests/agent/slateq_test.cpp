// Tests SlateQ's choice model and slate value (src/agent/slateq.cpp) in closed form.
#include "agent/slateq.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace shoprl {
namespace {

// Utilities u = (0, ln 2, ln 3, ln 4), slate (2, 0), offsets (0, -ln 2), no-click utility 0:
// choice weights exp(ln 3 + 0) = 3, exp(0 - ln 2) = 1/2, exp(0) = 1, total 4.5.
struct Example {
  torch::Tensor utilities =
      torch::tensor({0.0, std::log(2.0), std::log(3.0), std::log(4.0)}, torch::kFloat64)
          .view({1, 4});
  torch::Tensor slate = torch::tensor({2, 0}, torch::kInt64).view({1, 2});
  ChoiceModelParameters choice{0.0, {0.0, -std::log(2.0)}};
};

TEST(SlateQ, ChoiceProbabilitiesAreTheMultinomialLogit) {
  const Example e;
  const torch::Tensor p = torch::softmax(slate_choice_logits(e.utilities, e.slate, e.choice), 1);
  EXPECT_NEAR(p[0][0].item<double>(), 3 / 4.5, 1e-12);
  EXPECT_NEAR(p[0][1].item<double>(), 0.5 / 4.5, 1e-12);
  EXPECT_NEAR(p[0][2].item<double>(), 1 / 4.5, 1e-12);
  const torch::Tensor clicked = torch::tensor({1, -1}, torch::kInt64);
  const torch::Tensor two_users = e.utilities.repeat({2, 1});
  const torch::Tensor ll =
      choice_log_likelihood(two_users, e.slate.repeat({2, 1}), clicked, e.choice);
  EXPECT_NEAR(ll[0].item<double>(), std::log(0.5 / 4.5), 1e-12);
  EXPECT_NEAR(ll[1].item<double>(), std::log(1 / 4.5), 1e-12);
}

TEST(SlateQ, SlateValueIsTheChoiceWeightedItemValue) {
  // Qbar = (10, 20, 30, 40), Qbar(no click) = 6: Q = (3 * 30 + 0.5 * 10 + 1 * 6) / 4.5.
  const Example e;
  const torch::Tensor item_values =
      torch::tensor({10.0, 20.0, 30.0, 40.0}, torch::kFloat64).view({1, 4});
  const torch::Tensor no_click = torch::tensor({6.0}, torch::kFloat64);
  const torch::Tensor q = slateq_slate_value(item_values, no_click, e.utilities, e.slate, e.choice);
  EXPECT_NEAR(q.item<double>(), (90 + 5 + 6) / 4.5, 1e-12);
}

TEST(SlateQ, TopKRanksByChoiceWeightTimesValue) {
  // exp(u) Qbar = (1 * 9, 2 * 4, 3 * 1, 4 * 1) = (9, 8, 3, 4): slate (0, 1), then 3 for k = 3;
  // the top k of Qbar alone would be (0, 1, 2) and of u alone (3, 2, 1).
  const Example e;
  const torch::Tensor item_values =
      torch::tensor({9.0, 4.0, 1.0, 1.0}, torch::kFloat64).view({1, 4});
  const torch::Tensor slate = slateq_top_k(e.utilities, item_values, 3);
  EXPECT_EQ(slate[0][0].item<std::int64_t>(), 0);
  EXPECT_EQ(slate[0][1].item<std::int64_t>(), 1);
  EXPECT_EQ(slate[0][2].item<std::int64_t>(), 3);
  // Scores are exp(u) Qbar up to a positive factor per row.
  const torch::Tensor scores = slateq_scores(e.utilities, item_values);
  EXPECT_NEAR((scores[0][1] / scores[0][0]).item<double>(), 8.0 / 9.0, 1e-12);
}

TEST(SlateQ, ChoiceParametersOfASyntheticWorld) {
  ChoiceConfig config;
  config.no_click_utility = 2.5;
  config.position_bias = 0.7;
  const ChoiceModelParameters p = mnl_choice_parameters(config, 3);
  EXPECT_EQ(p.no_click_utility, 2.5);
  ASSERT_EQ(p.slot_offsets.size(), 3U);
  EXPECT_EQ(p.slot_offsets[0], 0.0);
  EXPECT_NEAR(p.slot_offsets[2], -0.7 * std::log(3.0), 1e-15);
}

TEST(SlateQ, RefusesAChoiceModelOfAnotherSlateSize) {
  const Example e;
  const ChoiceModelParameters three{0.0, {0.0, 0.0, 0.0}};
  EXPECT_THROW(slate_choice_logits(e.utilities, e.slate, three), ConfigError);
}

}  // namespace
}  // namespace shoprl
