// Reading a session store, and the consistency rules (store_schema::validate_session_store)
// that reading ends with and writing starts with.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "data/event_type.h"
#include "data/hdf5_file.h"
#include "data/session_store_io.h"
#include "data/session_store_schema.h"

namespace shoprl {
namespace store_schema {
namespace {

class StoreRules {
 public:
  explicit StoreRules(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& dataset, const std::string& problem) const {
    throw DataError(file_ + ": dataset " + dataset + ": " + problem);
  }

  void check_rows(const std::string& dataset, std::size_t rows, std::size_t expected,
                  const std::string& expected_because) const {
    if (rows != expected) {
      fail(dataset, "has " + std::to_string(rows) + " rows, expected " + std::to_string(expected) +
                        " (" + expected_because + ")");
    }
  }

  // Every value in [low, high); the message names the first row outside.
  template <typename T>
  void check_range(const std::string& dataset, const std::vector<T>& values, std::int64_t low,
                   std::int64_t high) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto value = static_cast<std::int64_t>(values[i]);
      if (value < low || value >= high) {
        fail(dataset, "row " + std::to_string(i) + ": value " + std::to_string(value) +
                          " is outside [" + std::to_string(low) + ", " + std::to_string(high) +
                          ")");
      }
    }
  }

  void check_non_decreasing(const std::string& dataset,
                            const std::vector<std::int64_t>& values) const {
    for (std::size_t i = 1; i < values.size(); ++i) {
      if (values[i] < values[i - 1]) {
        fail(dataset, "row " + std::to_string(i) + ": " + std::to_string(values[i]) +
                          " is less than the row before (" + std::to_string(values[i - 1]) +
                          "); it must be non-decreasing");
      }
    }
  }

  // Every value satisfies `ok`; the message names the first that does not, and what it should be.
  template <typename Ok>
  void check_values(const std::string& dataset, const std::vector<double>& values, Ok ok,
                    const char* expected) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!ok(values[i])) {
        fail(dataset, fmt::format("row {}: value {} is not {}", i, values[i], expected));
      }
    }
  }

  // An optional column: absent (empty) or one value per row.
  template <typename T>
  void check_optional_rows(const std::string& dataset, const std::vector<T>& values,
                           std::size_t rows, const std::string& expected_because) const {
    if (!values.empty()) check_rows(dataset, values.size(), rows, expected_because);
  }

  void check_features(const FeatureTable& table, const std::string& group, std::size_t rows) const {
    const std::string numeric = group + kNumeric;
    const std::string categorical = group + kCategorical;
    if (table.numeric_names.empty() && !table.numeric.empty()) {
      fail(numeric, "has values but no column names");
    }
    if (table.categorical_names.empty() && !table.categorical.empty()) {
      fail(categorical, "has values but no column names");
    }
    const std::size_t numeric_columns = table.numeric_names.size();
    const std::size_t categorical_columns = table.categorical_names.size();
    check_rows(numeric, table.numeric.size(), rows * numeric_columns,
               std::to_string(rows) + " rows × " + std::to_string(numeric_columns) +
                   " columns, as values");
    check_rows(categorical, table.categorical.size(), rows * categorical_columns,
               std::to_string(rows) + " rows × " + std::to_string(categorical_columns) +
                   " columns, as values");
    if (table.vocabularies.size() != categorical_columns) {
      fail(group + "/vocabulary", std::to_string(table.vocabularies.size()) + " vocabularies for " +
                                      std::to_string(categorical_columns) + " columns");
    }
    std::set<std::string> seen;
    for (const std::string& name : table.categorical_names) {
      // Each column names an HDF5 link under vocabulary/.
      if (name.empty() || name == "." || name.find('/') != std::string::npos) {
        fail(categorical, "column name \"" + name + "\" is empty, \".\" or contains '/'");
      }
      if (!seen.insert(name).second) fail(categorical, "column \"" + name + "\" appears twice");
    }
    for (std::size_t c = 0; c < categorical_columns; ++c) {
      const auto size = static_cast<std::int64_t>(table.vocabularies[c].size());
      for (std::size_t r = 0; r < rows; ++r) {
        const std::int32_t code = table.categorical[r * categorical_columns + c];
        if (code < -1 || code >= size) {
          fail(categorical, "row " + std::to_string(r) + ", column \"" +
                                table.categorical_names[c] + "\": code " + std::to_string(code) +
                                " is outside [-1, " + std::to_string(size) + ")");
        }
      }
    }
  }

 private:
  const std::string& file_;
};

