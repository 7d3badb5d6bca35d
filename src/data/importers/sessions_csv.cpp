// The generic format: any delimited text file with a header, its columns named in import.csv
// (session, timestamp, item, event; optionally user, price, category). Timestamps are epoch
// numbers (unit from import.timestamp_unit) or ISO 8601 text.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "data/csv_fields.h"
#include "data/importer_registry.h"
#include "data/importers/importer_support.h"
#include "data/line_reader.h"
#include "data/row_errors.h"
#include "data/timestamp.h"

namespace shoprl {

using namespace importer_support;

namespace {

// YAML has no easy way to write a tab, so the config spells it "\t" (backslash, t).
char delimiter_from_config(const std::string& text) {
  if (text == "\\t") return '\t';
  if (text.size() == 1) return text[0];
  throw ConfigError("import.csv.delimiter must be one character or \"\\t\", got '" + text + "'");
}

// A configured optional column must exist; "" means the log has none.
int optional_column(const ColumnIndex& columns, const std::string& name) {
  return name.empty() ? -1 : columns.require(name);
}

}  // namespace

// An empty user, price or category cell means unknown. A session keeps the first user it is
// seen with, an item its first category and price. A price of 0 is a price (free items exist);
// a negative one is a bad row.
void import_sessions_csv(const std::vector<std::filesystem::path>& inputs,
                         const ImportConfig& config, RawLog& log) {
  require_inputs("sessions-csv", inputs);
  RowErrors errors(config.skip_bad_rows, log.counters);
  EventResolver events("sessions-csv", config, errors, log.counters);
  const TimestampUnit unit = parse_timestamp_unit(config.timestamp_unit);
  const char delimiter = delimiter_from_config(config.csv.delimiter);
  const CsvColumnsConfig& names = config.csv;

  std::vector<std::string_view> fields;
  for (const auto& path : inputs) {
    LineReader reader(path);
    std::string_view line;
    read_first_line(reader, line);
    split_fields(line, delimiter, fields);
    const ColumnIndex columns(fields, reader.where());
    const auto session_column = static_cast<std::size_t>(columns.require(names.session));
    const auto time_column = static_cast<std::size_t>(columns.require(names.timestamp));
    const auto item_column = static_cast<std::size_t>(columns.require(names.item));
    const auto event_column = static_cast<std::size_t>(columns.require(names.event));
    const int user_column = optional_column(columns, names.user);
    const int price_column = optional_column(columns, names.price);
    const int category_column = optional_column(columns, names.category);
    const std::size_t width = columns.size();

    std::uint64_t data_rows = 0;
    while (reader.next(line)) {
      if (line.empty()) continue;  // blank lines (often trailing) are not rows
      if (data_rows == 0) reserve_events(log, path, line.size());
      ++data_rows;
      ++log.counters.rows_read;
      if (split_fields(line, delimiter, fields) != width) {
        errors.bad_row(reader, field_count_reason(width, fields.size()));
        continue;
      }
      const std::string_view session_id = fields[session_column];
      const std::string_view item_id = fields[item_column];
      if (session_id.empty()) {
        errors.bad_row(reader, empty_field_reason(names.session));
        continue;
      }
      if (item_id.empty()) {
        errors.bad_row(reader, empty_field_reason(names.item));
        continue;
      }
      std::int64_t time_ms = 0;
      if (!parse_timestamp_ms(fields[time_column], unit, time_ms)) {
        errors.bad_row(reader, bad_value_reason(names.timestamp, fields[time_column],
                                                "an epoch number or ISO 8601 date-time"));
        continue;
      }
      double price = 0;
      const std::string_view price_text =
          price_column >= 0 ? fields[static_cast<std::size_t>(price_column)] : std::string_view();
      if (!price_text.empty() && (!parse_double(price_text, price) || price < 0)) {
        errors.bad_row(reader, bad_value_reason(names.price, price_text, "a number >= 0"));
        continue;
      }
      const int type = events.resolve(fields[event_column], reader);
      if (type == EventResolver::kSkip) continue;

      const std::int32_t session = log.intern_session(session_id);
      const std::int32_t item = log.items.intern(item_id);
      log.add_event(session, item, static_cast<std::uint8_t>(type), time_ms);
      if (user_column >= 0) {
        const std::string_view user_id = fields[static_cast<std::size_t>(user_column)];
        std::int32_t& user = log.session_user[static_cast<std::size_t>(session)];
        if (user < 0 && !user_id.empty()) user = log.users.intern(user_id);
      }
      if (!price_text.empty()) remember_item_price(log, item, price);
      if (category_column >= 0) {
        remember_item_category(log, item, fields[static_cast<std::size_t>(category_column)]);
      }
    }
    require_data_rows(reader, data_rows);
  }
}

}  // namespace shoprl
