#include "eval/ranking_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/event_type.h"

namespace shoprl {
namespace {

constexpr std::int8_t kClick = static_cast<std::int8_t>(EventType::kClick);
constexpr std::int8_t kCart = static_cast<std::int8_t>(EventType::kCart);
constexpr std::int8_t kBuy = static_cast<std::int8_t>(EventType::kPurchase);

struct TinySession {
  Split split;
  std::vector<std::int32_t> items;
  std::vector<std::int8_t> types;
};

SessionStore make_store(std::size_t items, const std::vector<TinySession>& sessions) {
  SessionStore store;
  for (std::size_t i = 0; i < items; ++i) store.item_raw_id.push_back("item" + std::to_string(i));
  for (const TinySession& s : sessions) {
    store.session_raw_id.push_back("s" + std::to_string(store.session_raw_id.size()));
    store.session_split.push_back(static_cast<std::int8_t>(s.split));
    for (std::size_t e = 0; e < s.items.size(); ++e) {
      store.event_item.push_back(s.items[e]);
      store.event_type.push_back(s.types[e]);
      store.event_time_ms.push_back(static_cast<std::int64_t>(store.event_time_ms.size()));
    }
    store.session_offsets.push_back(static_cast<std::int64_t>(store.event_item.size()));
  }
  return store;
}

// The same scores for every prefix; records every prefix it is shown.
class FixedScorer final : public NextItemScorer {
 public:
  explicit FixedScorer(std::vector<float> scores) : scores_(std::move(scores)) {}
  std::string name() const override { return "fixed"; }
  std::size_t num_items() const override { return scores_.size(); }
  void score(const std::int32_t* items, const std::int8_t* types, const std::int32_t* lengths,
             std::size_t batch, std::size_t max_length, float* scores) const override {
    batches.push_back(batch);
    for (std::size_t b = 0; b < batch; ++b) {
      std::vector<std::int32_t> prefix(items + b * max_length, items + b * max_length + lengths[b]);
      prefixes.push_back(prefix);
      for (std::size_t j = lengths[b]; j < max_length; ++j) {
        EXPECT_EQ(items[b * max_length + j], -1);  // padding
        EXPECT_EQ(types[b * max_length + j], -1);
      }
      std::copy(scores_.begin(), scores_.end(), scores + b * scores_.size());
    }
  }
  mutable std::vector<std::vector<std::int32_t>> prefixes;
  mutable std::vector<std::size_t> batches;

