// Open Bandit Dataset (Saito, Aihara, Matsutani & Narita, arXiv:2008.07146): a log csv
// such as men.csv (,timestamp,item_id,position,click,propensity_score,user_feature_0..3,
// user-item_affinity_0..N, the first column being pandas' unnamed row index) and optionally
// item_context.csv (,item_id,item_feature_0..3). Files are told apart by their header.
// Each log row is one bandit round with one impression; the round is its own session, so the
// row index is the session key, and a click is also a click event of that session.
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_fields.h"
#include "data/importer_registry.h"
#include "data/importers/importer_support.h"
#include "data/line_reader.h"
#include "data/row_errors.h"
#include "data/timestamp.h"

namespace shoprl {

using namespace importer_support;

namespace {

constexpr char kOpenBanditDelimiter = ',';

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// In the dataset's documented use, user_feature_* and the item features other than
// item_feature_0 are categorical (hashed) and the rest are numbers. Hashes could, by chance,
// look like numbers, so those columns are categorical by name; any other column is numeric
// when its value in the first well-formed data row is a number, else categorical.
bool categorical_by_name(std::string_view name) {
  return starts_with(name, "user_feature_") ||
         (starts_with(name, "item_feature_") && name != "item_feature_0");
}

// The feature columns of one file and their place in its FeatureTable.
class FeatureColumns {
 public:
  // Decides the kind of each column in `candidates` from the first well-formed row.
  void classify(const std::vector<std::string_view>& header,
                const std::vector<std::size_t>& candidates,
                const std::vector<std::string_view>& first_row, FeatureTable& table) {
    for (const std::size_t column : candidates) {
      double ignored = 0;
      if (!categorical_by_name(header[column]) && parse_double(first_row[column], ignored)) {
        numeric_.push_back(column);
        table.numeric_names.emplace_back(header[column]);
      } else {
        categorical_.push_back(column);
        table.categorical_names.emplace_back(header[column]);
      }
    }
    table.vocabularies.resize(categorical_.size());
    numbers_.resize(numeric_.size());
  }

  // Parses the numeric columns of a row; false with `reason` when one is not a number.
  bool parse(const std::vector<std::string_view>& header, const std::vector<std::string_view>& row,
             std::string& reason) {
    for (std::size_t j = 0; j < numeric_.size(); ++j) {
      double value = 0;
      if (!parse_double(row[numeric_[j]], value)) {
        reason = bad_value_reason(header[numeric_[j]], row[numeric_[j]],
                                  "a number, as in the first data row");
        return false;
      }
      numbers_[j] = static_cast<float>(value);
    }
    for (const std::size_t column : categorical_) {
      if (row[column].empty()) {
        reason = empty_field_reason(header[column]);
        return false;
      }
    }
    return true;
  }

  // Writes the row parsed last at `row_index` of the table (appends when it is the next row).
  void store(const std::vector<std::string_view>& row, std::size_t row_index,
             FeatureTable& table) const {
    const std::size_t numeric_width = numeric_.size();
    const std::size_t categorical_width = categorical_.size();
    if (table.numeric.size() < (row_index + 1) * numeric_width) {
      table.numeric.resize((row_index + 1) * numeric_width,
                           std::numeric_limits<float>::quiet_NaN());
    }
    if (table.categorical.size() < (row_index + 1) * categorical_width) {
      table.categorical.resize((row_index + 1) * categorical_width, -1);
    }
    for (std::size_t j = 0; j < numeric_width; ++j) {
      table.numeric[row_index * numeric_width + j] = numbers_[j];
    }
    for (std::size_t j = 0; j < categorical_width; ++j) {
      table.categorical[row_index * categorical_width + j] =
          table.vocabularies[j].intern(row[categorical_[j]]);
    }
  }

 private:
  std::vector<std::size_t> numeric_;
  std::vector<std::size_t> categorical_;
  std::vector<float> numbers_;
};

// A header row kept beyond the line it was read from: the fields are views into the reader's
// buffer, which the next line reuses, so the names are owned and `views` point into them.
struct Header {
  std::vector<std::string> owned;
  std::vector<std::string_view> views;

  explicit Header(const std::vector<std::string_view>& fields)
      : owned(fields.begin(), fields.end()), views(owned.begin(), owned.end()) {}
};

// The unnamed first column that pandas writes for the row index.
std::size_t index_column(const std::vector<std::string_view>& header, const LineReader& reader) {
  if (header.empty() || !header[0].empty()) {
    throw DataError(reader.where() +
                    ": missing column '' (the unnamed row index that pandas writes first)");
  }
  return 0;
}

class OpenBanditReader {
 public:
  OpenBanditReader(const ImportConfig& config, RawLog& log)
      : log_(log),
        unit_(parse_timestamp_unit(config.timestamp_unit)),
        errors_(config.skip_bad_rows, log.counters),
        events_("open-bandit", config, errors_, log.counters) {}