void check_items(const StoreRules& rules, const SessionStore& store) {
  const std::size_t items = store.num_items();
  const std::string because = "one per item in " + std::string(kItemRawId);
  if (!store.item_category.empty()) {
    rules.check_rows(kItemCategory, store.item_category.size(), items, because);
  }
  if (!store.item_price.empty()) {
    rules.check_rows(kItemPrice, store.item_price.size(), items, because);
  }
  rules.check_features(store.item_features, kItemFeatures, items);
}

void check_sessions(const StoreRules& rules, const SessionStore& store) {
  const std::size_t sessions = store.num_sessions();
  const std::vector<std::int64_t>& offsets = store.session_offsets;
  rules.check_rows(
      kSessionOffsets, offsets.size(), sessions + 1,
      "sessions + 1, with " + std::to_string(sessions) + " sessions in " + kSessionRawId);
  if (offsets.front() != 0) {
    rules.fail(kSessionOffsets, "starts at " + std::to_string(offsets.front()) + ", not 0");
  }
  rules.check_non_decreasing(kSessionOffsets, offsets);
  if (offsets.back() != static_cast<std::int64_t>(store.num_events())) {
    rules.fail(kSessionOffsets, "ends at " + std::to_string(offsets.back()) + " but " + kEventItem +
                                    " has " + std::to_string(store.num_events()) + " events");
  }
  const std::string because = "one per session in " + std::string(kSessionRawId);
  rules.check_rows(kSessionSplit, store.session_split.size(), sessions, because);
  rules.check_range(kSessionSplit, store.session_split, 0, kNumSplits);
  if (store.session_user.empty()) {
    if (!store.user_raw_id.empty()) {
      rules.fail(kSessionUser, std::string("missing while ") + kUserRawId + " has " +
                                   std::to_string(store.user_raw_id.size()) + " users");
    }
    return;
  }
  rules.check_rows(kSessionUser, store.session_user.size(), sessions, because);
  rules.check_range(kSessionUser, store.session_user, -1,
                    static_cast<std::int64_t>(store.user_raw_id.size()));
}

void check_events(const StoreRules& rules, const SessionStore& store) {
  const std::size_t events = store.num_events();
  const std::string because = "one per event in " + std::string(kEventItem);
  rules.check_rows(kEventType, store.event_type.size(), events, because);
  rules.check_rows(kEventTime, store.event_time_ms.size(), events, because);
  rules.check_range(kEventItem, store.event_item, 0, static_cast<std::int64_t>(store.num_items()));
  rules.check_range(kEventType, store.event_type, 0, kNumEventTypes);
}

bool is_propensity(double value) { return std::isnan(value) || (value > 0 && value <= 1); }
bool is_probability(double value) { return value >= 0 && value <= 1; }  // false for NaN
bool is_finite(double value) { return std::isfinite(value); }

// The optional columns a simulator writes (docs/data-format.md, "Simulated impressions").
void check_simulated_impressions(const StoreRules& rules, const StoreImpressions& impressions,
                                 const std::string& because) {
  const std::size_t rows = impressions.size();
  rules.check_optional_rows(kImpressionClick, impressions.click, rows, because);
  rules.check_optional_rows(kImpressionPurchase, impressions.purchase, rows, because);
  rules.check_optional_rows(kImpressionSlatePropensity, impressions.slate_propensity, rows,
                            because);
  rules.check_optional_rows(kImpressionPrefixPropensity, impressions.prefix_propensity, rows,
                            because);
  rules.check_range(kImpressionClick, impressions.click, 0, 2);
  rules.check_range(kImpressionPurchase, impressions.purchase, 0, 2);
  if (!impressions.click.empty()) {
    for (std::size_t r = 0; r < impressions.purchase.size(); ++r) {
      if (impressions.purchase[r] == 1 && impressions.click[r] == 0) {
        rules.fail(kImpressionPurchase, "row " + std::to_string(r) +
                                            ": a purchase without a click (" + kImpressionClick +
                                            " is 0)");
      }
    }
  }
  rules.check_values(kImpressionSlatePropensity, impressions.slate_propensity, is_propensity,
                     "NaN or in (0, 1]");
  rules.check_values(kImpressionPrefixPropensity, impressions.prefix_propensity, is_propensity,
                     "NaN or in (0, 1]");
}

