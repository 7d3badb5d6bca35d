// From a RawLog to a SessionStore: order events, cut sessions, drop duplicates, apply the
// session-length and item-support filters, re-index items, and assign splits.
#pragma once

#include <cstdint>
#include <vector>

#include "data/import_config.h"
#include "data/raw_log.h"
#include "data/session_store.h"

namespace shoprl {

struct PreprocessOptions {
  bool cut_user_sessions = false;   // sessionize resolved to user_gap
  std::int64_t session_gap_ms = 0;  // 0 = one session per key
  bool dedupe = true;
  int min_session_length = 1;
  int min_item_support = 1;
  SplitConfig split;
  std::uint64_t seed = 0;
};

// Steps, in order (docs/data-format.md, "Preprocessing"):
//  1. events grouped by session key, stable-sorted by time within a key;
//  2. exact duplicates (same key, item, type, time) dropped when dedupe;
//  3. keys cut into sessions at gaps longer than session_gap_ms when cut_user_sessions (then a
//     session's raw id is "<key>#<n>", n = 0, 1, ... in time order, and its user is the key);
//  4. sessions with fewer than min_session_length events dropped; sessions holding impressions
//     are kept whatever their event count (a bandit round may have no click);
//  5. events of items with fewer than min_item_support events (counted after step 4) dropped;
//     items shown in impressions are always kept, so logged propensities stay meaningful;
//  6. sessions left with neither events nor impressions dropped; items no longer referenced
//     dropped, the rest re-indexed densely, keeping their order of first appearance in the input;
//  7. splits: random (seeded) or by session start time.
// Two RawLog flags change this: events_are_policy_states skips step 2 and the item-support
// drop of step 5 (a decision log's events are the states its policy saw); keep_all_items keeps
// every interned item in step 6, referenced or not (a model's catalogue).
SessionStore preprocess(RawLog&& log, const PreprocessOptions& options);

// Step 7 alone, for stores built another way (generated logs): sets store.session_split from
// the session start times (method time) or a shuffle seeded by `seed` (method random).
void assign_splits(SessionStore& store, const std::vector<std::int64_t>& start_ms,
                   const SplitConfig& config, std::uint64_t seed);

}  // namespace shoprl
