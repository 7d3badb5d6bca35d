// A tiny session store for the store tests: three items, three sessions (one of them empty),
// five events, and, when asked, every optional part (categories, prices, item features, users,
// impressions with numeric and categorical context and the simulator's columns); ground truth
// that fits it; and helpers to catch errors and to damage a written store.
#pragma once

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "data/session_store.h"
#include "data/store_truth.h"

namespace shoprl::testing {

// The message of the `ErrorType` that `action` throws; a failure when it throws nothing.
template <typename ErrorType>
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ErrorType& error) {
    return error.what();
  }
  ADD_FAILURE() << "nothing was thrown";
  return "";
}

// Opens a written store read-write with the bare C API, to damage it the way a buggy writer
// or another tool could.
inline void edit_store(const std::filesystem::path& path, const std::function<void(hid_t)>& edit) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  edit(file);
  ASSERT_GE(H5Fclose(file), 0);
}

template <typename T>
void overwrite_dataset(hid_t file, const char* path, hid_t memory_type,
                       const std::vector<T>& values) {
  const hid_t dataset = H5Dopen2(file, path, H5P_DEFAULT);
  ASSERT_GE(dataset, 0) << path;
  EXPECT_GE(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  H5Dclose(dataset);
}

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
  const double nan = std::numeric_limits<double>::quiet_NaN();
  impressions.click = {1, 0, 0, 1};
  impressions.purchase = {1, 0, 0, 0};
  impressions.slate_propensity = {0.125, 0.125, nan, nan};
  impressions.prefix_propensity = {0.5, 0.125, 0.25, nan};
  return store;
}

// Truth for tiny_store(true), every part recorded, values distinct from row to row.
inline StoreTruth tiny_truth() {
  StoreTruth truth;
  truth.world_config_yaml = "world:\n  users: 2\n  items: 3\n";
  truth.click_probability = {0.9, 0.1, 0.0, 1.0};
  truth.purchase_probability = {0.5, 0.25, 0.0, 0.75};
  truth.expected_reward = {1.5, -0.25, 0.0, 2.0};
  truth.factor_dim = 2;
  truth.item_factors = {0.5f, -1.0f, 2.0f, 0.25f, -0.125f, 3.0f};
  truth.user_factors = {1.0f, 0.0f, -2.5f, 0.75f};
  truth.policy_values = {{"logging", 0.3125, 0.004, 10000}, {"greedy", 0.5, 0.0, 0}};
  return truth;
}

// Equal element by element, NaN equal to NaN (unknown prices, undefined propensities).
inline void expect_same_values(const std::vector<double>& actual,
                               const std::vector<double>& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual[i])) << what << " row " << i;
    } else {
      EXPECT_EQ(actual[i], expected[i]) << what << " row " << i;
    }
  }
}

inline void expect_features_equal(const FeatureTable& actual, const FeatureTable& expected) {
  EXPECT_EQ(actual.numeric_names, expected.numeric_names);
  EXPECT_EQ(actual.numeric, expected.numeric);
  EXPECT_EQ(actual.categorical_names, expected.categorical_names);
  EXPECT_EQ(actual.categorical, expected.categorical);
  ASSERT_EQ(actual.vocabularies.size(), expected.vocabularies.size());
  for (std::size_t c = 0; c < actual.vocabularies.size(); ++c) {
    EXPECT_EQ(actual.vocabularies[c].keys(), expected.vocabularies[c].keys()) << c;
  }
}

inline void expect_stores_equal(const SessionStore& actual, const SessionStore& expected) {
  EXPECT_EQ(actual.item_raw_id, expected.item_raw_id);
  EXPECT_EQ(actual.item_category, expected.item_category);
  expect_same_values(actual.item_price, expected.item_price, "item_price");
  expect_features_equal(actual.item_features, expected.item_features);
  EXPECT_EQ(actual.session_offsets, expected.session_offsets);
  EXPECT_EQ(actual.session_raw_id, expected.session_raw_id);
  EXPECT_EQ(actual.session_user, expected.session_user);
  EXPECT_EQ(actual.user_raw_id, expected.user_raw_id);
  EXPECT_EQ(actual.session_split, expected.session_split);
  EXPECT_EQ(actual.event_item, expected.event_item);
  EXPECT_EQ(actual.event_type, expected.event_type);
  EXPECT_EQ(actual.event_time_ms, expected.event_time_ms);
  const StoreImpressions& a = actual.impressions;
  const StoreImpressions& e = expected.impressions;
  EXPECT_EQ(a.session, e.session);
  EXPECT_EQ(a.slate, e.slate);
  EXPECT_EQ(a.item, e.item);
  EXPECT_EQ(a.position, e.position);
  EXPECT_EQ(a.reward, e.reward);
  EXPECT_EQ(a.propensity, e.propensity);
  EXPECT_EQ(a.time_ms, e.time_ms);
  expect_features_equal(a.context, e.context);
  EXPECT_EQ(a.click, e.click);
  EXPECT_EQ(a.purchase, e.purchase);
  expect_same_values(a.slate_propensity, e.slate_propensity, "slate_propensity");
  expect_same_values(a.prefix_propensity, e.prefix_propensity, "prefix_propensity");
  const StoreProvenance& p = actual.provenance;
  const StoreProvenance& q = expected.provenance;
  EXPECT_EQ(p.source_format, q.source_format);
  EXPECT_EQ(p.inputs, q.inputs);
  EXPECT_EQ(p.import_config_yaml, q.import_config_yaml);
  EXPECT_EQ(p.seed, q.seed);
  EXPECT_EQ(p.created_by, q.created_by);
  EXPECT_EQ(p.rows_read, q.rows_read);
  EXPECT_EQ(p.rows_skipped, q.rows_skipped);
  EXPECT_EQ(p.events_dropped, q.events_dropped);
}

// Every field equal (NaN equal to NaN).
inline void expect_truths_equal(const StoreTruth& actual, const StoreTruth& expected) {
  EXPECT_EQ(actual.world_config_yaml, expected.world_config_yaml);
  expect_same_values(actual.click_probability, expected.click_probability, "click_probability");
  expect_same_values(actual.purchase_probability, expected.purchase_probability,
                     "purchase_probability");
  expect_same_values(actual.expected_reward, expected.expected_reward, "expected_reward");
  EXPECT_EQ(actual.factor_dim, expected.factor_dim);
  EXPECT_EQ(actual.item_factors, expected.item_factors);
  EXPECT_EQ(actual.user_factors, expected.user_factors);
  ASSERT_EQ(actual.policy_values.size(), expected.policy_values.size());
  for (std::size_t p = 0; p < actual.policy_values.size(); ++p) {
    const PolicyValue& a = actual.policy_values[p];
    const PolicyValue& e = expected.policy_values[p];
    EXPECT_EQ(a.name, e.name) << p;
    EXPECT_EQ(a.value, e.value) << p;
    EXPECT_EQ(a.std_error, e.std_error) << p;
    EXPECT_EQ(a.episodes, e.episodes) << p;
  }
}

}  // namespace shoprl::testing
