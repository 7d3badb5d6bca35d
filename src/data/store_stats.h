// Descriptive statistics of a session store, overall and per split (`shoprl data stats`).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "data/session_store.h"

namespace shoprl {

struct LengthSummary {
  std::int64_t min = 0;
  double median = 0;
  double p90 = 0;
  std::int64_t max = 0;
  double mean = 0;
};

struct SliceStats {
  std::uint64_t sessions = 0;
  std::uint64_t items = 0;                // distinct items with at least one event
  std::uint64_t users = 0;                // distinct known users
  std::array<std::uint64_t, 3> events{};  // by EventType
  LengthSummary session_length;
  // Sessions with a purchase among sessions with a click (session-level conversion).
  double click_to_purchase_sessions = 0;
  // Purchases per click (event-level conversion).
  double purchases_per_click = 0;
  // Gini coefficient of event counts over the catalogue (0 = uniform, 1 = one item has all).
  double popularity_gini = 0;
  std::uint64_t impressions = 0;
  double impression_reward_mean = 0;
};

struct StoreStats {
  std::uint64_t catalogue_items = 0;  // rows of /items
  SliceStats all;
  std::array<SliceStats, 3> by_split;  // by Split
};

StoreStats compute_store_stats(const SessionStore& store);

// JSON text; top level has sessions, items, users, events{click,cart,purchase}, ...
std::string store_stats_json(const StoreStats& stats);
// Human-readable table.
std::string store_stats_text(const StoreStats& stats);

}  // namespace shoprl
