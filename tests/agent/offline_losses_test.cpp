// Tests the losses of the agents trained from logs (src/agent/offline_losses.cpp) against
// references computed one transition at a time, from the network's encode() of each prefix:
// the double-Q TD target of SQN, SNQN's negatives and their targets, SA2C's advantage and its
// weighting, and that the cross-entropy part alone is the supervised loss.
#include "agent/offline_losses.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "agent/logged_session_batches.h"
#include "agent/offline_fixtures.h"
#include "testing/event_codes.h"

namespace shoprl {
namespace {

using testing::hand_built_store;
using testing::LoggedEvent;
using testing::tiny_policy_config;

constexpr std::int64_t kLossItems = 6;
constexpr double kGamma = 0.5;
using testing::kCart;
using testing::kClick;
using testing::kPurchase;

// Two sessions: 3 events (click, cart, purchase) and 2 events (click, click).
const std::vector<std::vector<LoggedEvent>> kSessions = {{{1, kClick}, {4, kCart}, {4, kPurchase}},
                                                         {{2, kClick}, {5, kClick}}};
// The transitions in (row, t) order, with the rewards SQN gives them (cart: a click's) and
// whether they end their session.
const std::vector<float> kRewards = {0.2f, 0.2f, 1.0f, 0.2f, 0.2f};
const std::vector<bool> kTerminal = {false, false, true, false, true};

struct Fixture {
  SessionStore store = hand_built_store(kLossItems, kSessions);
  LoggedSessionBatches data{store, 10, EventRewards{}, "hand-built"};
  LoggedTransitions batch = data.batch({0, 1});
  PolicyNetwork main{nullptr}, target{nullptr};

  Fixture() {
    torch::manual_seed(7);
    PolicyHeads heads;
    heads.second_item_head = true;
    main = PolicyNetwork(tiny_policy_config(), kLossItems, heads);
    target = PolicyNetwork(tiny_policy_config(), kLossItems, heads);
  }

