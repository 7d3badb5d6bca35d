// The bookkeeping every importer shares, so that the format files keep only their own parsing:
// the event mapping with its drop and unknown rules, the empty-file and header checks, and the
// wording of row errors. Header-only: each importer is one translation unit of the data target.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/huge_pages.h"
#include "data/event_type.h"
#include "data/importer_registry.h"
#include "data/line_reader.h"
#include "data/raw_log.h"
#include "data/row_errors.h"

namespace shoprl::importer_support {

// The format's defaults from the registry with import.events laid over them.
inline EventMap event_map_for(const char* format, const ImportConfig& config) {
  return EventMap(find_importer(format).default_events, config.events);
}

// Raw event name -> event type for one row: counts the events mapped to "drop", and reports an
// unknown name as a bad row (so import.skip_bad_rows counts it instead of stopping).
class EventResolver {
 public:
  static constexpr int kSkip = -1;

  EventResolver(const char* format, const ImportConfig& config, RowErrors& errors,
                ImportCounters& counters)
      : map_(event_map_for(format, config)), errors_(errors), counters_(counters) {}

  // The event type (0..2), or kSkip when the row is dropped or bad.
  int resolve(std::string_view raw, const LineReader& reader) {
    const int target = map_.map(raw);
    if (target >= 0) return target;
    if (target == EventMap::kDrop) {
      ++counters_.events_dropped;
    } else {
      errors_.bad_row(reader, unknown_event_reason(raw));
    }
    return kSkip;
  }

  std::string unknown_event_reason(std::string_view raw) const {
    return "unknown event '" + std::string(raw) + "' (known: " + map_.known_names() +
           "; map others with import.events)";
  }
  const EventMap& map() const { return map_; }

 private:
  EventMap map_;
  RowErrors& errors_;
  ImportCounters& counters_;
};

// Item attributes keep the first known value: a log's category or price of an item may change
// over time, and the first is what a recommender saw when the item entered the log.
inline void remember_item_category(RawLog& log, std::int32_t item, std::string_view category) {
  if (category.empty()) return;
  const auto index = static_cast<std::size_t>(item);
  if (log.item_category.size() <= index) log.item_category.resize(log.items.size());
  if (log.item_category[index].empty()) log.item_category[index] = std::string(category);
}

inline void remember_item_price(RawLog& log, std::int32_t item, double price) {
  const auto index = static_cast<std::size_t>(item);
  if (log.item_price.size() <= index) {
    log.item_price.resize(log.items.size(), std::numeric_limits<double>::quiet_NaN());
  }
  if (std::isnan(log.item_price[index])) log.item_price[index] = price;
}

// Reserves the event arrays for a plain-text file from its size and the length of its first
// data row (over by a quarter): growing them by doubling copies the log and touches twice its
// memory. Gzip files are left to grow, since their text size is unknown until read.
inline void reserve_events(RawLog& log, const std::filesystem::path& path,
                           std::size_t first_row_bytes) {
  std::ifstream file(path, std::ios::binary);
  char magic[2] = {0, 0};
  file.read(magic, 2);
  if (magic[0] == '\x1f' && magic[1] == '\x8b') return;
  std::error_code error;
  const std::uintmax_t bytes = std::filesystem::file_size(path, error);
  if (error) return;
  const std::size_t rows = static_cast<std::size_t>(bytes / (first_row_bytes + 1)) * 5 / 4;
  const std::size_t events = log.num_events() + rows;
  reserve_huge(log.event_session, events);
  reserve_huge(log.event_item, events);
  reserve_huge(log.event_type, events);
  reserve_huge(log.event_time_ms, events);
  // Keys and items are fewer than rows; a quarter of the rows is a cheap upper guess for the
  // visitor dictionary of click logs and saves its rehashes.
  log.session_keys.reserve(rows / 4);
}

inline void require_inputs(const char* format, const std::vector<std::filesystem::path>& inputs) {
  if (inputs.empty()) {
    throw ConfigError(std::string("import.inputs: the ") + format +
                      " importer needs at least one input file");
  }
}

// The first line of a file; DataError "<file>: empty file" when there is none.
inline void read_first_line(LineReader& reader, std::string_view& line) {
  if (!reader.next(line)) throw DataError(reader.path() + ": empty file");
}

// A file that has a header but no data row is as useless as an empty one, and almost always a
// wrong path or a failed export, so it stops the import rather than passing silently.
inline void require_data_rows(const LineReader& reader, std::uint64_t data_rows) {
  if (data_rows == 0) throw DataError(reader.path() + ": empty file (no data rows)");
}

inline std::string field_count_reason(std::size_t expected, std::size_t found) {
  return "expected " + std::to_string(expected) + " fields, found " + std::to_string(found);
}

inline std::string empty_field_reason(std::string_view column) {
  return "empty " + std::string(column);
}

inline std::string bad_value_reason(std::string_view column, std::string_view value,
                                    std::string_view expected) {
  return "bad " + std::string(column) + " '" + std::string(value) + "' (expected " +
         std::string(expected) + ")";
}

}  // namespace shoprl::importer_support