void check_impressions(const StoreRules& rules, const SessionStore& store) {
  const StoreImpressions& impressions = store.impressions;
  const std::size_t rows = impressions.size();
  const std::string because = "one per impression in " + std::string(kImpressionItem);
  rules.check_rows(kImpressionSession, impressions.session.size(), rows, because);
  rules.check_rows(kImpressionSlate, impressions.slate.size(), rows, because);
  rules.check_rows(kImpressionPosition, impressions.position.size(), rows, because);
  rules.check_rows(kImpressionReward, impressions.reward.size(), rows, because);
  rules.check_rows(kImpressionPropensity, impressions.propensity.size(), rows, because);
  rules.check_rows(kImpressionTime, impressions.time_ms.size(), rows, because);
  rules.check_non_decreasing(kImpressionSession, impressions.session);
  rules.check_range(kImpressionSession, impressions.session, 0,
                    static_cast<std::int64_t>(store.num_sessions()));
  rules.check_range(kImpressionItem, impressions.item, 0,
                    static_cast<std::int64_t>(store.num_items()));
  rules.check_range(kImpressionPosition, impressions.position, 0,
                    std::numeric_limits<std::int16_t>::max());
  rules.check_features(impressions.context, kImpressionContext, rows);
  check_simulated_impressions(rules, impressions, because);
}

void check_factors(const StoreRules& rules, const char* dataset, const std::vector<float>& factors,
                   std::size_t rows, std::int64_t factor_dim, const std::string& rows_because) {
  if (factors.empty()) return;
  const auto columns = static_cast<std::size_t>(factor_dim);
  if (factors.size() != rows * columns) {
    rules.fail(dataset,
               fmt::format("has {} values, expected {} ({} rows, {}, × factor_dim {})",
                           factors.size(), rows * columns, rows, rows_because, factor_dim));
  }
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      const float value = factors[r * columns + c];
      if (!std::isfinite(value)) {
        rules.fail(dataset, fmt::format("row {}, column {}: value {} is not finite", r, c, value));
      }
    }
  }
}

void check_policy_values(const StoreRules& rules, const std::vector<PolicyValue>& policies) {
  std::set<std::string> seen;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    const PolicyValue& policy = policies[p];
    const std::string row = "row " + std::to_string(p) + " (\"" + policy.name + "\"): ";
    if (policy.name.empty()) rules.fail(kTruthPolicyName, "row " + std::to_string(p) + " is empty");
    if (!seen.insert(policy.name).second) {
      rules.fail(kTruthPolicyName, "\"" + policy.name + "\" appears twice");
    }
    if (!std::isfinite(policy.value)) {
      rules.fail(kTruthPolicyValue, row + fmt::format("value {} is not finite", policy.value));
    }
    if (!(std::isfinite(policy.std_error) && policy.std_error >= 0)) {
      rules.fail(kTruthPolicyStdError,
                 row + fmt::format("value {} is not finite and >= 0", policy.std_error));
    }
    if (policy.episodes < 0) {
      rules.fail(kTruthPolicyEpisodes,
                 row + "value " + std::to_string(policy.episodes) + " is negative");
    }
  }
}

}  // namespace

void validate_session_store(const SessionStore& store, const std::string& file) {
  const StoreRules rules(file);
  check_items(rules, store);
  check_sessions(rules, store);
  check_events(rules, store);
  check_impressions(rules, store);
}