  // The state after the first `length` events of session `row`, by the network's own encode().
  torch::Tensor state(PolicyNetwork& net, std::size_t row, std::size_t length) const {
    std::vector<std::int64_t> items, types;
    for (std::size_t t = 0; t < length; ++t) {
      items.push_back(kSessions[row][t].first);
      types.push_back(static_cast<std::int64_t>(kSessions[row][t].second));
    }
    if (items.empty()) {
      items.push_back(-1);
      types.push_back(-1);
    }
    const auto n = static_cast<std::int64_t>(items.size());
    SessionBatch one{torch::tensor(items).view({1, n}), torch::tensor(types).view({1, n}),
                     torch::tensor(std::vector<std::int64_t>{static_cast<std::int64_t>(length)})};
    return net->encode(one);  // [1, H]
  }
};

OfflineLossOptions options_for(const std::string& kind) {
  OfflineLossOptions options;
  options.kind = kind;
  options.gamma = kGamma;
  options.negatives = 3;
  return options;
}

TEST(OfflineLosses, BatchCarriesTheRewardsAndTerminalFlagsOfTheLoggedEvents) {
  Fixture f;
  const torch::Tensor rewards = f.batch.rewards.index({f.batch.valid});
  const torch::Tensor terminal = f.batch.terminal.index({f.batch.valid});
  ASSERT_EQ(rewards.numel(), 5);
  for (int n = 0; n < 5; ++n) {
    EXPECT_EQ(rewards[n].item<float>(), kRewards[n]) << n;
    EXPECT_EQ(terminal[n].item<bool>(), kTerminal[n]) << n;
  }
  EXPECT_EQ(f.batch.transitions(), 5);
}

TEST(OfflineLosses, SqnTargetIsRewardPlusDiscountedTargetCopyAtTheUpdatedCopysArgmax) {
  Fixture f;
  const OfflineLosses losses = offline_losses(f.main, &f.target, f.batch, options_for("sqn"));
  ASSERT_EQ(losses.target.numel(), 5);
  torch::NoGradGuard no_grad;
  int n = 0;
  for (std::size_t row = 0; row < kSessions.size(); ++row) {
    for (std::size_t t = 0; t < kSessions[row].size(); ++t, ++n) {
      // y = r + gamma * Q_target(s_{t+1}, argmax_a Q_main(s_{t+1}, a)); y = r at the end.
      double expected = kRewards[n];
      if (!kTerminal[n]) {
        const std::int64_t best =
            f.main->item_scores(f.state(f.main, row, t + 1)).argmax().item<std::int64_t>();
        expected +=
            kGamma * f.target->item_scores(f.state(f.target, row, t + 1))[0][best].item<double>();
      } else {
        EXPECT_EQ(losses.target[n].item<float>(), kRewards[n]) << "terminal transition " << n;
      }
      EXPECT_NEAR(losses.target[n].item<double>(), expected, 1e-5) << "transition " << n;
      const std::int64_t action = kSessions[row][t].first;
      EXPECT_NEAR(losses.q_taken[n].item<double>(),
                  f.main->item_scores(f.state(f.main, row, t))[0][action].item<double>(), 1e-5)
          << "Q(s_t, a_t) of transition " << n;
    }
  }
  const double q_loss = (losses.target - losses.q_taken).pow(2).mean().item<double>();
  EXPECT_NEAR(losses.q_loss.item<double>(), q_loss, 1e-6);
  EXPECT_NEAR(losses.total.item<double>(), losses.cross_entropy.item<double>() + q_loss, 1e-5);
}

TEST(OfflineLosses, NegativesAreUniformOverTheOtherItemsAndNeverThePositive) {
  torch::manual_seed(3);
  constexpr std::int64_t kDraws = 20000;
  const torch::Tensor positives = torch::randint(4, {kDraws}, torch::kInt64);
  const torch::Tensor negatives = sample_negative_items(positives, 4, 3);
  ASSERT_EQ(negatives.sizes(), (std::vector<std::int64_t>{kDraws, 3}));
  EXPECT_EQ((negatives == positives.view({-1, 1})).sum().item<std::int64_t>(), 0);
  EXPECT_GE(negatives.min().item<std::int64_t>(), 0);
  EXPECT_LT(negatives.max().item<std::int64_t>(), 4);
  // Each of the 3 other items has probability 1/3 given the positive: over 60,000 draws the
  // frequency of item 0 among rows whose positive is not 0 has standard error
  // sqrt(p(1-p)/n) ~ 0.0022 (n ~ 45,000); 5 standard errors: false failure < 1e-6.
  const torch::Tensor rows = positives != 0;
  const double n = rows.sum().item<double>() * 3;
  const double freq = (negatives.index({rows}) == 0).sum().item<double>() / n;
  EXPECT_NEAR(freq, 1.0 / 3.0, 5 * std::sqrt((1.0 / 3) * (2.0 / 3) / n));
  // Two items: the negative is always the other one.
  const torch::Tensor two = sample_negative_items(torch::tensor({0, 1, 1, 0}), 2, 5);
  EXPECT_TRUE(torch::equal(two, torch::tensor({1, 0, 0, 1}).view({-1, 1}).expand({4, 5})));
}

TEST(OfflineLosses, AdvantageIsQMinusTheMeanOverLoggedAndSampledActions) {
  const torch::Tensor q_taken = torch::tensor({1.0f, 2.0f});
  const torch::Tensor q_negatives = torch::tensor({{0.0f, -1.0f}, {2.0f, 5.0f}});
  const torch::Tensor advantage = sampled_advantage(q_taken, q_negatives);
  EXPECT_FLOAT_EQ(advantage[0].item<float>(), 1.0f - 0.0f);  // mean(1, 0, -1) = 0
  EXPECT_FLOAT_EQ(advantage[1].item<float>(), 2.0f - 3.0f);  // mean(2, 2, 5) = 3
}

TEST(OfflineLosses, Sa2cNegativeTargetsBootstrapFromTheSameStateAndWeightTheActor) {
  Fixture f;
  OfflineLossOptions options = options_for("sa2c");
  options.advantage_weighted = true;
  options.q_loss_weight = 0.0;
  options.actor_loss_weight = 1.0;
  torch::manual_seed(11);
  const OfflineLosses losses = offline_losses(f.main, &f.target, f.batch, options);
  ASSERT_EQ(losses.negatives.sizes(), (std::vector<std::int64_t>{5, 3}));
  torch::NoGradGuard no_grad;
  double weighted = 0;
  int n = 0;
  for (std::size_t row = 0; row < kSessions.size(); ++row) {
    for (std::size_t t = 0; t < kSessions[row].size(); ++t, ++n) {
      const torch::Tensor q = f.main->item_scores(f.state(f.main, row, t))[0];
      // SNQN: the negative's next state is s_t itself, and its reward is 0.
      const std::int64_t best = q.argmax().item<std::int64_t>();
      const double expected_negative_target =
          kGamma * f.target->item_scores(f.state(f.target, row, t))[0][best].item<double>();
      EXPECT_NEAR(losses.negative_target[n].item<double>(), expected_negative_target, 1e-5);
      const std::int64_t action = kSessions[row][t].first;
      double mean = q[action].item<double>();
      for (int m = 0; m < 3; ++m) {
        const std::int64_t negative = losses.negatives[n][m].item<std::int64_t>();
        EXPECT_NE(negative, action);
        EXPECT_NEAR(losses.q_negatives[n][m].item<double>(), q[negative].item<double>(), 1e-5);
        mean += q[negative].item<double>();
      }
      const double advantage = q[action].item<double>() - mean / 4;
      EXPECT_NEAR(losses.advantage[n].item<double>(), advantage, 1e-5);
      const torch::Tensor logits = f.main->second_item_scores(f.state(f.main, row, t))[0];
      const double cross_entropy = -torch::log_softmax(logits, 0)[action].item<double>();
      weighted += advantage * cross_entropy;
    }
  }
  // With the Q loss weighted 0 the total is the advantage-weighted cross-entropy alone.
  EXPECT_NEAR(losses.total.item<double>(), weighted / 5, 1e-5);
}

TEST(OfflineLosses, CrossEntropyAloneEqualsTheSupervisedLossAndGradients) {
  Fixture f;
  const auto gradients = [&f](const std::string& kind) {
    OfflineLossOptions options = options_for(kind);
    options.q_loss_weight = 0.0;
    f.main->zero_grad();
    const OfflineLosses losses = offline_losses(f.main, &f.target, f.batch, options);
    losses.total.backward();
    std::vector<torch::Tensor> out{losses.total.detach()};
    for (const auto& p : f.main->parameters())
      out.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
    return out;
  };
  const std::vector<torch::Tensor> supervised = gradients("supervised");
  const std::vector<torch::Tensor> sqn = gradients("sqn");
  ASSERT_EQ(supervised.size(), sqn.size());
  for (std::size_t i = 0; i < sqn.size(); ++i)
    EXPECT_TRUE(torch::equal(supervised[i], sqn[i])) << "tensor " << i << " (0: the loss)";
}

}  // namespace
}  // namespace shoprl
