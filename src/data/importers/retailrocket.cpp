// RetailRocket e-commerce events (Kaggle "retailrocket/ecommerce-dataset", events.csv):
// timestamp,visitorid,event,itemid,transactionid with epoch-millisecond timestamps. The log has
// visitors but no sessions, so the session keys are visitors and preprocessing cuts them into
// sessions at inactivity gaps. The hot loop allocates nothing per row: fields are views into the
// reader's buffer and ids are interned straight from them (2.7M rows must take well under 1 s).
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

// Every input is read as one events.csv (a log split into parts is imported by listing them).
// transactionid is not used: a purchase is an event on its item, whatever the order it was in.
void import_retailrocket(const std::vector<std::filesystem::path>& inputs,
                         const ImportConfig& config, RawLog& log) {
  require_inputs("retailrocket", inputs);
  RowErrors errors(config.skip_bad_rows, log.counters);
  EventResolver events("retailrocket", config, errors, log.counters);
  const TimestampUnit unit = parse_timestamp_unit(config.timestamp_unit);
  // The keys are the visitors, and with this flag they are the users as well: log.users stays
  // empty rather than holding a second copy of 1.4M visitor ids (raw_log.h).
  log.session_keys_are_users = true;

  std::vector<std::string_view> fields;
  for (const auto& path : inputs) {
    LineReader reader(path);
    std::string_view line;
    read_first_line(reader, line);
    split_fields(line, ',', fields);
    const ColumnIndex columns(fields, reader.where());
    const auto time_column = static_cast<std::size_t>(columns.require("timestamp"));
    const auto visitor_column = static_cast<std::size_t>(columns.require("visitorid"));
    const auto event_column = static_cast<std::size_t>(columns.require("event"));
    const auto item_column = static_cast<std::size_t>(columns.require("itemid"));
    const std::size_t width = columns.size();

    std::uint64_t data_rows = 0;
    while (reader.next(line)) {
      if (line.empty()) continue;  // blank lines (often trailing) are not rows
      if (data_rows == 0) reserve_events(log, path, line.size());
      ++data_rows;
      ++log.counters.rows_read;
      if (split_fields(line, ',', fields) != width) {
        errors.bad_row(reader, field_count_reason(width, fields.size()));
        continue;
      }
      const std::string_view visitor = fields[visitor_column];
      const std::string_view item = fields[item_column];
      if (visitor.empty()) {
        errors.bad_row(reader, empty_field_reason("visitorid"));
        continue;
      }
      if (item.empty()) {
        errors.bad_row(reader, empty_field_reason("itemid"));
        continue;
      }
      std::int64_t time_ms = 0;
      if (!parse_epoch_ms(fields[time_column], unit, time_ms)) {
        errors.bad_row(reader, bad_value_reason("timestamp", fields[time_column], "epoch number"));
        continue;
      }
      const int type = events.resolve(fields[event_column], reader);
      if (type == EventResolver::kSkip) continue;

      log.add_event(log.intern_session(visitor), log.items.intern(item),
                    static_cast<std::uint8_t>(type), time_ms);
    }
    require_data_rows(reader, data_rows);
  }
}

}  // namespace shoprl
