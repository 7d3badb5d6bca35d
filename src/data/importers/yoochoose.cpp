// YOOCHOOSE (RecSys Challenge 2015): yoochoose-clicks.dat (session_id,timestamp,item_id,category)
// and yoochoose-buys.dat (session_id,timestamp,item_id,price,quantity), comma-separated without a
// header, timestamps in ISO 8601 ("2014-04-07T10:51:09.277Z"). Either file or both may be given.
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

constexpr std::size_t kClickFields = 4;
constexpr std::size_t kBuyFields = 5;

}  // namespace

// A file is told apart by the field count of its first row: 4 = clicks, 5 = buys. A first row
// with another count stops the import even with skip_bad_rows, since the file's kind is unknown.
// Every buys row is one "buy" event whatever its quantity; buys of sessions that never clicked
// still form sessions.
void import_yoochoose(const std::vector<std::filesystem::path>& inputs, const ImportConfig& config,
                      RawLog& log) {
  require_inputs("yoochoose", inputs);
  RowErrors errors(config.skip_bad_rows, log.counters);
  EventResolver events("yoochoose", config, errors, log.counters);

  std::vector<std::string_view> fields;
  for (const auto& path : inputs) {
    LineReader reader(path);
    std::string_view line;
    read_first_line(reader, line);
    const std::size_t width = split_fields(line, ',', fields);
    if (width != kClickFields && width != kBuyFields) {
      throw DataError(reader.where() + ": expected 4 fields (clicks: session_id,timestamp," +
                      "item_id,category) or 5 (buys: session_id,timestamp,item_id,price," +
                      "quantity), found " + std::to_string(width));
    }
    reserve_events(log, path, line.size());
    const bool buys = width == kBuyFields;
    const std::string_view raw_event = buys ? "buy" : "click";

    std::uint64_t data_rows = 0;
    bool have_row = true;  // the first line is already split
    for (; have_row; have_row = reader.next(line)) {
      if (line.empty()) continue;  // blank lines (often trailing) are not rows
      ++data_rows;
      ++log.counters.rows_read;
      if (split_fields(line, ',', fields) != width) {
        errors.bad_row(reader, field_count_reason(width, fields.size()));
        continue;
      }
      if (fields[0].empty()) {
        errors.bad_row(reader, empty_field_reason("session_id"));
        continue;
      }
      if (fields[2].empty()) {
        errors.bad_row(reader, empty_field_reason("item_id"));
        continue;
      }
      std::int64_t time_ms = 0;
      if (!parse_iso8601_ms(fields[1], time_ms)) {
        errors.bad_row(reader, bad_value_reason("timestamp", fields[1], "ISO 8601 date-time"));
        continue;
      }
      double price = 0;
      if (buys) {
        std::int64_t quantity = 0;
        if (!parse_double(fields[3], price) || price < 0) {
          errors.bad_row(reader, bad_value_reason("price", fields[3], "a number >= 0"));
          continue;
        }
        if (!parse_int64(fields[4], quantity) || quantity < 0) {
          errors.bad_row(reader, bad_value_reason("quantity", fields[4], "an integer >= 0"));
          continue;
        }
      }
      const int type = events.resolve(raw_event, reader);
      if (type == EventResolver::kSkip) continue;

      const std::int32_t item = log.items.intern(fields[2]);
      log.add_event(log.intern_session(fields[0]), item, static_cast<std::uint8_t>(type), time_ms);
      // The challenge writes an unknown price as 0 (with quantity 0) and an unknown category
      // as "0"; "S" (on special offer) is kept as a category like the brand ids.
      if (buys && price != 0) remember_item_price(log, item, price);
      if (!buys && fields[3] != "0") remember_item_category(log, item, fields[3]);
    }
    require_data_rows(reader, data_rows);
  }
}

}  // namespace shoprl
