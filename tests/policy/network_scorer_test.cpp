// Tests the NextItemScorer adapter over a scoring function (src/policy/network_scorer.cpp):
// it hands the function the ranking's prefixes as a SessionBatch and copies back its scores,
// so that ranking_metrics() of a network equals HR/NDCG computed directly from the network.
#include "policy/network_scorer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "agent/offline_fixtures.h"
#include "core/error.h"
#include "testing/event_codes.h"

namespace shoprl {
namespace {

using testing::hand_built_store;
using testing::LoggedEvent;

constexpr std::int64_t kScorerItems = 7;
using testing::kClick;
using testing::kPurchase;

PolicyNetwork random_network() {
  torch::manual_seed(5);
  return PolicyNetwork(testing::tiny_policy_config(), kScorerItems, PolicyHeads{});
}

// The network's scores for one prefix, computed alone.
torch::Tensor direct_scores(PolicyNetwork& net, const std::vector<LoggedEvent>& prefix) {
  std::vector<std::int64_t> items, types;
  for (const auto& [item, type] : prefix) {
    items.push_back(item);
    types.push_back(static_cast<std::int64_t>(type));
  }
  if (prefix.empty()) items = types = {-1};  // one padded column for the empty prefix
  const auto n = static_cast<std::int64_t>(items.size());
  torch::NoGradGuard no_grad;
  return net->item_scores(net->encode(
      {torch::tensor(items).view({1, n}), torch::tensor(types).view({1, n}),
       torch::tensor(std::vector<std::int64_t>{static_cast<std::int64_t>(prefix.size())})}))[0];
}

TEST(NetworkScorer, PassesPaddedPrefixesAndCopiesBackTheScores) {
  PolicyNetwork net = random_network();
  const auto scorer = make_network_scorer("net", kScorerItems, [&net](const SessionBatch& batch) {
    return net->item_scores(net->encode(batch));
  });
  EXPECT_EQ(scorer->name(), "net");
  EXPECT_EQ(scorer->num_items(), static_cast<std::size_t>(kScorerItems));
  const std::vector<std::int32_t> items = {3, 1, 6, 2, -1, -1};
  const std::vector<std::int8_t> types = {0, 0, 2, 0, -1, -1};
  const std::vector<std::int32_t> lengths = {3, 1};
  std::vector<float> scores(2 * kScorerItems);
  scorer->score(items.data(), types.data(), lengths.data(), 2, 3, scores.data());
  const torch::Tensor first = direct_scores(net, {{3, kClick}, {1, kClick}, {6, kPurchase}});
  const torch::Tensor second = direct_scores(net, {{2, kClick}});
  for (std::int64_t i = 0; i < kScorerItems; ++i) {
    EXPECT_NEAR(scores[i], first[i].item<float>(), 1e-5) << i;
    EXPECT_NEAR(scores[kScorerItems + i], second[i].item<float>(), 1e-5) << i;
  }
}

TEST(NetworkScorer, RankingMetricsEqualADirectComputation) {
  PolicyNetwork net = random_network();
  const std::vector<std::vector<LoggedEvent>> sessions = {
      {{0, kClick}, {2, kClick}, {2, kPurchase}, {5, kClick}},
      {{4, kClick}, {1, kClick}},
      {{6, kClick}, {3, kClick}, {0, kClick}, {0, kPurchase}}};
  const SessionStore store = hand_built_store(kScorerItems, sessions, Split::kTest);
  const auto scorer = make_network_scorer("net", kScorerItems, [&net](const SessionBatch& batch) {
    return net->item_scores(net->encode(batch));
  });
  RankingConfig config;
  config.cutoffs = {1, 3};
  config.batch_size = 2;  // several batches of padded prefixes
  const RankingMetrics metrics = ranking_metrics(store, *scorer, config);

  // Direct: every event after the first is a target, ranked given the events before it.
  double hits[2][2] = {{0, 0}, {0, 0}}, gains[2][2] = {{0, 0}, {0, 0}};
  std::size_t counts[2] = {0, 0};
  for (const auto& session : sessions) {
    for (std::size_t t = 1; t < session.size(); ++t) {
      const std::vector<LoggedEvent> prefix(session.begin(), session.begin() + t);
      const torch::Tensor scores = direct_scores(net, prefix);
      const float target = scores[session[t].first].item<float>();
      const std::int64_t rank = 1 + (scores > target).sum().item<std::int64_t>();
      const int kind = session[t].second == kPurchase ? 1 : 0;
      ++counts[kind];
      for (int c = 0; c < 2; ++c) {
        if (rank > config.cutoffs[c]) continue;
        hits[kind][c] += 1;
        gains[kind][c] += 1.0 / std::log2(1.0 + static_cast<double>(rank));
      }
    }
  }
  ASSERT_EQ(metrics.click_events, counts[0]);
  ASSERT_EQ(metrics.purchase_events, counts[1]);
  for (int c = 0; c < 2; ++c) {
    EXPECT_DOUBLE_EQ(metrics.clicks[c].hit_rate, hits[0][c] / counts[0]) << c;
    EXPECT_NEAR(metrics.clicks[c].ndcg, gains[0][c] / counts[0], 1e-12) << c;
    EXPECT_DOUBLE_EQ(metrics.purchases[c].hit_rate, hits[1][c] / counts[1]) << c;
    EXPECT_NEAR(metrics.purchases[c].ndcg, gains[1][c] / counts[1], 1e-12) << c;
  }
}

TEST(NetworkScorer, RejectsScoresOfTheWrongShape) {
  const auto scorer = make_network_scorer("bad", kScorerItems, [](const SessionBatch& batch) {
    return torch::zeros({batch.size(), kScorerItems - 1});
  });
  const std::vector<std::int32_t> items = {1};
  const std::vector<std::int8_t> types = {0};
  const std::vector<std::int32_t> lengths = {1};
  std::vector<float> scores(kScorerItems);
  EXPECT_THROW(scorer->score(items.data(), types.data(), lengths.data(), 1, 1, scores.data()),
               DataError);
}

}  // namespace
}  // namespace shoprl
