// Decision logs of `shoprl serve --log-dir DIR` (docs/serving.md, "The decision log";
// docs/data-format.md, "Decision logs"): DIR/decisions.jsonl, one object per served slate
// (request_id, time_ms, unit_id, history {items, events}, slate, propensities,
// prefix_propensities, slate_propensity, ...), and DIR/feedback.jsonl, one object per feedback
// call (request_id, time_ms, events [{item, type, position?}]). All decision files are read
// first, then the feedback files, which join them on request_id (unique across all inputs).
//
// The history is authoritative. A decision's history is exactly the state its policy saw, so
// the store's events are rebuilt from the histories: per unit, in decision time order (ties:
// input order), with E the events known so far, a decision whose history H starts with the
// last j events of E (the largest such j; H may be a window of the last N events) adds the
// events of H after its first j. When E is not empty and j == 0 the history does not continue
// (a new visit of the same unit), and the previous decision's feedback events are added first.
// Otherwise that feedback is not added as events: the next history already holds what the
// client counted, and an event the policy never saw would change the state the store gives
// back. The unit's last decision's feedback is added after its slate. Feedback still gives every
// slate its rewards, clicks and purchases. So for every slate, the events of its session before
// its time end with the logged history.
//
// Times are strictly increasing ms within a unit: new history events of a decision at time T
// wanting T - n + i, the slate T, feedback its arrival time, each moved to last + 1 where it
// would not follow the previous one (feedback added before a new visit is also kept before that
// visit's history). When sessions are cut at gaps (sessionize user_gap or auto) and a history
// continues across a gap longer than import.session_gap_minutes, its whole history is added
// again after the gap, so the cut cannot separate a slate from the start of its history.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/atomic_file.h"
#include "core/model_repository.h"
#include "data/event_type.h"
#include "data/importer_registry.h"
#include "data/importers/importer_support.h"
#include "data/line_reader.h"
#include "data/row_errors.h"

namespace shoprl {

using namespace importer_support;

namespace {

using json = nlohmann::json;

constexpr const char* kDecisionsFile = "decisions.jsonl";
constexpr const char* kFeedbackFile = "feedback.jsonl";
constexpr std::int16_t kNotShown = -1;

struct PolicyEvent {
  std::int32_t item;
  std::uint8_t type;  // EventType

  bool operator==(const PolicyEvent& other) const {
    return item == other.item && type == other.type;
  }
};

struct FeedbackEvent {
  PolicyEvent event;
  std::int16_t slot;  // kNotShown: an item the slate did not hold (an organic event)
  std::int64_t time_ms;
};

struct LoggedDecision {
  std::int32_t unit;  // session key
  std::int64_t time_ms;
  std::vector<PolicyEvent> history;
  std::vector<std::int32_t> slate;
  std::vector<double> propensity;
  std::vector<double> prefix_propensity;
  double slate_propensity = 0;
  std::vector<FeedbackEvent> feedback;
  std::int64_t slate_time_ms = 0;  // the slate's time in the store, set by UnitTimeline
};

// ---- Inputs --------------------------------------------------------------------------------

struct LogFiles {
  std::vector<std::filesystem::path> decisions;
  std::vector<std::filesystem::path> feedback;
};

bool is_log_file(const std::string& name, std::string_view stem) {
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return name.compare(0, stem.size(), stem) == 0 && (ends_with(".jsonl") || ends_with(".jsonl.gz"));
}

// A folder is a --log-dir (decisions.jsonl, and feedback.jsonl when there was feedback); a file
// is told apart by its name.
LogFiles classify_inputs(const std::vector<std::filesystem::path>& inputs) {
  LogFiles files;
  for (const auto& input : inputs) {
    std::error_code error;
    if (std::filesystem::is_directory(input, error)) {
      if (!std::filesystem::exists(input / kDecisionsFile, error)) {
        throw ConfigError("import.inputs: folder '" + input.string() + "' holds no " +
                          kDecisionsFile + " (a --log-dir of shoprl serve holds " + kDecisionsFile +
                          " and " + kFeedbackFile + ")");
      }
      files.decisions.push_back(input / kDecisionsFile);
      if (std::filesystem::exists(input / kFeedbackFile, error)) {
        files.feedback.push_back(input / kFeedbackFile);
      }
      continue;
    }
    const std::string name = input.filename().string();
    if (is_log_file(name, "decisions")) {
      files.decisions.push_back(input);
    } else if (is_log_file(name, "feedback")) {
      files.feedback.push_back(input);
    } else {
      throw ConfigError("import.inputs: '" + input.string() +
                        "': the decision-log importer reads log folders and files named "
                        "decisions*.jsonl or feedback*.jsonl (plain or .gz)");
    }
  }
  if (files.decisions.empty()) {
    throw ConfigError(
        "import.inputs: the decision-log importer needs at least one decisions file or log "
        "folder (feedback alone joins nothing)");
  }
  return files;
}

// ---- The catalogue -------------------------------------------------------------------------

// metadata.json itself, a version folder holding it, or a model folder (its highest version
// that holds one).
std::filesystem::path catalogue_metadata(const std::string& setting) {
  const std::filesystem::path path(setting);
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) return path;
  if (!std::filesystem::is_directory(path, error)) {
    throw IoError("import.catalogue: '" + setting + "': file not found");
  }
  if (std::filesystem::is_regular_file(path / kMetadataFile, error)) return path / kMetadataFile;
  const std::vector<std::int64_t> versions = model_versions(path);
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const std::filesystem::path file = path / std::to_string(*it) / kMetadataFile;
    if (std::filesystem::is_regular_file(file, error)) return file;
  }
  throw ConfigError("import.catalogue: '" + setting +
                    "' is neither a metadata.json, nor a model version folder holding one, nor "
                    "a model folder with numbered version folders");
}

