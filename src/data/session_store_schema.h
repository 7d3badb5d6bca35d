// The session store's layout as the reader and writer share it: dataset and attribute paths,
// and the consistency rules checked after reading and before writing, so that nothing written
// can fail to read back. The prose version is docs/data-format.md.
#pragma once

#include <string>

#include "data/session_store.h"

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

// Inside a feature group (kItemFeatures, kImpressionContext).
inline constexpr const char* kNumeric = "/numeric";
inline constexpr const char* kCategorical = "/categorical";
inline constexpr const char* kVocabulary = "/vocabulary/";  // + column name

// DataError "<file>: dataset <path>: <problem>" for the first rule broken: lengths that
// disagree, offsets that are not CSR over the events, indices, event types, splits or
// categorical codes out of range, categorical column names unusable as HDF5 link names.
// Defined in session_store_reader.cpp, beside the reading it completes.
void validate_session_store(const SessionStore& store, const std::string& file);

}  // namespace shoprl::store_schema