TruthRows truth_rows(const SessionStore& store) {
  return {store.impressions.size(), store.num_items(), store.user_raw_id.size()};
}

void validate_store_truth(const StoreTruth& truth, const TruthRows& rows, const std::string& file) {
  const StoreRules rules(file);
  const std::string because = "one per impression in " + std::string(kImpressionItem);
  rules.check_optional_rows(kTruthClickProbability, truth.click_probability, rows.impressions,
                            because);
  rules.check_optional_rows(kTruthPurchaseProbability, truth.purchase_probability, rows.impressions,
                            because);
  rules.check_optional_rows(kTruthExpectedReward, truth.expected_reward, rows.impressions, because);
  rules.check_values(kTruthClickProbability, truth.click_probability, is_probability, "in [0, 1]");
  rules.check_values(kTruthPurchaseProbability, truth.purchase_probability, is_probability,
                     "in [0, 1]");
  rules.check_values(kTruthExpectedReward, truth.expected_reward, is_finite, "finite");

  if (truth.factor_dim < 0) {
    rules.fail(kTruthItemFactors,
               "factor_dim " + std::to_string(truth.factor_dim) + " is negative");
  }
  if (truth.factor_dim == 0 && !(truth.item_factors.empty() && truth.user_factors.empty())) {
    rules.fail(truth.item_factors.empty() ? kTruthUserFactors : kTruthItemFactors,
               "has values but factor_dim is 0");
  }
  // A width with nothing of that width would not survive a round trip: it is stored only as
  // the matrices' column count.
  if (truth.factor_dim > 0 && truth.item_factors.empty() && truth.user_factors.empty()) {
    rules.fail(kTruthItemFactors, "missing, and so is " + std::string(kTruthUserFactors) +
                                      ", while factor_dim is " + std::to_string(truth.factor_dim));
  }
  check_factors(rules, kTruthItemFactors, truth.item_factors, rows.items, truth.factor_dim,
                "one per item in " + std::string(kItemRawId));
  check_factors(rules, kTruthUserFactors, truth.user_factors, rows.users, truth.factor_dim,
                "one per user in " + std::string(kUserRawId));
  check_policy_values(rules, truth.policy_values);
}

}  // namespace store_schema

