// Store statistics against hand-computed values on a tiny store.
#include "data/store_stats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace shoprl {
namespace {

// Three sessions: [click a, purchase a], [click a, click b, click c, cart c], [click a].
SessionStore tiny_store() {
  SessionStore store;
  store.item_raw_id = {"a", "b", "c", "never"};
  store.session_raw_id = {"s0", "s1", "s2"};
  store.session_offsets = {0, 2, 6, 7};
  store.session_split = {0, 0, 2};
  store.session_user = {0, -1, 0};
  store.user_raw_id = {"u"};
  store.event_item = {0, 0, 0, 1, 2, 2, 0};
  store.event_type = {0, 2, 0, 0, 0, 1, 0};
  store.event_time_ms.assign(7, 0);
  return store;
}

TEST(StoreStats, CountsLengthsAndConversionMatchHandValues) {
  const StoreStats stats = compute_store_stats(tiny_store());
  EXPECT_EQ(stats.catalogue_items, 4u);
  EXPECT_EQ(stats.all.sessions, 3u);
  EXPECT_EQ(stats.all.items, 3u);
  EXPECT_EQ(stats.all.users, 1u);
  EXPECT_EQ(stats.all.events[0], 5u);
  EXPECT_EQ(stats.all.events[1], 1u);
  EXPECT_EQ(stats.all.events[2], 1u);
  EXPECT_EQ(stats.all.session_length.min, 1);
  EXPECT_EQ(stats.all.session_length.max, 4);
  EXPECT_DOUBLE_EQ(stats.all.session_length.median, 2.0);
  // numpy.percentile([1, 2, 4], 90) = 2 + 0.8 * (4 - 2) = 3.6
  EXPECT_DOUBLE_EQ(stats.all.session_length.p90, 3.6);
  EXPECT_DOUBLE_EQ(stats.all.click_to_purchase_sessions, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(stats.all.purchases_per_click, 1.0 / 5.0);
  EXPECT_EQ(stats.by_split[0].sessions, 2u);
  EXPECT_EQ(stats.by_split[1].sessions, 0u);
  EXPECT_EQ(stats.by_split[2].sessions, 1u);
  EXPECT_EQ(stats.by_split[2].events[0], 1u);
}

TEST(StoreStats, GiniIsZeroForUniformAndMaximalForOneItem) {
  // Counts over the catalogue: a=4, b=1, c=2, never=0 -> sorted 0,1,2,4, n=4, sum=7:
  // sum (2i-n-1) x = (-3*0) + (-1*1) + (1*2) + (3*4) = 13 -> 13 / (4*7).
  EXPECT_NEAR(compute_store_stats(tiny_store()).all.popularity_gini, 13.0 / 28.0, 1e-12);

  SessionStore uniform;
  uniform.item_raw_id = {"a", "b"};
  uniform.session_raw_id = {"s"};
  uniform.session_offsets = {0, 2};
  uniform.session_split = {0};
  uniform.event_item = {0, 1};
  uniform.event_type = {0, 0};
  uniform.event_time_ms = {0, 0};
  EXPECT_DOUBLE_EQ(compute_store_stats(uniform).all.popularity_gini, 0.0);
}

TEST(StoreStats, JsonHasTheDocumentedTopLevelKeys) {
  const auto json = nlohmann::json::parse(store_stats_json(compute_store_stats(tiny_store())));
  EXPECT_EQ(json.at("sessions").get<int>(), 3);
  EXPECT_EQ(json.at("items").get<int>(), 3);
  EXPECT_EQ(json.at("events").at("click").get<int>(), 5);
  EXPECT_EQ(json.at("events").at("cart").get<int>(), 1);
  EXPECT_EQ(json.at("events").at("purchase").get<int>(), 1);
  EXPECT_EQ(json.at("splits").at("test").at("sessions").get<int>(), 1);
}

}  // namespace
}  // namespace shoprl
