// A tiny session store for the store tests: three items, three sessions (one of them empty),
// five events, and, when asked, every optional part (categories, prices, item features, users,
// impressions with numeric and categorical context).
#pragma once

#include <cmath>
#include <limits>

#include "data/session_store.h"

namespace shoprl::testing {

inline FeatureTable tiny_features(std::size_t rows, std::vector<std::string> numeric_names,
                                  std::vector<std::string> categorical_names,
                                  const std::vector<std::vector<std::string>>& vocabularies) {
  FeatureTable table;
  table.numeric_names = std::move(numeric_names);
  table.categorical_names = std::move(categorical_names);
  for (std::size_t i = 0; i < rows * table.numeric_names.size(); ++i) {
    table.numeric.push_back(0.25f * static_cast<float>(i) - 1.0f);
  }
  for (const std::vector<std::string>& keys : vocabularies) {
    IdDictionary& dictionary = table.vocabularies.emplace_back();
    for (const std::string& key : keys) dictionary.intern(key);
  }
  const std::size_t columns = table.categorical_names.size();
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      // Cycles through every code and -1 (missing).
      const auto size = static_cast<std::int32_t>(table.vocabularies[c].size());
      table.categorical.push_back(static_cast<std::int32_t>((r + c) % (size + 1)) - 1);
    }
  }
  return table;
}

inline SessionStore tiny_store(bool with_optional_parts) {
  SessionStore store;
  store.item_raw_id = {"item-a", "b", "item/c with spaces"};
  store.session_raw_id = {"s1", "s2-empty", "s3"};
  store.session_offsets = {0, 2, 2, 5};
  store.session_split = {0, 1, 2};
  store.event_item = {0, 1, 2, 2, 0};
  store.event_type = {0, 1, 2, 0, 0};
  store.event_time_ms = {1000, 2000, 3000, 4000, 1700000000123};
  store.provenance.source_format = "sessions-csv";
  store.provenance.inputs = {"data/a.csv", "data/b.csv.gz"};
  store.provenance.import_config_yaml = "import:\n  format: sessions-csv\n";
  store.provenance.seed = 0xFEDCBA9876543210ULL;  // above 2^63: must survive as uint64
  store.provenance.created_by = "shoprl test";
  store.provenance.rows_read = 7;
  store.provenance.rows_skipped = 1;
  store.provenance.events_dropped = 1;
  if (!with_optional_parts) return store;

  store.item_category = {"shoes", "", "hats"};
  store.item_price = {9.5, std::numeric_limits<double>::quiet_NaN(), 100.25};
  store.item_features = tiny_features(3, {"weight", "popularity"}, {"brand"}, {{"acme", "zeta"}});
  store.session_user = {0, -1, 1};
  store.user_raw_id = {"u1", "u2"};

  StoreImpressions& impressions = store.impressions;
  impressions.session = {0, 0, 2, 2};
  impressions.slate = {10, 10, 11, 11};
  impressions.item = {0, 1, 2, 0};
  impressions.position = {0, 1, 0, 1};
  impressions.reward = {1.0f, 0.0f, 0.0f, 1.0f};
  impressions.propensity = {0.5, 0.25, 0.125, 0.875};
  impressions.time_ms = {1000, 1000, 3000, 3000};
  impressions.context =
      tiny_features(4, {"hour"}, {"device", "page"}, {{"mobile", "desktop"}, {"home"}});
  return store;
}

}  // namespace shoprl::testing
