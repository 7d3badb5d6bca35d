// What an importer produces: the log's events in input order with dense ids, before any
// preprocessing (sorting, sessionisation, filters, split). See preprocess.h.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "data/feature_table.h"
#include "data/id_dictionary.h"

namespace shoprl {

// Logged impressions of a bandit log: one row per item shown at one position.
struct RawImpressions {
  std::vector<std::int32_t> session_key;  // index into RawLog::session_keys
  std::vector<std::int64_t> slate;        // rows shown together share a slate id
  std::vector<std::int32_t> item;         // index into RawLog::items
  std::vector<std::int16_t> position;     // 0-based slot
  std::vector<float> reward;
  std::vector<double> propensity;  // logging probability of this item at this slot
  std::vector<std::int64_t> time_ms;
  FeatureTable context;  // one row per impression
  // Optional columns (empty = not recorded), carried to StoreImpressions' columns of the same
  // names: logs that know what the user did with each shown item and the joint propensities.
  std::vector<std::int8_t> click;         // 0/1
  std::vector<std::int8_t> purchase;      // 0/1; 1 requires click 1
  std::vector<double> slate_propensity;   // P(the whole slate), equal on each of its rows
  std::vector<double> prefix_propensity;  // P(slots 0..position as shown)

  std::size_t size() const { return item.size(); }
};

// Rows read and rows skipped, for the import report.
struct ImportCounters {
  std::uint64_t rows_read = 0;
  std::uint64_t rows_skipped = 0;             // malformed rows, only with skip_bad_rows
  std::uint64_t events_dropped = 0;           // raw events mapped to "drop"
  std::vector<std::string> skipped_examples;  // the first few "file:line: reason"
};

struct RawLog {
  IdDictionary items;
  IdDictionary session_keys;  // session ids; user ids when session_keys_are_users
  IdDictionary users;
  std::vector<std::int32_t> session_user;  // per session key: user index, or -1 unknown
  // True when a key is a user whose history may be cut into sessions at inactivity gaps.
  bool session_keys_are_users = false;
  // True when the items interned are a catalogue to keep whole (a model's item ids, in its
  // index order), even items no event or impression references.
  bool keep_all_items = false;
  // True when the events are the states a logging policy saw (decision logs): preprocessing
  // must not change them, so dedupe and min_item_support leave them alone.
  bool events_are_policy_states = false;

  std::vector<std::int32_t> event_session;  // session key index
  std::vector<std::int32_t> event_item;
  std::vector<std::uint8_t> event_type;  // EventType
  std::vector<std::int64_t> event_time_ms;

  // Optional item attributes by item index; shorter vectors are padded at preprocessing.
  std::vector<std::string> item_category;  // "" = unknown
  std::vector<double> item_price;          // NaN = unknown
  FeatureTable item_features;              // rows by item index when not empty

  RawImpressions impressions;
  ImportCounters counters;

  void add_event(std::int32_t session_key, std::int32_t item, std::uint8_t type,
                 std::int64_t time_ms) {
    event_session.push_back(session_key);
    event_item.push_back(item);
    event_type.push_back(type);
    event_time_ms.push_back(time_ms);
  }
  // Interns a session key and keeps session_user as long as session_keys.
  std::int32_t intern_session(std::string_view key) {
    const std::int32_t index = session_keys.intern(key);
    if (static_cast<std::size_t>(index) >= session_user.size()) session_user.push_back(-1);
    return index;
  }
  std::size_t num_events() const { return event_item.size(); }
};

}  // namespace shoprl