namespace {

using namespace store_schema;

FeatureTable read_features(const Hdf5File& file, const std::string& group) {
  FeatureTable table;
  if (!file.exists(group)) return table;
  const std::string numeric_path = group + kNumeric;
  const std::string categorical_path = group + kCategorical;
  Hdf5Matrix<float> numeric = file.read_matrix<float>(numeric_path);
  Hdf5Matrix<std::int32_t> categorical = file.read_matrix<std::int32_t>(categorical_path);
  table.numeric_names = file.read_string_list_attribute(numeric_path, kNamesAttribute);
  table.categorical_names = file.read_string_list_attribute(categorical_path, kNamesAttribute);
  const auto fail = [&](const std::string& dataset, const std::string& problem) {
    throw DataError(file.name() + ": dataset " + dataset + ": " + problem);
  };
  if (table.numeric_names.size() != numeric.columns) {
    fail(numeric_path, std::to_string(numeric.columns) + " columns but " +
                           std::to_string(table.numeric_names.size()) + " names");
  }
  if (table.categorical_names.size() != categorical.columns) {
    fail(categorical_path, std::to_string(categorical.columns) + " columns but " +
                               std::to_string(table.categorical_names.size()) + " names");
  }
  if (numeric.rows != categorical.rows) {
    fail(categorical_path, std::to_string(categorical.rows) + " rows but " + numeric_path +
                               " has " + std::to_string(numeric.rows));
  }
  table.numeric = std::move(numeric.values);
  table.categorical = std::move(categorical.values);
  for (const std::string& name : table.categorical_names) {
    const std::string path = group + kVocabulary + name;
    IdDictionary& vocabulary = table.vocabularies.emplace_back();
    for (const std::string& key : file.read_strings(path)) {
      if (static_cast<std::size_t>(vocabulary.intern(key)) + 1 != vocabulary.size()) {
        fail(path, "\"" + key + "\" appears twice");
      }
    }
  }
  return table;
}

// The magic attribute and version: what makes a file a store this reader understands.
void check_format(const Hdf5File& file) {
  const std::string magic = file.has_attribute(kRoot, kMagicAttribute)
                                ? file.read_string_attribute(kRoot, kMagicAttribute)
                                : std::string();
  if (magic != kStoreMagic) {
    throw DataError(file.name() + ": not a shoprl session store (root attribute " +
                    kMagicAttribute + " is \"" + magic + "\", expected \"" + kStoreMagic + "\")");
  }
  const std::int64_t version = file.read_int_attribute(kRoot, kVersionAttribute);
  if (version != kStoreFormatVersion) {
    throw DataError(file.name() + ": store format version " + std::to_string(version) +
                    " is not supported (this shoprl reads version " +
                    std::to_string(kStoreFormatVersion) + ")");
  }
}

void read_provenance(const Hdf5File& file, SessionStore& store) {
  // Provenance is informative: stores written by other tools may leave it out.
  StoreProvenance& provenance = store.provenance;
  const auto text = [&](const char* name) {
    return file.has_attribute(kRoot, name) ? file.read_string_attribute(kRoot, name)
                                           : std::string();
  };
  const auto count = [&](const char* name) {
    return file.has_attribute(kRoot, name) ? file.read_uint_attribute(kRoot, name)
                                           : std::uint64_t{0};
  };
  provenance.created_by = text(kCreatedByAttribute);
  provenance.source_format = text(kSourceFormatAttribute);
  provenance.import_config_yaml = text(kImportConfigAttribute);
  if (file.has_attribute(kRoot, kInputsAttribute)) {
    provenance.inputs = file.read_string_list_attribute(kRoot, kInputsAttribute);
  }
  provenance.seed = count(kSeedAttribute);
  provenance.rows_read = count(kRowsReadAttribute);
  provenance.rows_skipped = count(kRowsSkippedAttribute);
  provenance.events_dropped = count(kEventsDroppedAttribute);
}

template <typename T>
void read_if_recorded(const Hdf5File& file, const char* path, std::vector<T>& values) {
  if (file.exists(path)) values = file.read_array<T>(path);
}

void read_impressions(const Hdf5File& file, StoreImpressions& impressions) {
  if (!file.exists(kImpressions)) return;
  impressions.session = file.read_array<std::int64_t>(kImpressionSession);
  impressions.slate = file.read_array<std::int64_t>(kImpressionSlate);
  impressions.item = file.read_array<std::int32_t>(kImpressionItem);
  impressions.position = file.read_array<std::int16_t>(kImpressionPosition);
  impressions.reward = file.read_array<float>(kImpressionReward);
  impressions.propensity = file.read_array<double>(kImpressionPropensity);
  impressions.time_ms = file.read_array<std::int64_t>(kImpressionTime);
  impressions.context = read_features(file, kImpressionContext);
  read_if_recorded(file, kImpressionClick, impressions.click);
  read_if_recorded(file, kImpressionPurchase, impressions.purchase);
  read_if_recorded(file, kImpressionSlatePropensity, impressions.slate_propensity);
  read_if_recorded(file, kImpressionPrefixPropensity, impressions.prefix_propensity);
}

// The factor matrix at `path`, if any; `factor_dim` receives its width, and must agree with a
// width already taken from the other matrix.
std::vector<float> read_factors(const Hdf5File& file, const char* path, std::int64_t& factor_dim) {
  if (!file.exists(path)) return {};
  Hdf5Matrix<float> factors = file.read_matrix<float>(path);
  const auto columns = static_cast<std::int64_t>(factors.columns);
  if (factor_dim != 0 && columns != factor_dim) {
    throw DataError(file.name() + ": dataset " + path + ": has " + std::to_string(columns) +
                    " columns but " + kTruthItemFactors + " has " + std::to_string(factor_dim));
  }
  factor_dim = columns;
  return std::move(factors.values);
}

std::vector<PolicyValue> read_policy_values(const Hdf5File& file) {
  if (!file.exists(kTruthPolicyValues)) return {};
  const std::vector<std::string> names = file.read_strings(kTruthPolicyName);
  const std::vector<double> values = file.read_array<double>(kTruthPolicyValue);
  const std::vector<double> std_errors = file.read_array<double>(kTruthPolicyStdError);
  const std::vector<std::int64_t> episodes = file.read_array<std::int64_t>(kTruthPolicyEpisodes);
  const StoreRules rules(file.name());
  const std::string because = "one per policy in " + std::string(kTruthPolicyName);
  rules.check_rows(kTruthPolicyValue, values.size(), names.size(), because);
  rules.check_rows(kTruthPolicyStdError, std_errors.size(), names.size(), because);
  rules.check_rows(kTruthPolicyEpisodes, episodes.size(), names.size(), because);
  std::vector<PolicyValue> policies;
  for (std::size_t p = 0; p < names.size(); ++p) {
    policies.push_back({names[p], values[p], std_errors[p], episodes[p]});
  }
  return policies;
}

// The row counts the truth must match, from dataset shapes, without reading the store.
TruthRows read_truth_rows(const Hdf5File& file) {
  TruthRows rows;
  rows.items = file.array_rows(kItemRawId);
  if (file.exists(kImpressions)) rows.impressions = file.array_rows(kImpressionItem);
  if (file.exists(kUserRawId)) rows.users = file.array_rows(kUserRawId);
  return rows;
}

}  // namespace

