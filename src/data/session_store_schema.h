// The session store's layout as the reader and writer share it: dataset and attribute paths,
// and the consistency rules checked after reading and before writing, so that nothing written
// can fail to read back. The prose version is docs/data-format.md.
#pragma once

#include <string>

#include "data/session_store.h"
#include "data/store_truth.h"

namespace shoprl::store_schema {

// Attributes of the root group.
inline constexpr const char* kRoot = "/";
inline constexpr const char* kMagicAttribute = "shoprl_format";
inline constexpr const char* kVersionAttribute = "format_version";
inline constexpr const char* kCreatedByAttribute = "created_by";
inline constexpr const char* kSourceFormatAttribute = "source_format";
inline constexpr const char* kInputsAttribute = "inputs";
inline constexpr const char* kImportConfigAttribute = "import_config";
inline constexpr const char* kSeedAttribute = "seed";
inline constexpr const char* kRowsReadAttribute = "rows_read";
inline constexpr const char* kRowsSkippedAttribute = "rows_skipped";
inline constexpr const char* kEventsDroppedAttribute = "events_dropped";
// Column names of a feature matrix, and the code names of /sessions/split and /events/type.
inline constexpr const char* kNamesAttribute = "names";

inline constexpr const char* kItemRawId = "/items/raw_id";
inline constexpr const char* kItemCategory = "/items/category";
inline constexpr const char* kItemPrice = "/items/price";
inline constexpr const char* kItemFeatures = "/items/features";

inline constexpr const char* kSessionOffsets = "/sessions/offsets";
inline constexpr const char* kSessionRawId = "/sessions/raw_id";
inline constexpr const char* kSessionSplit = "/sessions/split";
inline constexpr const char* kSessionUser = "/sessions/user";
inline constexpr const char* kUserRawId = "/users/raw_id";

inline constexpr const char* kEventItem = "/events/item";
inline constexpr const char* kEventType = "/events/type";
inline constexpr const char* kEventTime = "/events/timestamp_ms";

inline constexpr const char* kImpressions = "/impressions";
inline constexpr const char* kImpressionSession = "/impressions/session";
inline constexpr const char* kImpressionSlate = "/impressions/slate";
inline constexpr const char* kImpressionItem = "/impressions/item";
inline constexpr const char* kImpressionPosition = "/impressions/position";
inline constexpr const char* kImpressionReward = "/impressions/reward";
inline constexpr const char* kImpressionPropensity = "/impressions/propensity";
inline constexpr const char* kImpressionTime = "/impressions/timestamp_ms";
inline constexpr const char* kImpressionContext = "/impressions/context";
inline constexpr const char* kImpressionClick = "/impressions/click";
inline constexpr const char* kImpressionPurchase = "/impressions/purchase";
inline constexpr const char* kImpressionSlatePropensity = "/impressions/slate_propensity";
inline constexpr const char* kImpressionPrefixPropensity = "/impressions/prefix_propensity";

// Ground truth of a synthetic store (data/store_truth.h); the group exists iff it has any.
inline constexpr const char* kTruth = "/truth";
inline constexpr const char* kWorldConfigAttribute = "world_config";  // of kTruth
inline constexpr const char* kTruthClickProbability = "/truth/impressions/click_probability";
inline constexpr const char* kTruthPurchaseProbability = "/truth/impressions/purchase_probability";
inline constexpr const char* kTruthExpectedReward = "/truth/impressions/expected_reward";
inline constexpr const char* kTruthItemFactors = "/truth/items/factors";
inline constexpr const char* kTruthUserFactors = "/truth/users/factors";
inline constexpr const char* kTruthPolicyValues = "/truth/policy_values";
inline constexpr const char* kTruthPolicyName = "/truth/policy_values/name";
inline constexpr const char* kTruthPolicyValue = "/truth/policy_values/value";
inline constexpr const char* kTruthPolicyStdError = "/truth/policy_values/std_error";
inline constexpr const char* kTruthPolicyEpisodes = "/truth/policy_values/episodes";

// Inside a feature group (kItemFeatures, kImpressionContext).
inline constexpr const char* kNumeric = "/numeric";
inline constexpr const char* kCategorical = "/categorical";
inline constexpr const char* kVocabulary = "/vocabulary/";  // + column name

// DataError "<file>: dataset <path>: <problem>" for the first rule broken: lengths that
// disagree, offsets that are not CSR over the events, indices, event types, splits or
// categorical codes out of range, categorical column names unusable as HDF5 link names,
// click/purchase flags other than 0/1 or a purchase without its click, propensities outside
// (0, 1] that are not NaN. Defined in session_store_reader.cpp, beside the reading it completes.
void validate_session_store(const SessionStore& store, const std::string& file);

// The row counts of a store that its truth is checked against: read whole or from the shapes
// of its datasets alone.
struct TruthRows {
  std::size_t impressions = 0;  // M
  std::size_t items = 0;        // I
  std::size_t users = 0;        // U, rows of /users/raw_id
};
TruthRows truth_rows(const SessionStore& store);

// DataError "<file>: dataset <path>: <problem>" for the first rule broken: per-impression
// columns without M rows, factor matrices without I (U) rows of factor_dim columns, a
// factor_dim with neither matrix, probabilities outside [0, 1], expected rewards or policy
// values that are not finite, negative standard errors or episode counts, policy names empty
// or repeated. Defined in session_store_reader.cpp.
void validate_store_truth(const StoreTruth& truth, const TruthRows& rows, const std::string& file);

}  // namespace shoprl::store_schema