  void read_log(const std::filesystem::path& path) {
    LineReader reader(path);
    std::string_view line;
    read_first_line(reader, line);
    split_fields(line, kOpenBanditDelimiter, fields_);
    const Header header(fields_);
    const std::vector<std::string_view>& names = header.views;
    const ColumnIndex columns(names, reader.where());
    const std::size_t round_column = index_column(names, reader);
    const auto time_column = static_cast<std::size_t>(columns.require("timestamp"));
    const auto item_column = static_cast<std::size_t>(columns.require("item_id"));
    const auto position_column = static_cast<std::size_t>(columns.require("position"));
    const auto click_column = static_cast<std::size_t>(columns.require("click"));
    const auto propensity_column = static_cast<std::size_t>(columns.require("propensity_score"));
    std::vector<std::size_t> feature_candidates;
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (c != round_column && c != time_column && c != item_column && c != position_column &&
          c != click_column && c != propensity_column) {
        feature_candidates.push_back(c);
      }
    }
    const std::size_t width = columns.size();
    RawImpressions& shown = log_.impressions;
    FeatureColumns features;
    bool classified = false;
    std::string reason;

    std::uint64_t data_rows = 0;
    while (reader.next(line)) {
      if (line.empty()) continue;  // blank lines (often trailing) are not rows
      ++data_rows;
      ++log_.counters.rows_read;
      if (split_fields(line, kOpenBanditDelimiter, fields_) != width) {
        errors_.bad_row(reader, field_count_reason(width, fields_.size()));
        continue;
      }
      if (!classified) {
        features.classify(names, feature_candidates, fields_, shown.context);
        classified = true;
      }
      const std::string_view round_id = fields_[round_column];
      const std::string_view item_id = fields_[item_column];
      if (round_id.empty()) {
        errors_.bad_row(reader, empty_field_reason("row index"));
        continue;
      }
      if (item_id.empty()) {
        errors_.bad_row(reader, empty_field_reason("item_id"));
        continue;
      }
      std::int64_t time_ms = 0;
      if (!parse_timestamp_ms(fields_[time_column], unit_, time_ms)) {
        errors_.bad_row(reader, bad_value_reason("timestamp", fields_[time_column],
                                                 "an epoch number or ISO 8601 date-time"));
        continue;
      }
      std::int64_t position = 0;
      if (!parse_int64(fields_[position_column], position) || position < 1 ||
          position > std::numeric_limits<std::int16_t>::max()) {
        errors_.bad_row(reader, bad_value_reason("position", fields_[position_column],
                                                 "a 1-based slot number"));
        continue;
      }
      std::int64_t click = 0;
      if (!parse_int64(fields_[click_column], click) || (click != 0 && click != 1)) {
        errors_.bad_row(reader, bad_value_reason("click", fields_[click_column], "0 or 1"));
        continue;
      }
      // A zero propensity would make every importance weight of this round infinite.
      double propensity = 0;
      if (!parse_double(fields_[propensity_column], propensity) || !(propensity > 0) ||
          propensity > 1) {
        errors_.bad_row(reader, bad_value_reason("propensity_score", fields_[propensity_column],
                                                 "a probability in (0, 1]"));
        continue;
      }
      if (!features.parse(names, fields_, reason)) {
        errors_.bad_row(reader, reason);
        continue;
      }
      // The last check, and the first change: interning a key that exists changes nothing.
      const std::size_t rounds_before = log_.session_keys.size();
      const std::int32_t session = log_.intern_session(round_id);
      if (log_.session_keys.size() == rounds_before) {
        errors_.bad_row(reader, "duplicate row index '" + std::string(round_id) +
                                    "' (each row is its own bandit round)");
        continue;
      }
      const int click_type = click == 1 ? events_.resolve("click", reader) : EventResolver::kSkip;
      const std::int32_t item = log_.items.intern(item_id);
      features.store(fields_, shown.size(), shown.context);
      shown.session_key.push_back(session);
      shown.slate.push_back(session);  // one impression per round: the round is the slate
      shown.item.push_back(item);
      shown.position.push_back(static_cast<std::int16_t>(position - 1));
      shown.reward.push_back(static_cast<float>(click));
      shown.propensity.push_back(propensity);
      shown.time_ms.push_back(time_ms);
      if (click_type != EventResolver::kSkip) {
        log_.add_event(session, item, static_cast<std::uint8_t>(click_type), time_ms);
      }
    }
    require_data_rows(reader, data_rows);
  }