SessionStore read_session_store(const std::filesystem::path& path) {
  const Hdf5File file = Hdf5File::open_read_only(path);
  check_format(file);
  SessionStore store;
  read_provenance(file, store);

  store.item_raw_id = file.read_strings(kItemRawId);
  if (file.exists(kItemCategory)) store.item_category = file.read_strings(kItemCategory);
  read_if_recorded(file, kItemPrice, store.item_price);
  store.item_features = read_features(file, kItemFeatures);

  store.session_offsets = file.read_array<std::int64_t>(kSessionOffsets);
  store.session_raw_id = file.read_strings(kSessionRawId);
  store.session_split = file.read_array<std::int8_t>(kSessionSplit);
  const bool has_users = file.exists(kSessionUser);
  if (has_users != file.exists(kUserRawId)) {
    throw DataError(file.name() + ": dataset " + (has_users ? kUserRawId : kSessionUser) +
                    ": missing (" + kSessionUser + " and " + kUserRawId + " come together)");
  }
  if (has_users) {
    store.session_user = file.read_array<std::int32_t>(kSessionUser);
    store.user_raw_id = file.read_strings(kUserRawId);
  }

  store.event_item = file.read_array<std::int32_t>(kEventItem);
  store.event_type = file.read_array<std::int8_t>(kEventType);
  store.event_time_ms = file.read_array<std::int64_t>(kEventTime);

  read_impressions(file, store.impressions);
  validate_session_store(store, file.name());
  return store;
}

bool store_has_truth(const std::filesystem::path& path) {
  const Hdf5File file = Hdf5File::open_read_only(path);
  check_format(file);
  return file.exists(kTruth);
}

StoreTruth read_store_truth(const std::filesystem::path& path) {
  const Hdf5File file = Hdf5File::open_read_only(path);
  check_format(file);
  if (!file.exists(kTruth)) {
    throw DataError(file.name() + ": holds no ground truth (no group " + kTruth +
                    "; only simulated stores have one)");
  }
  StoreTruth truth;
  truth.world_config_yaml = file.read_string_attribute(kTruth, kWorldConfigAttribute);
  read_if_recorded(file, kTruthClickProbability, truth.click_probability);
  read_if_recorded(file, kTruthPurchaseProbability, truth.purchase_probability);
  read_if_recorded(file, kTruthExpectedReward, truth.expected_reward);
  truth.item_factors = read_factors(file, kTruthItemFactors, truth.factor_dim);
  truth.user_factors = read_factors(file, kTruthUserFactors, truth.factor_dim);
  truth.policy_values = read_policy_values(file);
  validate_store_truth(truth, read_truth_rows(file), file.name());
  return truth;
}

}  // namespace shoprl
