// Writing a session store: validated first, then written to a temporary file that replaces the
// target only once HDF5 has closed it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "data/event_type.h"
#include "data/hdf5_file.h"
#include "data/session_store_io.h"
#include "data/session_store_schema.h"

namespace shoprl {
namespace {

using namespace store_schema;

void write_features(Hdf5File& file, const std::string& group, const FeatureTable& table,
                    std::size_t rows) {
  if (table.empty()) return;
  const std::string numeric = group + kNumeric;
  const std::string categorical = group + kCategorical;
  file.write_matrix(numeric, table.numeric, rows, table.numeric_names.size());
  file.write_string_list_attribute(numeric, kNamesAttribute, table.numeric_names);
  file.write_matrix(categorical, table.categorical, rows, table.categorical_names.size());
  file.write_string_list_attribute(categorical, kNamesAttribute, table.categorical_names);
  for (std::size_t c = 0; c < table.categorical_names.size(); ++c) {
    file.write_strings(group + kVocabulary + table.categorical_names[c],
                       table.vocabularies[c].keys());
  }
}

// Optional columns are absent, not empty, when not recorded.
template <typename T>
void write_if_recorded(Hdf5File& file, const std::string& path, const std::vector<T>& values) {
  if (!values.empty()) file.write_array(path, values);
}

void write_header(Hdf5File& file, const StoreProvenance& provenance) {
  file.write_string_attribute(kRoot, kMagicAttribute, kStoreMagic);
  file.write_int_attribute(kRoot, kVersionAttribute, kStoreFormatVersion);
  file.write_string_attribute(kRoot, kCreatedByAttribute, provenance.created_by);
  file.write_string_attribute(kRoot, kSourceFormatAttribute, provenance.source_format);
  file.write_string_list_attribute(kRoot, kInputsAttribute, provenance.inputs);
  file.write_string_attribute(kRoot, kImportConfigAttribute, provenance.import_config_yaml);
  file.write_uint_attribute(kRoot, kSeedAttribute, provenance.seed);
  // Counts are int64, the integer numpy and most readers default to; they stay far below 2^63.
  file.write_int_attribute(kRoot, kRowsReadAttribute,
                           static_cast<std::int64_t>(provenance.rows_read));
  file.write_int_attribute(kRoot, kRowsSkippedAttribute,
                           static_cast<std::int64_t>(provenance.rows_skipped));
  file.write_int_attribute(kRoot, kEventsDroppedAttribute,
                           static_cast<std::int64_t>(provenance.events_dropped));
}

void write_items(Hdf5File& file, const SessionStore& store) {
  file.write_strings(kItemRawId, store.item_raw_id);
  if (!store.item_category.empty()) file.write_strings(kItemCategory, store.item_category);
  write_if_recorded(file, kItemPrice, store.item_price);
  write_features(file, kItemFeatures, store.item_features, store.num_items());
}

void write_sessions(Hdf5File& file, const SessionStore& store) {
  file.write_array(kSessionOffsets, store.session_offsets);
  file.write_strings(kSessionRawId, store.session_raw_id);
  file.write_array(kSessionSplit, store.session_split);
  std::vector<std::string> split_names;
  for (int split = 0; split < kNumSplits; ++split) {
    split_names.emplace_back(split_name(static_cast<Split>(split)));
  }
  file.write_string_list_attribute(kSessionSplit, kNamesAttribute, split_names);
  if (!store.session_user.empty()) {
    file.write_array(kSessionUser, store.session_user);
    file.write_strings(kUserRawId, store.user_raw_id);
  }
}

void write_events(Hdf5File& file, const SessionStore& store) {
  file.write_array(kEventItem, store.event_item);
  file.write_array(kEventType, store.event_type);
  std::vector<std::string> type_names;
  for (int type = 0; type < kNumEventTypes; ++type) {
    type_names.emplace_back(event_type_name(static_cast<EventType>(type)));
  }
  file.write_string_list_attribute(kEventType, kNamesAttribute, type_names);
  file.write_array(kEventTime, store.event_time_ms);
}

void write_impressions(Hdf5File& file, const StoreImpressions& impressions) {
  if (impressions.size() == 0) return;
  file.write_array(kImpressionSession, impressions.session);
  file.write_array(kImpressionSlate, impressions.slate);
  file.write_array(kImpressionItem, impressions.item);
  file.write_array(kImpressionPosition, impressions.position);
  file.write_array(kImpressionReward, impressions.reward);
  file.write_array(kImpressionPropensity, impressions.propensity);
  file.write_array(kImpressionTime, impressions.time_ms);
  write_features(file, kImpressionContext, impressions.context, impressions.size());
  write_if_recorded(file, kImpressionClick, impressions.click);
  write_if_recorded(file, kImpressionPurchase, impressions.purchase);
  write_if_recorded(file, kImpressionSlatePropensity, impressions.slate_propensity);
  write_if_recorded(file, kImpressionPrefixPropensity, impressions.prefix_propensity);
}

void write_truth(Hdf5File& file, const StoreTruth& truth, const SessionStore& store) {
  if (truth.empty()) return;
  file.create_group(kTruth);
  file.write_string_attribute(kTruth, kWorldConfigAttribute, truth.world_config_yaml);
  write_if_recorded(file, kTruthClickProbability, truth.click_probability);
  write_if_recorded(file, kTruthPurchaseProbability, truth.purchase_probability);
  write_if_recorded(file, kTruthExpectedReward, truth.expected_reward);
  const auto columns = static_cast<std::size_t>(truth.factor_dim);
  if (!truth.item_factors.empty()) {
    file.write_matrix(kTruthItemFactors, truth.item_factors, store.num_items(), columns);
  }
  if (!truth.user_factors.empty()) {
    file.write_matrix(kTruthUserFactors, truth.user_factors, store.user_raw_id.size(), columns);
  }
  if (truth.policy_values.empty()) return;
  std::vector<std::string> names;
  std::vector<double> values;
  std::vector<double> std_errors;
  std::vector<std::int64_t> episodes;
  for (const PolicyValue& policy : truth.policy_values) {
    names.push_back(policy.name);
    values.push_back(policy.value);
    std_errors.push_back(policy.std_error);
    episodes.push_back(policy.episodes);
  }
  file.write_strings(kTruthPolicyName, names);
  file.write_array(kTruthPolicyValue, values);
  file.write_array(kTruthPolicyStdError, std_errors);
  file.write_array(kTruthPolicyEpisodes, episodes);
}

}  // namespace

void write_session_store(const SessionStore& store, const std::filesystem::path& path,
                         const StoreTruth* truth) {
  const std::string name = path.string();
  // Before any file is touched: an inconsistent store must not replace a good one.
  validate_session_store(store, name);
  if (truth != nullptr) validate_store_truth(*truth, truth_rows(store), name);
  AtomicFile target(path);
  {
    Hdf5File file = Hdf5File::create(target.temp_path(), name);
    write_header(file, store.provenance);
    write_items(file, store);
    write_sessions(file, store);
    write_events(file, store);
    write_impressions(file, store.impressions);
    if (truth != nullptr) write_truth(file, *truth, store);
    file.close();
  }
  target.commit();
}

}  // namespace shoprl
