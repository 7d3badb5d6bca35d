// Closed-form toy cases for each preprocessing step (src/data/preprocess.h).
#include "data/preprocess.h"

#include <gtest/gtest.h>

#include <cmath>

namespace shoprl {
namespace {

// Builds a RawLog from (session key, item, type, time) rows.
struct Row {
  const char* key;
  const char* item;
  int type;
  std::int64_t time;
};

RawLog make_log(const std::vector<Row>& rows, bool keys_are_users = false) {
  RawLog log;
  log.session_keys_are_users = keys_are_users;
  for (const Row& row : rows) {
    log.add_event(log.intern_session(row.key), log.items.intern(row.item),
                  static_cast<std::uint8_t>(row.type), row.time);
  }
  return log;
}

PreprocessOptions plain() {
  PreprocessOptions options;
  options.dedupe = false;
  options.split.train = 1;
  options.split.valid = 0;
  options.split.test = 0;
  return options;
}

std::vector<std::string> session_items(const SessionStore& store, std::size_t s) {
  std::vector<std::string> items;
  for (auto e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
    items.push_back(
        store.item_raw_id[static_cast<std::size_t>(store.event_item[static_cast<std::size_t>(e)])]);
  }
  return items;
}

TEST(Preprocess, GroupsBySessionAndOrdersByTimeStably) {
  SessionStore store = preprocess(
      make_log({{"s1", "a", 0, 30}, {"s2", "b", 0, 5}, {"s1", "b", 0, 10}, {"s1", "c", 0, 10}}),
      plain());
  ASSERT_EQ(store.num_sessions(), 2u);
  EXPECT_EQ(store.session_raw_id, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(store.session_offsets, (std::vector<std::int64_t>{0, 3, 4}));
  // Equal times keep input order (b before c).
  EXPECT_EQ(session_items(store, 0), (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_EQ(store.event_time_ms, (std::vector<std::int64_t>{10, 10, 30, 5}));
}

TEST(Preprocess, DropsOnlyExactDuplicates) {
  PreprocessOptions options = plain();
  options.dedupe = true;
  SessionStore store = preprocess(make_log({{"s", "a", 0, 1},
                                            {"s", "b", 0, 1},
                                            {"s", "a", 0, 1},    // duplicate of row 1
                                            {"s", "a", 1, 1},    // other type: kept
                                            {"s", "a", 0, 2}}),  // other time: kept
                                  options);
  EXPECT_EQ(session_items(store, 0), (std::vector<std::string>{"a", "b", "a", "a"}));
  EXPECT_EQ(store.event_type, (std::vector<std::int8_t>{0, 0, 1, 0}));
}

TEST(Preprocess, CutsUserHistoriesAtGapsLongerThanTheThreshold) {
  PreprocessOptions options = plain();
  options.cut_user_sessions = true;
  options.session_gap_ms = 100;
  SessionStore store = preprocess(
      make_log({{"u", "a", 0, 0}, {"u", "b", 0, 100}, {"u", "c", 0, 201}, {"v", "d", 0, 0}}, true),
      options);
  // Gap of exactly 100 stays in the session; 101 cuts.
  EXPECT_EQ(store.session_raw_id, (std::vector<std::string>{"u#0", "u#1", "v#0"}));
  EXPECT_EQ(store.session_offsets, (std::vector<std::int64_t>{0, 2, 3, 4}));
  EXPECT_EQ(store.user_raw_id, (std::vector<std::string>{"u", "v"}));
  EXPECT_EQ(store.session_user, (std::vector<std::int32_t>{0, 0, 1}));
}

TEST(Preprocess, FiltersSessionsThenItemsInSqnOrder) {
  PreprocessOptions options = plain();
  options.min_session_length = 3;
  options.min_item_support = 2;
  // s3 is too short and goes first, so item z (seen twice, both in s3) falls below support
  // only because of it; item y appears once among survivors and goes.
  SessionStore store = preprocess(make_log({{"s1", "x", 0, 1},
                                            {"s1", "x", 0, 2},
                                            {"s1", "y", 0, 3},
                                            {"s2", "x", 0, 1},
                                            {"s2", "w", 0, 2},
                                            {"s2", "w", 0, 3},
                                            {"s3", "z", 0, 1},
                                            {"s3", "z", 0, 2}}),
                                  options);
  EXPECT_EQ(store.session_raw_id, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(session_items(store, 0), (std::vector<std::string>{"x", "x"}));
  EXPECT_EQ(session_items(store, 1), (std::vector<std::string>{"x", "w", "w"}));
  // Items re-indexed densely in first-appearance order: x, w.
  EXPECT_EQ(store.item_raw_id, (std::vector<std::string>{"x", "w"}));
}

TEST(Preprocess, DropsSessionsEmptiedByTheItemFilter) {
  PreprocessOptions options = plain();
  options.min_item_support = 2;
  SessionStore store =
      preprocess(make_log({{"s1", "a", 0, 1}, {"s2", "a", 0, 1}, {"s3", "rare", 0, 1}}), options);
  EXPECT_EQ(store.session_raw_id, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(store.item_raw_id, (std::vector<std::string>{"a"}));
}

TEST(Preprocess, KeepsImpressionSessionsWithoutEventsAndTheirItems) {
  RawLog log;
  const std::int32_t round0 = log.intern_session("0");
  const std::int32_t round1 = log.intern_session("1");
  const std::int32_t shown_only = log.items.intern("i0");
  const std::int32_t clicked = log.items.intern("i1");
  log.add_event(round1, clicked, 0, 50);
  RawImpressions& imp = log.impressions;
  for (const auto& [key, item, reward] :
       {std::tuple{round1, clicked, 1.0f}, std::tuple{round0, shown_only, 0.0f}}) {
    imp.session_key.push_back(key);
    imp.slate.push_back(key);
    imp.item.push_back(item);
    imp.position.push_back(static_cast<std::int16_t>(key));
    imp.reward.push_back(reward);
    imp.propensity.push_back(0.25);
    imp.time_ms.push_back(key == round0 ? 10 : 50);
  }
  PreprocessOptions options = plain();
  options.min_session_length = 3;  // would drop both rounds if impressions did not protect them
  options.min_item_support = 5;
  SessionStore store = preprocess(std::move(log), options);
  ASSERT_EQ(store.num_sessions(), 2u);
  EXPECT_EQ(store.session_raw_id, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(store.session_offsets, (std::vector<std::int64_t>{0, 0, 1}));
  EXPECT_EQ(store.item_raw_id, (std::vector<std::string>{"i0", "i1"}));
  // Impressions are re-ordered by session: round 0's row first.
  EXPECT_EQ(store.impressions.session, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(store.impressions.item, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(store.impressions.reward, (std::vector<float>{0.0f, 1.0f}));
}

// A decision log's events are the states its policy saw: neither dedupe nor the item-support
// filter may remove one (the same log without the flag loses three of its five events).
TEST(Preprocess, PolicyStateEventsSurviveDedupeAndItemSupport) {
  const std::vector<Row> rows = {
      {"u", "a", 0, 1}, {"u", "a", 0, 1}, {"u", "b", 0, 2}, {"u", "a", 0, 3}, {"u", "c", 1, 4}};
  PreprocessOptions options = plain();
  options.dedupe = true;
  options.min_item_support = 2;
  EXPECT_EQ(preprocess(make_log(rows), options).num_events(), 2u);  // a(1), a(3)
  RawLog log = make_log(rows);
  log.events_are_policy_states = true;
  SessionStore store = preprocess(std::move(log), options);
  EXPECT_EQ(session_items(store, 0), (std::vector<std::string>{"a", "a", "b", "a", "c"}));
  EXPECT_EQ(store.event_time_ms, (std::vector<std::int64_t>{1, 1, 2, 3, 4}));
}

TEST(Preprocess, KeepAllItemsKeepsUnreferencedItemsInInternedOrder) {
  const auto catalogue_log = [] {
    RawLog log;
    for (const char* id : {"never", "b", "a", "also-never"}) log.items.intern(id);
    log.add_event(log.intern_session("s"), log.items.find("a"), 0, 1);
    log.add_event(log.intern_session("s"), log.items.find("b"), 0, 2);
    return log;
  };
  EXPECT_EQ(preprocess(catalogue_log(), plain()).item_raw_id, (std::vector<std::string>{"b", "a"}));
  RawLog log = catalogue_log();
  log.keep_all_items = true;
  const SessionStore store = preprocess(std::move(log), plain());
  EXPECT_EQ(store.item_raw_id, (std::vector<std::string>{"never", "b", "a", "also-never"}));
  EXPECT_EQ(store.event_item, (std::vector<std::int32_t>{2, 1}));
}

// The optional impression columns follow their rows when impressions are re-ordered by session.
TEST(Preprocess, CarriesOptionalImpressionColumnsWithTheirRows) {
  RawLog log;
  const std::int32_t late = log.intern_session("late");
  const std::int32_t early = log.intern_session("early");
  const std::int32_t item = log.items.intern("i");
  RawImpressions& imp = log.impressions;
  for (const std::int32_t key : {early, late}) {  // session "early" is index 1, written first
    imp.session_key.push_back(key);
    imp.slate.push_back(key);
    imp.item.push_back(item);
    imp.position.push_back(0);
    imp.reward.push_back(0);
    imp.propensity.push_back(0.5);
    imp.time_ms.push_back(10);
    imp.click.push_back(key == early ? 1 : 0);
    imp.purchase.push_back(key == early ? 1 : 0);
    imp.slate_propensity.push_back(key == early ? 0.25 : 0.125);
    imp.prefix_propensity.push_back(key == early ? 0.5 : 0.375);
  }
  const SessionStore store = preprocess(std::move(log), plain());
  ASSERT_EQ(store.session_raw_id, (std::vector<std::string>{"late", "early"}));
  EXPECT_EQ(store.impressions.session, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(store.impressions.click, (std::vector<std::int8_t>{0, 1}));
  EXPECT_EQ(store.impressions.purchase, (std::vector<std::int8_t>{0, 1}));
  EXPECT_EQ(store.impressions.slate_propensity, (std::vector<double>{0.125, 0.25}));
  EXPECT_EQ(store.impressions.prefix_propensity, (std::vector<double>{0.375, 0.5}));
}

TEST(Preprocess, RandomSplitHasTheConfiguredSizesAndDependsOnlyOnTheSeed) {
  std::vector<Row> rows;
  std::vector<std::string> keys;
  for (int s = 0; s < 1000; ++s) keys.push_back("s" + std::to_string(s));
  for (const auto& key : keys) rows.push_back({key.c_str(), "a", 0, 0});
  PreprocessOptions options;
  options.split = SplitConfig{};  // 0.8 / 0.1 / 0.1
  options.seed = 5;
  const SessionStore a = preprocess(make_log(rows), options);
  const SessionStore b = preprocess(make_log(rows), options);
  options.seed = 6;
  const SessionStore c = preprocess(make_log(rows), options);
  EXPECT_EQ(a.session_split, b.session_split);
  EXPECT_NE(a.session_split, c.session_split);
  EXPECT_EQ(std::count(a.session_split.begin(), a.session_split.end(), 0), 800);
  EXPECT_EQ(std::count(a.session_split.begin(), a.session_split.end(), 1), 100);
  EXPECT_EQ(std::count(a.session_split.begin(), a.session_split.end(), 2), 100);
}

TEST(Preprocess, TimeSplitPutsTheLatestSessionsInTest) {
  PreprocessOptions options;
  options.split.method = "time";
  options.split.train = 0.5;
  options.split.valid = 0.25;
  options.split.test = 0.25;
  const SessionStore store = preprocess(make_log({{"late", "a", 0, 400},
                                                  {"early", "a", 0, 100},
                                                  {"mid2", "a", 0, 300},
                                                  {"mid1", "a", 0, 200}}),
                                        options);
  EXPECT_EQ(store.session_raw_id, (std::vector<std::string>{"late", "early", "mid2", "mid1"}));
  EXPECT_EQ(store.session_split, (std::vector<std::int8_t>{2, 0, 1, 0}));
}

TEST(Preprocess, CarriesItemAttributesThroughReindexing) {
  RawLog log = make_log({{"s", "keep", 0, 1}, {"t", "gone", 0, 1}, {"s", "keep", 0, 2}});
  log.item_category = {"shoes", "hats"};
  log.item_price = {9.5};  // shorter than the catalogue: the rest is unknown
  PreprocessOptions options = plain();
  options.min_session_length = 2;
  const SessionStore store = preprocess(std::move(log), options);
  EXPECT_EQ(store.item_raw_id, (std::vector<std::string>{"keep"}));
  EXPECT_EQ(store.item_category, (std::vector<std::string>{"shoes"}));
  ASSERT_EQ(store.item_price.size(), 1u);
  EXPECT_DOUBLE_EQ(store.item_price[0], 9.5);
}

}  // namespace
}  // namespace shoprl
