// DIGINETICA (CIKM Cup 2016, track 2): ';'-separated files with a header, told apart by it:
//   views       session_id;user_id;item_id;timeframe;eventdate  (or the original sessionId;...)
//   purchases   sessionId;userId;timeframe;eventdate;ordernumber;itemId
//   categories  itemId;categoryId                                (optional)
// An event's time is its eventdate (UTC midnight) plus timeframe, the milliseconds since its
// session started.
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

constexpr char kDigineticaDelimiter = ';';

enum class DigineticaFile { kViews, kPurchases, kCategories };

DigineticaFile classify(const ColumnIndex& columns) {
  if (columns.optional("categoryId") >= 0) return DigineticaFile::kCategories;
  if (columns.optional("ordernumber") >= 0) return DigineticaFile::kPurchases;
  return DigineticaFile::kViews;
}

// The column under either spelling: SR-GNN's copies of the views file renamed the original
// camelCase header to snake_case. When both are absent, ColumnIndex's error names both.
std::size_t either_column(const ColumnIndex& columns, const std::string& snake,
                          const std::string& camel) {
  const int snake_index = columns.optional(snake);
  if (snake_index >= 0) return static_cast<std::size_t>(snake_index);
  const int camel_index = columns.optional(camel);
  if (camel_index >= 0) return static_cast<std::size_t>(camel_index);
  return static_cast<std::size_t>(columns.require(snake + "' or '" + camel));
}

class DigineticaReader {
 public:
  DigineticaReader(const ImportConfig& config, RawLog& log)
      : log_(log),
        errors_(config.skip_bad_rows, log.counters),
        events_("diginetica", config, errors_, log.counters) {}

  void read_events(const std::filesystem::path& path, DigineticaFile kind) {
    LineReader reader(path);
    std::string_view line;
    read_first_line(reader, line);
    split_fields(line, kDigineticaDelimiter, fields_);
    const ColumnIndex columns(fields_, reader.where());
    const std::size_t session_column = either_column(columns, "session_id", "sessionId");
    const std::size_t user_column = either_column(columns, "user_id", "userId");
    const std::size_t item_column = either_column(columns, "item_id", "itemId");
    const auto timeframe_column = static_cast<std::size_t>(columns.require("timeframe"));
    const auto date_column = static_cast<std::size_t>(columns.require("eventdate"));
    const std::size_t width = columns.size();
    const std::string_view raw_event = kind == DigineticaFile::kViews ? "view" : "purchase";

    std::uint64_t data_rows = 0;
    while (reader.next(line)) {
      if (line.empty()) continue;  // blank lines (often trailing) are not rows
      if (data_rows == 0) reserve_events(log_, path, line.size());
      ++data_rows;
      ++log_.counters.rows_read;
      if (split_fields(line, kDigineticaDelimiter, fields_) != width) {
        errors_.bad_row(reader, field_count_reason(width, fields_.size()));
        continue;
      }
      const std::string_view session_id = fields_[session_column];
      const std::string_view user_id = fields_[user_column];
      const std::string_view item_id = fields_[item_column];
      if (session_id.empty()) {
        errors_.bad_row(reader, empty_field_reason("sessionId"));
        continue;
      }
      if (item_id.empty()) {
        errors_.bad_row(reader, empty_field_reason("itemId"));
        continue;
      }
      std::int64_t timeframe_ms = 0;
      if (!parse_int64(fields_[timeframe_column], timeframe_ms) || timeframe_ms < 0) {
        errors_.bad_row(reader, bad_value_reason("timeframe", fields_[timeframe_column],
                                                 "milliseconds since the session start"));
        continue;
      }
      std::int64_t date_ms = 0;
      const std::string_view date = fields_[date_column];
      if (date.size() != 10 || !parse_iso8601_ms(date, date_ms)) {
        errors_.bad_row(reader, bad_value_reason("eventdate", date, "YYYY-MM-DD"));
        continue;
      }
      const int type = events_.resolve(raw_event, reader);
      if (type == EventResolver::kSkip) continue;

      const std::int32_t session = log_.intern_session(session_id);
      // "NA" marks an anonymous session; a session keeps the first user it is seen with.
      std::int32_t& user = log_.session_user[static_cast<std::size_t>(session)];
      if (user < 0 && !user_id.empty() && user_id != "NA") user = log_.users.intern(user_id);
      log_.add_event(session, log_.items.intern(item_id), static_cast<std::uint8_t>(type),
                     date_ms + timeframe_ms);
    }
    require_data_rows(reader, data_rows);
  }

  // Categories only describe items that have events: the catalogue file lists 184k items, most
  // never seen in a views sample, and they would only bloat the store.
  void read_categories(const std::filesystem::path& path) {
    LineReader reader(path);
    std::string_view line;
    read_first_line(reader, line);
    split_fields(line, kDigineticaDelimiter, fields_);
    const ColumnIndex columns(fields_, reader.where());
    const auto item_column = static_cast<std::size_t>(columns.require("itemId"));
    const auto category_column = static_cast<std::size_t>(columns.require("categoryId"));
    const std::size_t width = columns.size();
    log_.item_category.resize(log_.items.size());

    std::uint64_t data_rows = 0;
    while (reader.next(line)) {
      if (line.empty()) continue;
      ++data_rows;
      ++log_.counters.rows_read;
      if (split_fields(line, kDigineticaDelimiter, fields_) != width) {
        errors_.bad_row(reader, field_count_reason(width, fields_.size()));
        continue;
      }
      if (fields_[item_column].empty()) {
        errors_.bad_row(reader, empty_field_reason("itemId"));
        continue;
      }
      const std::int32_t item = log_.items.find(fields_[item_column]);
      if (item < 0) continue;
      std::string& category = log_.item_category[static_cast<std::size_t>(item)];
      if (category.empty()) category = std::string(fields_[category_column]);
    }
    require_data_rows(reader, data_rows);
  }

 private:
  RawLog& log_;
  RowErrors errors_;
  EventResolver events_;
  std::vector<std::string_view> fields_;
};

DigineticaFile classify_file(const std::filesystem::path& path) {
  LineReader reader(path);
  std::string_view line;
  read_first_line(reader, line);
  std::vector<std::string_view> header;
  split_fields(line, kDigineticaDelimiter, header);
  return classify(ColumnIndex(header, reader.where()));
}

}  // namespace

// The categories file is read after the event files whatever the argument order, because it
// can only be joined to items that the events have already interned.
void import_diginetica(const std::vector<std::filesystem::path>& inputs, const ImportConfig& config,
                       RawLog& log) {
  require_inputs("diginetica", inputs);
  DigineticaReader reader(config, log);
  std::vector<std::filesystem::path> category_files;
  bool have_events = false;
  for (const auto& path : inputs) {
    const DigineticaFile kind = classify_file(path);
    if (kind == DigineticaFile::kCategories) {
      category_files.push_back(path);
      continue;
    }
    reader.read_events(path, kind);
    have_events = true;
  }
  if (!have_events) {
    throw ConfigError(
        "import.inputs: the diginetica importer needs a views or purchases file; "
        "product-categories.csv alone has no events");
  }
  for (const auto& path : category_files) reader.read_categories(path);
}

}  // namespace shoprl