// Interns the model's item ids, index order, so that the store's item indices are the model's.
void intern_catalogue(const std::string& setting, RawLog& log) {
  const std::filesystem::path file = catalogue_metadata(setting);
  const std::string where = file.string();
  json metadata;
  try {
    metadata = json::parse(read_file_text(file));
  } catch (const json::parse_error& e) {
    throw DataError(where + ": not JSON (import.catalogue): " + e.what());
  }
  if (!metadata.is_object() || !metadata.contains("item_ids") ||
      !metadata.at("item_ids").is_array() || metadata.at("item_ids").empty()) {
    throw DataError(where +
                    ": no item_ids (a non-empty array of item ids, as shoprl export writes)");
  }
  const json& ids = metadata.at("item_ids");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!ids[i].is_string()) {
      throw DataError(where + ": item_ids[" + std::to_string(i) + "] is not a string");
    }
    const std::string& id = ids[i].get_ref<const std::string&>();
    if (log.items.intern(id) != static_cast<std::int32_t>(i)) {
      throw DataError(where + ": item_ids[" + std::to_string(i) + "] '" + id + "' appears twice");
    }
  }
  log.keep_all_items = true;
}

// ---- Fields of one line --------------------------------------------------------------------

// The reason a line is bad; thrown inside the parse of one line and caught around it.
struct BadLine {
  std::string reason;
};

[[noreturn]] void bad(std::string reason) { throw BadLine{std::move(reason)}; }

const json& member(const json& object, const std::string& name, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) bad("missing field " + name);
  return *found;
}

const std::string& string_field(const json& object, const std::string& name, const char* key) {
  const json& value = member(object, name, key);
  if (!value.is_string()) bad("field " + name + " is not a string");
  return value.get_ref<const std::string&>();
}

std::int64_t integer_field(const json& object, const std::string& name, const char* key) {
  const json& value = member(object, name, key);
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    bad("field " + name + " is too large");
  }
  if (!value.is_number_integer()) bad("field " + name + " is not an integer");
  return value.get<std::int64_t>();
}

const json& array_field(const json& object, const std::string& name, const char* key) {
  const json& value = member(object, name, key);
  if (!value.is_array()) bad("field " + name + " is not an array");
  return value;
}

std::vector<std::string_view> string_array(const json& object, const std::string& name,
                                           const char* key) {
  const json& array = array_field(object, name, key);
  std::vector<std::string_view> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) bad("field " + name + "[" + std::to_string(i) + "] is not a string");
    out.emplace_back(array[i].get_ref<const std::string&>());
  }
  return out;
}

// A logging probability: a zero would make every importance weight of the slate infinite.
double probability(const json& value, const std::string& name) {
  if (!value.is_number()) bad("field " + name + " is not a number");
  const double p = value.get<double>();
  if (!(p > 0 && p <= 1)) bad(name + " = " + value.dump() + " is not a probability in (0, 1]");
  return p;
}

