// OTTO (Kaggle "OTTO – Multi-Objective Recommender System"): JSON lines, one session a line:
//   {"session": 12899779, "events": [{"aid": 59625, "ts": 1661724000278, "type": "clicks"}]}
// A full JSON DOM per line would cost more than the rest of the import together (216M events
// in the full data), so this is a small strict parser of exactly that shape: objects with those
// keys in any order and any whitespace, integer ids, a numeric ts, plain strings (no escapes).
// Anything else is a bad row whose reason names the column of the offending character.
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

struct OttoEvent {
  std::string_view aid;
  std::int64_t time_ms;
  std::string_view type;
};

// Parses one line into a session id and its events; views point into the line.
class OttoLineParser {
 public:
  explicit OttoLineParser(TimestampUnit unit) : unit_(unit) {}

  // False with error() set when the line is not the expected shape.
  bool parse(std::string_view line, std::string_view& session, std::vector<OttoEvent>& events) {
    text_ = line;
    pos_ = 0;
    error_.clear();
    events.clear();
    bool have_session = false, have_events = false;
    if (!expect('{')) return false;
    do {
      std::string_view key;
      if (!parse_key(key)) return false;
      if (key == "session") {
        if (have_session) return fail("duplicate key \"session\"");
        if (!parse_integer_token(session, "session")) return false;
        have_session = true;
      } else if (key == "events") {
        if (have_events) return fail("duplicate key \"events\"");
        if (!parse_events(events)) return false;
        have_events = true;
      } else {
        return fail("unexpected key \"" + std::string(key) + "\" (expected session, events)");
      }
    } while (next_member('}'));
    if (!error_.empty()) return false;
    skip_space();
    if (pos_ != text_.size()) return fail("text after the closing '}'");
    if (!have_session) return fail("missing key \"session\"");
    if (!have_events) return fail("missing key \"events\"");
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  bool parse_events(std::vector<OttoEvent>& events) {
    if (!expect('[')) return false;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    do {
      if (!parse_event(events)) return false;
    } while (next_member(']'));
    return error_.empty();
  }

  bool parse_event(std::vector<OttoEvent>& events) {
    if (!expect('{')) return false;
    OttoEvent event{{}, 0, {}};
    bool have_aid = false, have_ts = false, have_type = false;
    do {
      std::string_view key;
      if (!parse_key(key)) return false;
      if (key == "aid") {
        if (have_aid) return fail("duplicate key \"aid\"");
        if (!parse_integer_token(event.aid, "aid")) return false;
        have_aid = true;
      } else if (key == "ts") {
        if (have_ts) return fail("duplicate key \"ts\"");
        const std::string_view token = number_token();
        if (!parse_epoch_ms(token, unit_, event.time_ms)) {
          return fail(bad_value_reason("ts", token, "an epoch number"));
        }
        have_ts = true;
      } else if (key == "type") {
        if (have_type) return fail("duplicate key \"type\"");
        if (!parse_string(event.type)) return false;
        have_type = true;
      } else {
        return fail("unexpected key \"" + std::string(key) +
                    "\" in an event (expected aid, ts, type)");
      }
    } while (next_member('}'));
    if (!error_.empty()) return false;
    if (!have_aid) return fail("event without \"aid\"");
    if (!have_ts) return fail("event without \"ts\"");
    if (!have_type) return fail("event without \"type\"");
    events.push_back(event);
    return true;
  }

  // After a member: true at ',' (another follows), false at `close` or on error (error_ set).
  bool next_member(char close) {
    skip_space();
    const char c = peek();
    if (c == ',' || c == close) ++pos_;
    if (c != ',' && c != close) fail(std::string("expected ',' or '") + close + "'");
    return c == ',';
  }

  bool parse_key(std::string_view& key) {
    if (!parse_string(key)) return false;
    return expect(':');
  }

  bool parse_string(std::string_view& out) {
    if (!expect('"')) return false;
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') return fail("escape sequences are not supported");
      ++pos_;
    }
    if (pos_ == text_.size()) return fail("unterminated string");
    out = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }

  std::string_view number_token() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
        break;
      }
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  bool parse_integer_token(std::string_view& out, const char* name) {
    out = number_token();
    std::int64_t value = 0;
    if (!parse_int64(out, value)) return fail(bad_value_reason(name, out, "an integer id"));
    return true;
  }

  bool expect(char c) {
    skip_space();
    if (peek() != c) return fail(std::string("expected '") + c + "'");
    ++pos_;
    return true;
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  bool fail(const std::string& reason) {
    error_ = reason + " at column " + std::to_string(pos_ + 1);
    return false;
  }

  TimestampUnit unit_;
  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

// A line is imported whole or not at all: when one of its events is malformed or has an unknown
// type, the line is one bad row and none of its events are kept (a half session would bias
// every session statistic). rows_read counts lines, that is sessions.
void import_otto(const std::vector<std::filesystem::path>& inputs, const ImportConfig& config,
                 RawLog& log) {
  require_inputs("otto", inputs);
  RowErrors errors(config.skip_bad_rows, log.counters);
  EventResolver events("otto", config, errors, log.counters);
  OttoLineParser parser(parse_timestamp_unit(config.timestamp_unit));

  std::vector<OttoEvent> parsed;
  std::vector<int> types;
  for (const auto& path : inputs) {
    LineReader reader(path);
    std::uint64_t data_rows = 0;
    std::string_view line;
    while (reader.next(line)) {
      if (line.empty()) continue;  // blank lines (often trailing) are not rows
      ++data_rows;
      ++log.counters.rows_read;
      std::string_view session_id;
      if (!parser.parse(line, session_id, parsed)) {
        errors.bad_row(reader, parser.error());
        continue;
      }
      types.clear();
      bool known = true;
      for (const OttoEvent& event : parsed) {
        const int type = events.map().map(event.type);
        if (type == EventMap::kUnknown) {
          errors.bad_row(reader, events.unknown_event_reason(event.type));
          known = false;
          break;
        }
        types.push_back(type);
      }
      if (!known || parsed.empty()) continue;  // a session without events adds nothing

      const std::int32_t session = log.intern_session(session_id);
      for (std::size_t i = 0; i < parsed.size(); ++i) {
        if (types[i] == EventMap::kDrop) {
          ++log.counters.events_dropped;
          continue;
        }
        log.add_event(session, log.items.intern(parsed[i].aid), static_cast<std::uint8_t>(types[i]),
                      parsed[i].time_ms);
      }
    }
    if (data_rows == 0) throw DataError(reader.path() + ": empty file");
  }
}

}  // namespace shoprl