  // Items listed here but never shown in the log are interned too: the item context is the
  // policy's action set (the dataset's n_actions), and an evaluated policy may choose any of them.
  // Items shown in the log but absent here keep NaN numbers and category code -1 (unknown).
  void read_item_context(const std::filesystem::path& path) {
    LineReader reader(path);
    std::string_view line;
    read_first_line(reader, line);
    split_fields(line, kOpenBanditDelimiter, fields_);
    const Header header(fields_);
    const std::vector<std::string_view>& names = header.views;
    const ColumnIndex columns(names, reader.where());
    const auto item_column = static_cast<std::size_t>(columns.require("item_id"));
    std::vector<std::size_t> feature_candidates;
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (c != item_column && !(c == 0 && names[0].empty())) feature_candidates.push_back(c);
    }
    const std::size_t width = columns.size();
    FeatureTable& table = log_.item_features;
    FeatureColumns features;
    bool classified = false;
    std::vector<bool> seen;
    std::string reason;

    std::uint64_t data_rows = 0;
    while (reader.next(line)) {
      if (line.empty()) continue;
      ++data_rows;
      ++log_.counters.rows_read;
      if (split_fields(line, kOpenBanditDelimiter, fields_) != width) {
        errors_.bad_row(reader, field_count_reason(width, fields_.size()));
        continue;
      }
      if (!classified) {
        features.classify(names, feature_candidates, fields_, table);
        classified = true;
      }
      const std::string_view item_id = fields_[item_column];
      if (item_id.empty()) {
        errors_.bad_row(reader, empty_field_reason("item_id"));
        continue;
      }
      if (!features.parse(names, fields_, reason)) {
        errors_.bad_row(reader, reason);
        continue;
      }
      const auto item = static_cast<std::size_t>(log_.items.intern(item_id));
      if (seen.size() <= item) seen.resize(item + 1, false);
      if (seen[item]) {
        errors_.bad_row(reader, "duplicate item_id '" + std::string(item_id) + "'");
        continue;
      }
      seen[item] = true;
      features.store(fields_, item, table);
    }
    require_data_rows(reader, data_rows);
    // Pad to one row per item, so that rows() is the catalogue size.
    if (!table.numeric_names.empty()) {
      table.numeric.resize(log_.items.size() * table.numeric_names.size(),
                           std::numeric_limits<float>::quiet_NaN());
    }
    if (!table.categorical_names.empty()) {
      table.categorical.resize(log_.items.size() * table.categorical_names.size(), -1);
    }
  }

 private:
  RawLog& log_;
  TimestampUnit unit_;
  RowErrors errors_;
  EventResolver events_;
  std::vector<std::string_view> fields_;
};

// A log has bandit columns; an item context has none of them. (Deciding on propensity_score
// alone would take a log that lacks it for an item context and hide the missing column.)
bool is_item_context(const std::filesystem::path& path) {
  LineReader reader(path);
  std::string_view line;
  read_first_line(reader, line);
  std::vector<std::string_view> header;
  split_fields(line, kOpenBanditDelimiter, header);
  const ColumnIndex columns(header, reader.where());
  for (const char* name : {"timestamp", "position", "click", "propensity_score"}) {
    if (columns.optional(name) >= 0) return false;
  }
  return true;
}

}  // namespace

// One log file per import: row indices restart at 0 in every OBD file, so two logs would merge
// different rounds into one session. The item context is read after the log whatever the
// argument order, so item indices follow the log's order of first appearance.
void import_open_bandit(const std::vector<std::filesystem::path>& inputs,
                        const ImportConfig& config, RawLog& log) {
  require_inputs("open-bandit", inputs);
  std::vector<std::filesystem::path> logs, contexts;
  for (const auto& path : inputs) (is_item_context(path) ? contexts : logs).push_back(path);
  if (logs.size() != 1 || contexts.size() > 1) {
    throw ConfigError(
        "import.inputs: the open-bandit importer takes one log csv (with "
        "timestamp, position, click, propensity_score) and at most one "
        "item_context.csv; got " +
        std::to_string(logs.size()) + " logs and " + std::to_string(contexts.size()) +
        " item contexts");
  }
  OpenBanditReader reader(config, log);
  reader.read_log(logs.front());
  if (!contexts.empty()) reader.read_item_context(contexts.front());
}

}  // namespace shoprl