std::vector<double> probability_array(const json& object, const char* key) {
  const json& array = array_field(object, key, key);
  std::vector<double> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    out.push_back(probability(array[i], std::string(key) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

// The server writes the event names of its policies' histories; they are what the policy saw,
// so import.events does not apply to them.
std::uint8_t history_event_type(std::string_view name, std::size_t index) {
  for (const EventType type : {EventType::kClick, EventType::kCart, EventType::kPurchase}) {
    if (name == event_type_name(type)) return static_cast<std::uint8_t>(type);
  }
  bad("unknown event type '" + std::string(name) + "' in history.events[" + std::to_string(index) +
      "] (known: click, cart, purchase)");
}

json parse_line(std::string_view line, const LineReader& reader) {
  try {
    json parsed = json::parse(line);
    if (!parsed.is_object()) bad("not a JSON object");
    return parsed;
  } catch (const json::parse_error& e) {
    if (!reader.line_terminated()) {
      bad("invalid JSON: a torn last line, as a crash leaves (no newline at the end of the file)");
    }
    bad("invalid JSON (byte " + std::to_string(e.byte) + ")");
  }
}

// ---- The timeline of one unit --------------------------------------------------------------

// The events of one unit in strictly increasing ms, and the list E of those known so far.
class UnitTimeline {
 public:
  UnitTimeline(RawLog& log, std::int32_t unit) : log_(log), unit_(unit) {}

  // The time to stamp after `wanted`: `wanted`, or last + 1 where that would not follow.
  std::int64_t stamp(std::int64_t wanted) {
    const std::int64_t time = started_ ? std::max(wanted, last_ms_ + 1) : wanted;
    started_ = true;
    last_ms_ = time;
    return time;
  }
  void append(const PolicyEvent& event, std::int64_t wanted_ms) {
    log_.add_event(unit_, event.item, event.type, stamp(wanted_ms));
    known_.push_back(event);
  }
  // Feedback of one decision; before `before_ms` (minus one ms for each event left) when given.
  void append_feedback(const std::vector<FeedbackEvent>& feedback,
                       std::optional<std::int64_t> before_ms) {
    const auto count = static_cast<std::int64_t>(feedback.size());
    for (std::int64_t i = 0; i < count; ++i) {
      const FeedbackEvent& event = feedback[static_cast<std::size_t>(i)];
      std::int64_t wanted = event.time_ms;
      if (before_ms) wanted = std::min(wanted, *before_ms - (count - i));
      append(event.event, wanted);
    }
  }

  // The largest j such that the first j events of `history` are the last j events known.
  std::size_t overlap(const std::vector<PolicyEvent>& history) const {
    for (std::size_t j = std::min(known_.size(), history.size()); j > 0; --j) {
      if (std::equal(history.begin(), history.begin() + static_cast<std::ptrdiff_t>(j),
                     known_.end() - static_cast<std::ptrdiff_t>(j))) {
        return j;
      }
    }
    return 0;
  }
  bool empty() const { return known_.empty(); }
  std::int64_t last_ms() const { return last_ms_; }

 private:
  RawLog& log_;
  std::int32_t unit_;
  std::vector<PolicyEvent> known_;
  bool started_ = false;
  std::int64_t last_ms_ = 0;
};

// ---- The reader ----------------------------------------------------------------------------

class DecisionLogReader {
 public:
  DecisionLogReader(const ImportConfig& config, RawLog& log)
      : config_(config),
        log_(log),
        errors_(config.skip_bad_rows, log.counters),
        events_(event_map_for("decision-log", config)) {
    const bool cut = config.sessionize != "session_id";  // auto cuts this format's units too
    gap_ms_ = static_cast<std::int64_t>(config.session_gap_minutes * 60000.0);
    if (!cut) gap_ms_ = 0;
  }

  void read_catalogue() {
    if (config_.catalogue.empty()) return;
    intern_catalogue(config_.catalogue, log_);
    catalogue_ = true;
  }

  void read_decisions(const std::filesystem::path& path) {
    LineReader reader(path);
    std::uint64_t data_rows = 0;
    std::string_view line;
    while (reader.next(line)) {
      if (line.empty()) continue;  // blank lines (often trailing) are not rows
      ++data_rows;
      ++log_.counters.rows_read;
      try {
        read_decision(line, reader);
      } catch (const BadLine& error) {
        errors_.bad_row(reader, error.reason);
      }
    }
    require_data_rows(reader, data_rows);
  }

  // An absent feedback file is no feedback; an empty one too (a server that got none).
  void read_feedback(const std::filesystem::path& path) {
    LineReader reader(path);
    std::string_view line;
    while (reader.next(line)) {
      if (line.empty()) continue;
      ++log_.counters.rows_read;
      try {
        read_feedback_line(line, reader);
      } catch (const BadLine& error) {
        errors_.bad_row(reader, error.reason);
      }
    }
  }

  // The events of every unit, then one impression row per slate slot.
  void build() {
    if (!passed_over_.empty())
      spdlog::info(
          "passed over {} decisions and {} feedback lines of other models, versions or units "
          "(import.model '{}', import.version {}, import.unit_prefix '{}')",
          passed_over_.size(), feedback_passed_over_, config_.model, config_.version,
          config_.unit_prefix);
    log_.session_keys_are_users = true;
    log_.events_are_policy_states = true;
    std::vector<std::size_t> order(decisions_.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const LoggedDecision& x = decisions_[a];
      const LoggedDecision& y = decisions_[b];
      return x.unit != y.unit ? x.unit < y.unit : x.time_ms < y.time_ms;
    });
    for (std::size_t begin = 0; begin < order.size();) {
      std::size_t end = begin;
      while (end < order.size() && decisions_[order[end]].unit == decisions_[order[begin]].unit) {
        ++end;
      }
      build_unit(order, begin, end);
      begin = end;
    }
    for (std::size_t k = 0; k < decisions_.size(); ++k) add_impressions(k);
  }

 private:
  std::int32_t catalogue_item(std::string_view id, const char* what) {
    const std::int32_t item = log_.items.find(id);
    if (item < 0) {
      bad(std::string(what) + " item '" + std::string(id) + "' is not in the catalogue (" +
          config_.catalogue + ", import.catalogue)");
    }
    return item;
  }

  void read_decision(std::string_view line, const LineReader& reader) {
    const json object = parse_line(line, reader);
    const std::string& request_id = string_field(object, "request_id", "request_id");
    if (request_id.empty()) bad("empty request_id");
    const std::int64_t time_ms = integer_field(object, "time_ms", "time_ms");
    // import.model / import.version keep one policy's traffic, import.unit_prefix one period's
    // or experiment's units; the others' decisions (and their feedback) are passed over before
    // any other check, since another version may rank another catalogue.
    if (!config_.model.empty() && string_field(object, "model", "model") != config_.model) {
      passed_over_.insert(request_id);
      return;
    }
    if (config_.version > 0 && integer_field(object, "version", "version") != config_.version) {
      passed_over_.insert(request_id);
      return;
    }
    const std::string& unit_id = string_field(object, "unit_id", "unit_id");
    if (unit_id.compare(0, config_.unit_prefix.size(), config_.unit_prefix) != 0) {
      passed_over_.insert(request_id);
      return;
    }
    const json& history = member(object, "history", "history");
    if (!history.is_object()) bad("field history is not an object");
    const std::vector<std::string_view> history_items =
        string_array(history, "history.items", "items");
    const std::vector<std::string_view> history_events =
        string_array(history, "history.events", "events");
    if (history_items.size() != history_events.size()) {
      bad("history.items and history.events have different lengths (" +
          std::to_string(history_items.size()) + " and " + std::to_string(history_events.size()) +
          ")");
    }
    const std::vector<std::string_view> slate = string_array(object, "slate", "slate");
    if (slate.empty()) bad("empty slate");
    if (slate.size() > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
      bad("a slate of " + std::to_string(slate.size()) + " items");
    }
    const json& propensities = array_field(object, "propensities", "propensities");
    const json& prefixes = array_field(object, "prefix_propensities", "prefix_propensities");
    if (propensities.size() != slate.size() || prefixes.size() != slate.size()) {
      bad("slate, propensities and prefix_propensities have different lengths (" +
          std::to_string(slate.size()) + ", " + std::to_string(propensities.size()) + ", " +
          std::to_string(prefixes.size()) + ")");
    }
    LoggedDecision decision;
    decision.time_ms = time_ms;
    decision.propensity = probability_array(object, "propensities");
    decision.prefix_propensity = probability_array(object, "prefix_propensities");
    decision.slate_propensity =
        probability(member(object, "slate_propensity", "slate_propensity"), "slate_propensity");
    for (std::size_t s = 0; s < slate.size(); ++s) {
      for (std::size_t t = 0; t < s; ++t) {
        if (slate[t] == slate[s]) {
          bad("item '" + std::string(slate[s]) + "' appears twice in the slate (slots " +
              std::to_string(t) + " and " + std::to_string(s) + ")");
        }
      }
    }
    std::vector<std::uint8_t> types(history_events.size());
    for (std::size_t i = 0; i < history_events.size(); ++i) {
      types[i] = history_event_type(history_events[i], i);
    }
    if (catalogue_) {
      for (const std::string_view id : history_items) catalogue_item(id, "history");
      for (const std::string_view id : slate) catalogue_item(id, "slate");
    }
    const auto first = decision_of_request_.find(request_id);
    if (first != decision_of_request_.end()) {
      bad("duplicate request_id '" + request_id + "' (first at " + decision_where_[first->second] +
          ")");
    }

    // Every check passed: the first change.
    for (std::size_t i = 0; i < history_items.size(); ++i) {
      decision.history.push_back({log_.items.intern(history_items[i]), types[i]});
    }
    for (const std::string_view id : slate) decision.slate.push_back(log_.items.intern(id));
    decision.unit = log_.intern_session(unit_id.empty() ? "request:" + request_id : unit_id);
    decision_of_request_.emplace(request_id, decisions_.size());
    decision_where_.push_back(reader.where());
    decisions_.push_back(std::move(decision));
  }

  void read_feedback_line(std::string_view line, const LineReader& reader) {
    const json object = parse_line(line, reader);
    const std::string& request_id = string_field(object, "request_id", "request_id");
    const std::int64_t time_ms = integer_field(object, "time_ms", "time_ms");
    const json& events = array_field(object, "events", "events");
    const auto found = decision_of_request_.find(request_id);
    if (found == decision_of_request_.end()) {
      if (passed_over_.count(request_id) != 0) {
        ++feedback_passed_over_;
        return;
      }
      bad("feedback for request '" + request_id + "' that has no decision in the log");
    }
    LoggedDecision& decision = decisions_[found->second];
    const auto slots = static_cast<std::int64_t>(decision.slate.size());

    struct Parsed {
      std::string_view item;
      int type;
      std::int16_t slot;
    };
    std::vector<Parsed> parsed;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::string name = "events[" + std::to_string(i) + "]";
      const json& event = events[i];
      if (!event.is_object()) bad("field " + name + " is not an object");
      const std::string& item = string_field(event, name + ".item", "item");
      const std::string& type_name = string_field(event, name + ".type", "type");
      const int type = events_.map(type_name);
      if (type == EventMap::kUnknown) {
        bad(name + ": unknown event type '" + type_name + "' (known: " + events_.known_names() +
            "; map others with import.events)");
      }
      std::int16_t slot = kNotShown;
      const std::int32_t known_item = log_.items.find(item);
      if (event.contains("position")) {
        const std::int64_t position = integer_field(event, name + ".position", "position");
        if (position < 0 || position >= slots) {
          bad(name + ".position " + std::to_string(position) +
              " is outside the slate of request '" + request_id + "' (" + std::to_string(slots) +
              " slots)");
        }
        const std::int32_t shown = decision.slate[static_cast<std::size_t>(position)];
        if (known_item != shown) {
          bad(name + ": item '" + item + "' is not the item at position " +
              std::to_string(position) + " of request '" + request_id + "' (that is '" +
              std::string(log_.items.key(shown)) + "')");
        }
        slot = static_cast<std::int16_t>(position);
      }
      // Without a position the event answered no slot: a shopper may click a shown item on her
      // own (an organic click), and crediting it to the slate would overstate its reward.
      parsed.push_back({item, type, slot});
    }

    // Every check passed: the first change.
    for (const Parsed& event : parsed) {
      if (event.type == EventMap::kDrop) {
        ++log_.counters.events_dropped;
        continue;
      }
      std::int32_t item = log_.items.find(event.item);
      if (item < 0 && catalogue_) {
        ++log_.counters.events_dropped;  // an organic event on an item the model cannot score
        continue;
      }
      if (item < 0) item = log_.items.intern(event.item);
      decision.feedback.push_back(
          {{item, static_cast<std::uint8_t>(event.type)}, event.slot, time_ms});
    }
  }

  // Decisions order[begin, end) of one unit, in time order.
  void build_unit(const std::vector<std::size_t>& order, std::size_t begin, std::size_t end) {
    UnitTimeline timeline(log_, decisions_[order[begin]].unit);
    const LoggedDecision* pending = nullptr;  // the decision whose feedback is not yet events
    for (std::size_t o = begin; o < end; ++o) {
      LoggedDecision& decision = decisions_[order[o]];
      const std::vector<PolicyEvent>& history = decision.history;
      std::size_t j = timeline.overlap(history);
      bool new_visit = !timeline.empty() && j == 0;
      // A history that continues across a gap the preprocessing cuts at would lose its start
      // to the previous session: the whole history is added again after the gap.
      if (j > 0 && j < history.size() && gap_ms_ > 0 &&
          decision.time_ms - static_cast<std::int64_t>(history.size() - j) - timeline.last_ms() >
              gap_ms_) {
        j = 0;
        new_visit = true;
      }
      const auto fresh = static_cast<std::int64_t>(history.size() - j);
      if (new_visit && pending != nullptr) {
        timeline.append_feedback(pending->feedback, decision.time_ms - fresh);
      }
      for (std::size_t i = j; i < history.size(); ++i) {
        timeline.append(history[i], decision.time_ms - fresh + static_cast<std::int64_t>(i - j));
      }
      decision.slate_time_ms = timeline.stamp(decision.time_ms);
      pending = &decision;
    }
    if (pending != nullptr) timeline.append_feedback(pending->feedback, std::nullopt);
  }

  void add_impressions(std::size_t k) {
    const LoggedDecision& decision = decisions_[k];
    RawImpressions& shown = log_.impressions;
    const std::size_t slots = decision.slate.size();
    std::vector<float> reward(slots, 0.0f);
    std::vector<std::int8_t> click(slots, 0), purchase(slots, 0);
    const double rewards[kNumEventTypes] = {config_.rewards.click, config_.rewards.cart,
                                            config_.rewards.purchase};
    for (const FeedbackEvent& event : decision.feedback) {
      if (event.slot == kNotShown) continue;
      const auto s = static_cast<std::size_t>(event.slot);
      reward[s] += static_cast<float>(rewards[event.event.type]);
      if (event.event.type == static_cast<std::uint8_t>(EventType::kClick)) click[s] = 1;
      // A purchase of a shown item implies the click through to it (the store requires it).
      if (event.event.type == static_cast<std::uint8_t>(EventType::kPurchase)) {
        click[s] = 1;
        purchase[s] = 1;
      }
    }
    for (std::size_t s = 0; s < slots; ++s) {
      shown.session_key.push_back(decision.unit);
      shown.slate.push_back(static_cast<std::int64_t>(k));
      shown.item.push_back(decision.slate[s]);
      shown.position.push_back(static_cast<std::int16_t>(s));
      shown.reward.push_back(reward[s]);
      shown.propensity.push_back(decision.propensity[s]);
      shown.time_ms.push_back(decision.slate_time_ms);
      shown.click.push_back(click[s]);
      shown.purchase.push_back(purchase[s]);
      shown.slate_propensity.push_back(decision.slate_propensity);
      shown.prefix_propensity.push_back(decision.prefix_propensity[s]);
    }
  }

  const ImportConfig& config_;
  RawLog& log_;
  RowErrors errors_;
  EventMap events_;
  std::int64_t gap_ms_ = 0;  // 0: sessions are not cut at gaps
  bool catalogue_ = false;
  std::vector<LoggedDecision> decisions_;
  std::vector<std::string> decision_where_;  // "file:line" of each decision
  std::unordered_map<std::string, std::size_t> decision_of_request_;  // request_id -> decision
  // Decisions of another model, version or unit (import.model, import.version,
  // import.unit_prefix) and their feedback.
  std::unordered_set<std::string> passed_over_;
  std::uint64_t feedback_passed_over_ = 0;
};

}  // namespace

// Folders and files in the order given; every decision before any feedback, so feedback may
// name a decision of any input.
void import_decision_log(const std::vector<std::filesystem::path>& inputs,
                         const ImportConfig& config, RawLog& log) {
  require_inputs("decision-log", inputs);
  const LogFiles files = classify_inputs(inputs);
  DecisionLogReader reader(config, log);
  reader.read_catalogue();
  for (const auto& path : files.decisions) reader.read_decisions(path);
  for (const auto& path : files.feedback) reader.read_feedback(path);
  reader.build();
}

}  // namespace shoprl