 private:
  std::vector<float> scores_;
};

double gain(int rank) { return 1.0 / std::log2(1.0 + rank); }

// Scores 5 > 4 > 3 > 2 > 1: item i has rank i + 1.
TEST(RankingMetrics, HandComputedHitRateAndNdcgForClicksAndPurchasesApart) {
  const SessionStore store =
      make_store(5, {{Split::kTest, {0, 2, 4, 1, 3}, {kClick, kClick, kBuy, kCart, kBuy}}});
  const FixedScorer scorer({5, 4, 3, 2, 1});
  RankingConfig config;
  config.cutoffs = {2, 3, 5};
  const RankingMetrics m = ranking_metrics(store, scorer, config);
  EXPECT_EQ(m.scorer, "fixed");
  // Targets: item 2 click (rank 3), item 4 purchase (rank 5), item 1 cart = click (rank 2),
  // item 3 purchase (rank 4). The first event (item 0) is never a target.
  ASSERT_EQ(m.click_events, 2u);
  ASSERT_EQ(m.purchase_events, 2u);
  ASSERT_EQ(m.clicks.size(), 3u);
  EXPECT_EQ(m.clicks[0].k, 2);
  EXPECT_DOUBLE_EQ(m.clicks[0].hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(m.clicks[0].ndcg, gain(2) / 2);
  EXPECT_DOUBLE_EQ(m.clicks[1].hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(m.clicks[1].ndcg, (gain(2) + gain(3)) / 2);
  EXPECT_DOUBLE_EQ(m.purchases[0].hit_rate, 0.0);
  EXPECT_DOUBLE_EQ(m.purchases[0].ndcg, 0.0);
  EXPECT_DOUBLE_EQ(m.purchases[1].hit_rate, 0.0);
  EXPECT_EQ(m.purchases[2].k, 5);
  EXPECT_DOUBLE_EQ(m.purchases[2].hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(m.purchases[2].ndcg, (gain(5) + gain(4)) / 2);
}

// Items tied with the target are ordered at random: the metrics are expectations over the
// target's rank, uniform among the tied places.
TEST(RankingMetrics, TiesAreBrokenAtRandomInExpectation) {
  const SessionStore store = make_store(5, {{Split::kTest, {0, 2, 4}, {kClick, kClick, kClick}}});
  const FixedScorer scorer({1, 1, 1, 0, 0});
  RankingConfig config;
  config.cutoffs = {1, 3, 4};
  const RankingMetrics m = ranking_metrics(store, scorer, config);
  // Item 2 ties with two others at the top: rank 1, 2 or 3. Item 4 has three above it and ties
  // with item 3: rank 4 or 5.
  ASSERT_EQ(m.click_events, 2u);
  const double top = (gain(1) + gain(2) + gain(3)) / 3;
  EXPECT_DOUBLE_EQ(m.clicks[0].hit_rate, (1.0 / 3) / 2);
  EXPECT_DOUBLE_EQ(m.clicks[0].ndcg, (gain(1) / 3) / 2);
  EXPECT_DOUBLE_EQ(m.clicks[1].hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(m.clicks[1].ndcg, top / 2);
  EXPECT_DOUBLE_EQ(m.clicks[2].hit_rate, (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(m.clicks[2].ndcg, (top + gain(4) / 2) / 2);
}

// The check of the tie rule that a user would make: a scorer that knows nothing hits k times
// in `items`, whatever the targets.
TEST(RankingMetrics, AConstantScorerHitsKInItems) {
  const SessionStore store =
      make_store(10, {{Split::kTest, {0, 9, 3, 3, 7}, {kClick, kClick, kBuy, kClick, kCart}},
                      {Split::kTest, {5, 1, 2}, {kClick, kBuy, kClick}}});
  const FixedScorer scorer(std::vector<float>(10, 0.25f));
  RankingConfig config;
  config.cutoffs = {1, 5, 10};
  const RankingMetrics m = ranking_metrics(store, scorer, config);
  double gains = 0;
  for (int c = 0; c < 3; ++c) {
    const int k = config.cutoffs[static_cast<std::size_t>(c)];
    gains = 0;
    for (int rank = 1; rank <= k; ++rank) gains += gain(rank);
    EXPECT_DOUBLE_EQ(m.clicks[static_cast<std::size_t>(c)].hit_rate, k / 10.0) << k;
    EXPECT_DOUBLE_EQ(m.purchases[static_cast<std::size_t>(c)].hit_rate, k / 10.0) << k;
    EXPECT_NEAR(m.clicks[static_cast<std::size_t>(c)].ndcg, gains / 10, 1e-12) << k;
  }
}

TEST(RankingMetrics, PrefixesHoldTheMostRecentHistoryLengthEvents) {
  const SessionStore store =
      make_store(6, {{Split::kTest, {5, 4, 3, 2, 1}, {kClick, kCart, kClick, kClick, kBuy}},
                     {Split::kTest, {0, 1}, {kClick, kClick}}});
  const FixedScorer scorer({0, 0, 0, 0, 0, 0});
  RankingConfig config;
  config.history_length = 2;
  config.batch_size = 3;
  ranking_metrics(store, scorer, config);
  const std::vector<std::vector<std::int32_t>> expected = {{5}, {5, 4}, {4, 3}, {3, 2}, {0}};
  EXPECT_EQ(scorer.prefixes, expected);
  EXPECT_EQ(scorer.batches, (std::vector<std::size_t>{3, 2}));
}

TEST(RankingMetrics, OnlyTheChosenSplitIsRanked) {
  const SessionStore store =
      make_store(3, {{Split::kTrain, {0, 1, 2}, {kClick, kClick, kBuy}},
                     {Split::kValid, {1, 2}, {kClick, kBuy}},
                     {Split::kTest, {2, 0, 1, 0}, {kClick, kClick, kClick, kClick}},
                     {Split::kTest, {}, {}},
                     {Split::kTest, {1}, {kBuy}}});
  const FixedScorer scorer({3, 2, 1});
  RankingConfig config;
  config.cutoffs = {1};
  RankingMetrics m = ranking_metrics(store, scorer, config);
  EXPECT_EQ(m.click_events, 3u);
  EXPECT_EQ(m.purchase_events, 0u);
  EXPECT_DOUBLE_EQ(m.clicks[0].hit_rate, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.purchases[0].hit_rate, 0.0);
  config.split = "valid";
  m = ranking_metrics(store, scorer, config);
  EXPECT_EQ(m.click_events, 0u);
  EXPECT_EQ(m.purchase_events, 1u);
  config.split = "train";
  m = ranking_metrics(store, scorer, config);
  EXPECT_EQ(m.click_events, 1u);
  EXPECT_EQ(m.purchase_events, 1u);
  config.split = "held-out";
  EXPECT_THROW(ranking_metrics(store, scorer, config), ConfigError);
}

TEST(RankingMetrics, BatchSizeDoesNotChangeTheNumbers) {
  const SessionStore store = make_store(
      4, {{Split::kTest, {0, 1, 2, 3, 0, 2}, {kClick, kClick, kBuy, kClick, kCart, kBuy}},
          {Split::kTest, {3, 3, 1}, {kClick, kBuy, kClick}}});
  const FixedScorer scorer({0.5f, 2.0f, 1.0f, 0.25f});
  RankingConfig one, many;
  one.batch_size = 1;
  const RankingMetrics a = ranking_metrics(store, scorer, one);
  const RankingMetrics b = ranking_metrics(store, scorer, many);
  ASSERT_EQ(a.clicks.size(), b.clicks.size());
  for (std::size_t c = 0; c < a.clicks.size(); ++c) {
    EXPECT_EQ(a.clicks[c].ndcg, b.clicks[c].ndcg);
    EXPECT_EQ(a.purchases[c].ndcg, b.purchases[c].ndcg);
  }
}

TEST(RankingMetrics, BadConfigAndMismatchedScorerAreErrors) {
  const SessionStore store = make_store(3, {{Split::kTest, {0, 1}, {kClick, kClick}}});
  RankingConfig config;
  config.cutoffs = {0};
  EXPECT_THROW(ranking_metrics(store, FixedScorer({1, 2, 3}), config), ConfigError);
  EXPECT_THROW(ranking_metrics(store, FixedScorer({1, 2}), RankingConfig{}), DataError);
  EXPECT_THROW(ranking_metrics(store, FixedScorer({1, NAN, 3}), RankingConfig{}), DataError);
}

TEST(PopularityScorer, CountsTrainEventsOnly) {
  const SessionStore store = make_store(4, {{Split::kTrain, {1, 1, 2}, {kClick, kCart, kBuy}},
                                            {Split::kTest, {3, 3, 3}, {kClick, kClick, kClick}},
                                            {Split::kTrain, {1}, {kClick}}});
  const std::unique_ptr<NextItemScorer> popularity = make_popularity_scorer(store);
  EXPECT_EQ(popularity->name(), "popularity");
  ASSERT_EQ(popularity->num_items(), 4u);
  const std::int32_t items[2] = {0, -1};
  const std::int8_t types[2] = {0, -1};
  const std::int32_t lengths[2] = {1, 0};
  std::vector<float> scores(8);
  popularity->score(items, types, lengths, 2, 1, scores.data());
  EXPECT_EQ(scores, (std::vector<float>{0, 3, 1, 0, 0, 3, 1, 0}));
  // Ranked on test: item 3 has zero train events, tied with item 0, two items above it: rank 3
  // or 4, each with probability 1/2.
  RankingConfig config;
  config.cutoffs = {2, 3};
  const RankingMetrics m = ranking_metrics(store, *popularity, config);
  EXPECT_EQ(m.click_events, 2u);
  EXPECT_DOUBLE_EQ(m.clicks[0].hit_rate, 0.0);
  EXPECT_DOUBLE_EQ(m.clicks[1].hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(m.clicks[1].ndcg, gain(3) / 2);
}

}  // namespace
}  // namespace shoprl
