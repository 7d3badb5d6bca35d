// The session store in memory: exactly what the HDF5 file holds (docs/data-format.md).
// Sessions are CSR: the events of session s are [session_offsets[s], session_offsets[s+1]).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/feature_table.h"

namespace shoprl {

enum class Split : std::int8_t { kTrain = 0, kValid = 1, kTest = 2 };
inline constexpr int kNumSplits = 3;
inline const char* split_name(Split split) {
  switch (split) {
    case Split::kTrain:
      return "train";
    case Split::kValid:
      return "valid";
    case Split::kTest:
      return "test";
  }
  return "unknown";
}

struct StoreImpressions {
  std::vector<std::int64_t> session;   // session index, non-decreasing
  std::vector<std::int64_t> slate;     // rows shown together share a slate id
  std::vector<std::int32_t> item;      // item index
  std::vector<std::int16_t> position;  // 0-based slot
  std::vector<float> reward;
  std::vector<double> propensity;
  std::vector<std::int64_t> time_ms;
  FeatureTable context;
  // Optional columns, written by the simulator (empty vector = not recorded). Slate and
  // prefix propensities are NaN where the logging policy cannot say.
  std::vector<std::int8_t> click;         // 0/1: the user clicked this shown item
  std::vector<std::int8_t> purchase;      // 0/1: the user bought it after clicking it
  std::vector<double> slate_propensity;   // P(this whole slate), equal on each of its rows
  std::vector<double> prefix_propensity;  // P(slots 0..position hold these items, in order)

  std::size_t size() const { return item.size(); }
};

// Provenance written as attributes of the file's root group.
struct StoreProvenance {
  std::string source_format;
  std::vector<std::string> inputs;
  std::string import_config_yaml;  // the fully resolved config of the import
  std::uint64_t seed = 0;
  std::string created_by;  // "shoprl 0.1.0"
  std::uint64_t rows_read = 0;
  std::uint64_t rows_skipped = 0;
  std::uint64_t events_dropped = 0;
};

struct SessionStore {
  // Items, by dense index.
  std::vector<std::string> item_raw_id;
  std::vector<std::string> item_category;  // empty vector = not recorded; "" = unknown
  std::vector<double> item_price;          // empty vector = not recorded; NaN = unknown
  FeatureTable item_features;

  // Sessions.
  std::vector<std::int64_t> session_offsets{0};  // size = sessions + 1
  std::vector<std::string> session_raw_id;
  std::vector<std::int32_t> session_user;  // empty = no user ids; -1 = unknown user
  std::vector<std::string> user_raw_id;
  std::vector<std::int8_t> session_split;  // Split

  // Events, grouped by session, in time order within a session.
  std::vector<std::int32_t> event_item;
  std::vector<std::int8_t> event_type;  // EventType
  std::vector<std::int64_t> event_time_ms;

  StoreImpressions impressions;  // empty when the log has none
  StoreProvenance provenance;

  std::size_t num_items() const { return item_raw_id.size(); }
  std::size_t num_sessions() const { return session_raw_id.size(); }
  std::size_t num_events() const { return event_item.size(); }
  std::int64_t session_length(std::size_t s) const {
    return session_offsets[s + 1] - session_offsets[s];
  }
};

// Where the events of `session` that happened before `time_ms` end: they are
// [session_offsets[session], the index returned). Events are in time order, and the events a
// slate caused are stamped after it, so these are what the user had done when it was shown.
inline std::int64_t events_before(const SessionStore& store, std::int64_t session,
                                  std::int64_t time_ms) {
  const auto first = store.event_time_ms.begin() + store.session_offsets[session];
  const auto last = store.event_time_ms.begin() + store.session_offsets[session + 1];
  return std::lower_bound(first, last, time_ms) - store.event_time_ms.begin();
}

}  // namespace shoprl
