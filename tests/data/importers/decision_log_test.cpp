// The decision-log importer (src/data/importers/decision_log.cpp): logs written here as
// shoprl serve writes them, imported through the whole pipeline into a session store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "data/import.h"
#include "data/importers/importer_test_support.h"
#include "data/session_store.h"
#include "data/session_store_io.h"

// A named namespace: the test files are unity-built together (tests/CMakeLists.txt).
namespace shoprl::testing::decision_log_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr std::int64_t kT0 = 1764950000000;
constexpr std::int64_t kHourMs = 3600000;

using Events = std::vector<std::pair<std::string, std::string>>;  // (item, event type)

// One decision as decision_log_line (src/serve/recommendation.cpp) writes it, with distinct
// propensities per slot: 0.5, 0.4, 0.3, 0.2; prefixes 0.5, 0.25, 0.125, 0.0625 (slates of at
// most four).
struct Served {
  std::string request_id;
  std::int64_t time_ms;
  std::string unit_id;
  Events history;
  std::vector<std::string> slate;
  double slate_propensity = 0.0625;
  std::int64_t version = 1;
};

json served_json(const Served& d) {
  json items = json::array(), events = json::array(), propensities = json::array(),
       prefixes = json::array();
  for (const auto& [item, event] : d.history) {
    items.push_back(item);
    events.push_back(event);
  }
  constexpr double kSlot[] = {0.5, 0.4, 0.3, 0.2};
  constexpr double kPrefix[] = {0.5, 0.25, 0.125, 0.0625};
  for (std::size_t s = 0; s < d.slate.size(); ++s) {
    propensities.push_back(kSlot[s]);
    prefixes.push_back(kPrefix[s]);
  }
  return {{"request_id", d.request_id},
          {"time_ms", d.time_ms},
          {"unit_id", d.unit_id},
          {"model", "quickstart"},
          {"version", d.version},
          {"history", {{"items", items}, {"events", events}}},
          {"slate", d.slate},
          {"scores", std::vector<double>(d.slate.size(), 1.0)},
          {"propensities", propensities},
          {"prefix_propensities", prefixes},
          {"slate_propensity", d.slate_propensity},
          {"rule", {{"rule", "boltzmann"}, {"temperature", 0.5}, {"epsilon", 0.1}}},
          {"exclude", json::array()},
          {"marginal_seed", 123}};
}

std::string decision_lines(const std::vector<Served>& decisions) {
  std::string text;
  for (const Served& d : decisions) text += served_json(d).dump() + "\n";
  return text;
}

struct Feedback {
  std::string item;
  std::string type;
  int position = -1;  // -1: not given
};

std::string feedback_line(const std::string& request_id, std::int64_t time_ms,
                          const std::vector<Feedback>& events) {
  json list = json::array();
  for (const Feedback& f : events) {
    json event = {{"item", f.item}, {"type", f.type}};
    if (f.position >= 0) event["position"] = f.position;
    list.push_back(event);
  }
  return json({{"request_id", request_id}, {"time_ms", time_ms}, {"events", list}}).dump() + "\n";
}

ImportConfig decision_log_config(const std::vector<std::filesystem::path>& inputs) {
  ImportConfig config;
  config.format = "decision-log";
  for (const auto& input : inputs) config.inputs.push_back(input.string());
  return config;
}

SessionStore import_store(const ImportConfig& config) {
  return import_session_logs(config, 7, "import: {}");
}

// "item type" per event of `session` stamped before `time_ms`: what a policy is given there.
std::vector<std::string> events_seen(const SessionStore& store, std::int64_t session,
                                     std::int64_t time_ms) {
  std::vector<std::string> out;
  const std::int64_t stop = events_before(store, session, time_ms);
  for (std::int64_t e = store.session_offsets[static_cast<std::size_t>(session)]; e < stop; ++e) {
    const auto i = static_cast<std::size_t>(e);
    out.push_back(store.item_raw_id[static_cast<std::size_t>(store.event_item[i])] + " " +
                  event_type_name(static_cast<EventType>(store.event_type[i])));
  }
  return out;
}

std::vector<std::string> event_texts(const Events& events) {
  std::vector<std::string> out;
  for (const auto& [item, type] : events) out.push_back(item + " " + type);
  return out;
}

// "session item type time" per event of the store.
std::vector<std::string> store_events(const SessionStore& store) {
  std::vector<std::string> out;
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    for (auto e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
      const auto i = static_cast<std::size_t>(e);
      out.push_back(store.session_raw_id[s] + " " +
                    store.item_raw_id[static_cast<std::size_t>(store.event_item[i])] + " " +
                    event_type_name(static_cast<EventType>(store.event_type[i])) + " " +
                    std::to_string(store.event_time_ms[i] - kT0));
    }
  }
  return out;
}

// For each slate of the store (first row of each slate id, by slate id), what its policy is
// given: the events of its session before its time.
std::vector<std::vector<std::string>> seen_per_slate(const SessionStore& store) {
  std::map<std::int64_t, std::vector<std::string>> by_slate;
  const StoreImpressions& m = store.impressions;
  for (std::size_t r = 0; r < m.size(); ++r) {
    if (by_slate.count(m.slate[r]) == 0) {
      by_slate[m.slate[r]] = events_seen(store, m.session[r], m.time_ms[r]);
    }
  }
  std::vector<std::vector<std::string>> out;
  for (auto& [slate, seen] : by_slate) out.push_back(std::move(seen));
  return out;
}

// The last `history.size()` events the policy is given are the logged history.
void expect_history_is_the_tail(const std::vector<std::string>& seen, const Events& history) {
  ASSERT_GE(seen.size(), history.size());
  const std::vector<std::string> tail(seen.end() - static_cast<std::ptrdiff_t>(history.size()),
                                      seen.end());
  EXPECT_EQ(tail, event_texts(history));
}

TEST(DecisionLogImport, HistoriesBecomeTheEventsBeforeEachSlate) {
  TempDir dir;
  const std::vector<Served> served = {
      {"r-1", kT0, "u1", {}, {"a", "b", "c"}},
      {"r-2", kT0 + 2000, "u1", {{"b", "click"}}, {"d", "a", "e"}, 0.03125},
      {"r-3", kT0 + 3000, "u2", {{"a", "click"}, {"c", "cart"}}, {"b", "c"}},
  };
  write_text(dir / "log/decisions.jsonl", decision_lines(served));
  write_text(
      dir / "log/feedback.jsonl",
      feedback_line("r-1", kT0 + 500, {{"b", "click", 1}}) +
          feedback_line("r-2", kT0 + 2300, {{"e", "click"}, {"e", "purchase", 2}, {"z", "click"}}) +
          feedback_line("r-3", kT0 + 3100, {{"c", "cart", 1}}));
  ImportConfig config = decision_log_config({dir / "log"});
  config.rewards.click = 0.25;
  config.rewards.cart = 0.5;
  config.rewards.purchase = 1.0;
  const SessionStore store = import_store(config);

  EXPECT_THAT(store.item_raw_id, ElementsAre("a", "b", "c", "d", "e", "z"));
  EXPECT_THAT(store.session_raw_id, ElementsAre("u1#0", "u2#0"));
  EXPECT_THAT(store.user_raw_id, ElementsAre("u1", "u2"));
  EXPECT_THAT(store.session_user, ElementsAre(0, 1));
  // r-1's click is in r-2's history, so it is not added again; r-2 is u1's last decision, so
  // its feedback (the organic click on z too) follows its slate.
  EXPECT_THAT(store_events(store),
              ElementsAre("u1#0 b click 1999", "u1#0 e click 2300", "u1#0 e purchase 2301",
                          "u1#0 z click 2302", "u2#0 a click 2998", "u2#0 c cart 2999",
                          "u2#0 c cart 3100"));
  EXPECT_THAT(seen_per_slate(store),
              ElementsAre(ElementsAre(), ElementsAre("b click"), ElementsAre("a click", "c cart")));

  const StoreImpressions& m = store.impressions;
  EXPECT_THAT(m.session, ElementsAre(0, 0, 0, 0, 0, 0, 1, 1));
  EXPECT_THAT(m.slate, ElementsAre(0, 0, 0, 1, 1, 1, 2, 2));
  EXPECT_THAT(m.item, ElementsAre(0, 1, 2, 3, 0, 4, 1, 2));
  EXPECT_THAT(m.position, ElementsAre(0, 1, 2, 0, 1, 2, 0, 1));
  EXPECT_THAT(m.time_ms, ElementsAre(kT0, kT0, kT0, kT0 + 2000, kT0 + 2000, kT0 + 2000, kT0 + 3000,
                                     kT0 + 3000));
  EXPECT_THAT(m.propensity, ElementsAre(0.5, 0.4, 0.3, 0.5, 0.4, 0.3, 0.5, 0.4));
  EXPECT_THAT(m.prefix_propensity, ElementsAre(0.5, 0.25, 0.125, 0.5, 0.25, 0.125, 0.5, 0.25));
  EXPECT_THAT(m.slate_propensity,
              ElementsAre(0.0625, 0.0625, 0.0625, 0.03125, 0.03125, 0.03125, 0.0625, 0.0625));
  // r-2's e: a click without a position (the shopper's own: an event, not the slot's reward)
  // and a purchase at position 2 (which marks the slot clicked).
  EXPECT_THAT(m.reward, ElementsAre(0.0f, 0.25f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.5f));
  EXPECT_THAT(m.click, ElementsAre(0, 1, 0, 0, 0, 1, 0, 0));
  EXPECT_THAT(m.purchase, ElementsAre(0, 0, 0, 0, 0, 1, 0, 0));

  // The store writes and reads back with every column (the reader checks purchase => click).
  write_session_store(store, dir / "store.h5");
  const SessionStore back = read_session_store(dir / "store.h5");
  EXPECT_EQ(back.impressions.click, m.click);
  EXPECT_EQ(back.impressions.purchase, m.purchase);
  EXPECT_EQ(back.impressions.slate_propensity, m.slate_propensity);
  EXPECT_EQ(back.impressions.prefix_propensity, m.prefix_propensity);
  EXPECT_EQ(back.provenance.source_format, "decision-log");
}

// A purchase reported without its click still counts as a click of that slot: the store
// requires purchase => click, and a user cannot buy a shown item without opening it.
TEST(DecisionLogImport, APurchaseAloneMarksTheSlotClicked) {
  TempDir dir;
  write_text(dir / "log/decisions.jsonl", decision_lines({{"r-1", kT0, "u", {}, {"a", "b"}}}));
  write_text(dir / "log/feedback.jsonl", feedback_line("r-1", kT0 + 10, {{"b", "purchase", 1}}));
  const SessionStore store = import_store(decision_log_config({dir / "log"}));
  EXPECT_THAT(store.impressions.click, ElementsAre(0, 1));
  EXPECT_THAT(store.impressions.purchase, ElementsAre(0, 1));
  EXPECT_THAT(store.impressions.reward, ElementsAre(0.0f, 0.0f));  // defaults: only clicks pay
}

// Histories of the last three events: each decision adds only what its window has new.
TEST(DecisionLogImport, WindowedHistoriesAddOnlyTheirNewEvents) {
  TempDir dir;
  const Events h1 = {{"a", "click"}, {"b", "click"}, {"c", "cart"}};
  const Events h2 = {{"b", "click"}, {"c", "cart"}, {"d", "click"}};
  const Events h3 = {{"c", "cart"}, {"d", "click"}, {"x", "click"}};
  write_text(dir / "log/decisions.jsonl", decision_lines({{"r-1", kT0, "u", h1, {"x", "y"}},
                                                          {"r-2", kT0 + 1000, "u", h2, {"y", "z"}},
                                                          {"r-3", kT0 + 2000, "u", h3, {"a"}}}));
  write_text(dir / "log/feedback.jsonl", feedback_line("r-1", kT0 + 500, {{"x", "click", 0}}));
  const SessionStore store = import_store(decision_log_config({dir / "log"}));

  EXPECT_THAT(store_events(store), ElementsAre("u#0 a click -3", "u#0 b click -2", "u#0 c cart -1",
                                               "u#0 d click 999", "u#0 x click 1999"));
  const auto seen = seen_per_slate(store);
  ASSERT_EQ(seen.size(), 3u);
  expect_history_is_the_tail(seen[0], h1);
  expect_history_is_the_tail(seen[1], h2);
  expect_history_is_the_tail(seen[2], h3);
  EXPECT_EQ(seen[2].size(), 5u);
  // r-1's click is a reward of its slate even though only r-3's history records it.
  EXPECT_THAT(store.impressions.click, ElementsAre(1, 0, 0, 0, 0));
  EXPECT_THAT(store.impressions.reward, ElementsAre(1.0f, 0.0f, 0.0f, 0.0f, 0.0f));
}

TEST(DecisionLogImport, AUnitsVisitsAfterGapsAreSessionsOfTheirOwn) {
  TempDir dir;
  const Events h1 = {{"a", "click"}};
  const Events h2 = {{"y", "click"}};                  // does not continue: a new visit
  const Events h3 = {{"y", "click"}, {"z", "click"}};  // continues h2, but after a gap
  const std::int64_t t2 = kT0 + 2 * kHourMs;
  const std::int64_t t3 = kT0 + 4 * kHourMs;
  write_text(dir / "log/decisions.jsonl", decision_lines({{"r-1", kT0, "u", h1, {"x", "y"}},
                                                          {"r-2", t2, "u", h2, {"x", "z"}},
                                                          {"r-3", t3, "u", h3, {"a", "x"}}}));
  write_text(dir / "log/feedback.jsonl", feedback_line("r-1", kT0 + 100, {{"x", "click", 0}}));
  const SessionStore store = import_store(decision_log_config({dir / "log"}));

  EXPECT_THAT(store.session_raw_id, ElementsAre("u#0", "u#1", "u#2"));
  EXPECT_THAT(store.session_user, ElementsAre(0, 0, 0));
  // r-1's click ends the first visit, since the next history does not carry it.
  EXPECT_THAT(store_events(store), ElementsAre("u#0 a click -1", "u#0 x click 100",
                                               "u#1 y click " + std::to_string(t2 - kT0 - 1),
                                               "u#2 y click " + std::to_string(t3 - kT0 - 2),
                                               "u#2 z click " + std::to_string(t3 - kT0 - 1)));
  EXPECT_THAT(store.impressions.session, ElementsAre(0, 0, 1, 1, 2, 2));
  EXPECT_THAT(seen_per_slate(store),
              ElementsAre(event_texts(h1), event_texts(h2), event_texts(h3)));
}

// Without cutting at gaps, a unit is one session and every history is still the tail of what
// its slate's session holds before it.
TEST(DecisionLogImport, UncutUnitsKeepEveryHistoryAsTheirTail) {
  TempDir dir;
  const Events h1 = {{"a", "click"}};
  const Events h2 = {{"y", "click"}};
  write_text(dir / "log/decisions.jsonl", decision_lines({{"r-1", kT0, "u", h1, {"x"}},
                                                          {"r-2", kT0 + kHourMs, "u", h2, {"x"}}}));
  ImportConfig config = decision_log_config({dir / "log"});
  config.sessionize = "session_id";
  const SessionStore store = import_store(config);
  EXPECT_THAT(store.session_raw_id, ElementsAre("u"));
  const auto seen = seen_per_slate(store);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], event_texts(h1));
  EXPECT_THAT(seen[1], ElementsAre("a click", "y click"));
}

// A decision without a unit is a session of its own.
TEST(DecisionLogImport, ADecisionWithoutAUnitIsItsOwnSession) {
  TempDir dir;
  write_text(dir / "log/decisions.jsonl",
             decision_lines({{"r-1", kT0, "", {{"a", "click"}}, {"x"}},
                             {"r-2", kT0 + 10, "", {{"a", "click"}}, {"x"}}}));
  const SessionStore store = import_store(decision_log_config({dir / "log"}));
  EXPECT_THAT(store.session_raw_id, ElementsAre("request:r-1#0", "request:r-2#0"));
  EXPECT_EQ(store.num_events(), 2u);
}

void write_metadata(const std::filesystem::path& path, const std::vector<std::string>& ids) {
  write_text(path, json({{"schema_version", 1}, {"item_ids", ids}}).dump(1));
}

TEST(DecisionLogImport, CatalogueGivesTheModelsItemIndicesAndKeepsUnshownItems) {
  TempDir dir;
  // Version 10 is the highest: numeric, not text, order.
  write_metadata(dir / "models/quick/2/metadata.json", {"old"});
  write_metadata(dir / "models/quick/10/metadata.json", {"n0", "b", "a", "c", "never"});
  write_text(dir / "log/decisions.jsonl",
             decision_lines({{"r-1", kT0, "u", {{"a", "click"}}, {"c", "b"}}}));
  write_text(dir / "log/feedback.jsonl",
             feedback_line("r-1", kT0 + 10, {{"q", "click"}, {"b", "click", 1}}));
  for (const std::string catalogue :
       {"models/quick", "models/quick/10", "models/quick/10/metadata.json"}) {
    ImportConfig config = decision_log_config({dir / "log"});
    config.catalogue = (dir / catalogue).string();
    const SessionStore store = import_store(config);
    EXPECT_THAT(store.item_raw_id, ElementsAre("n0", "b", "a", "c", "never")) << catalogue;
    EXPECT_THAT(store.event_item, ElementsAre(2, 1)) << catalogue;  // a, then the click on b
    EXPECT_THAT(store.impressions.item, ElementsAre(3, 1)) << catalogue;
    EXPECT_EQ(store.provenance.events_dropped, 1u) << catalogue;  // the click on q
  }
  // Without a catalogue, items come in order of first appearance and q is an organic click.
  const SessionStore plain = import_store(decision_log_config({dir / "log"}));
  EXPECT_THAT(plain.item_raw_id, ElementsAre("a", "c", "b", "q"));
}

TEST(DecisionLogImport, ItemsOutsideTheCatalogueAreBadLines) {
  TempDir dir;
  write_metadata(dir / "metadata.json", {"a", "b"});
  ImportConfig config = decision_log_config({dir / "log"});
  config.catalogue = (dir / "metadata.json").string();
  write_text(dir / "log/decisions.jsonl",
             decision_lines({{"r-1", kT0, "u", {}, {"a"}}, {"r-2", kT0, "u", {}, {"b", "zz"}}}));
  EXPECT_THAT(import_error("decision-log", {dir / "log"}, config),
              HasSubstr("decisions.jsonl:2: slate item 'zz' is not in the catalogue"));
  write_text(dir / "log/decisions.jsonl",
             decision_lines({{"r-1", kT0, "u", {{"hh", "click"}}, {"a"}}}));
  EXPECT_THAT(import_error("decision-log", {dir / "log"}, config),
              HasSubstr("decisions.jsonl:1: history item 'hh' is not in the catalogue"));
  config.catalogue = (dir / "nowhere").string();
  EXPECT_THAT(import_error<IoError>("decision-log", {dir / "log"}, config),
              HasSubstr("import.catalogue"));
}

// One bad line after a good one: its reason, at its line; skipped and counted on request.
struct BadDecision {
  std::string line;
  std::string reason;
};

json good_decision(const std::string& id) {
  return served_json({id, kT0 + 5, "u", {{"a", "click"}}, {"a", "b", "c"}});
}

std::vector<BadDecision> bad_decisions() {
  std::vector<BadDecision> cases;
  const auto with = [&](const char* key, json value, const std::string& reason) {
    json d = good_decision("r-2");
    d[key] = std::move(value);
    cases.push_back({d.dump(), reason});
  };
  const auto without = [&](const char* key, const std::string& reason) {
    json d = good_decision("r-2");
    d.erase(key);
    cases.push_back({d.dump(), reason});
  };
  cases.push_back({"{\"request_id\": \"r-2\", ", "invalid JSON (byte"});
  cases.push_back({"[1, 2]", "not a JSON object"});
  without("slate", "missing field slate");
  without("request_id", "missing field request_id");
  without("slate_propensity", "missing field slate_propensity");
  with("time_ms", "soon", "field time_ms is not an integer");
  with("unit_id", 7, "field unit_id is not a string");
  with("request_id", "", "empty request_id");
  with("history", json::array(), "field history is not an object");
  with("history", {{"items", {"a"}}}, "missing field history.events");
  with("history", {{"items", {"a", 3}}, {"events", {"click", "click"}}},
       "field history.items[1] is not a string");
  with("history", {{"items", {"a", "b"}}, {"events", {"click"}}},
       "history.items and history.events have different lengths (2 and 1)");
  with("history", {{"items", {"a"}}, {"events", {"view"}}},
       "unknown event type 'view' in history.events[0]");
  with("slate", json::array(), "empty slate");
  with("slate", {"a", "b", "a"}, "item 'a' appears twice in the slate (slots 0 and 2)");
  with("propensities", {0.5, 0.4},
       "slate, propensities and prefix_propensities have different lengths (3, 2, 3)");
  with("prefix_propensities", {0.5, 0.4, 0.3, 0.2},
       "slate, propensities and prefix_propensities have different lengths (3, 3, 4)");
  with("propensities", {0.5, 0, 0.3}, "propensities[1] = 0 is not a probability in (0, 1]");
  with("propensities", {0.5, 0.4, nullptr}, "field propensities[2] is not a number");
  with("prefix_propensities", {1.5, 0.4, 0.3},
       "prefix_propensities[0] = 1.5 is not a probability in (0, 1]");
  with("slate_propensity", -0.25, "slate_propensity = -0.25 is not a probability in (0, 1]");
  with("slate_propensity", nullptr, "field slate_propensity is not a number");  // NaN as JSON
  with("request_id", "r-1", "duplicate request_id 'r-1' (first at ");
  return cases;
}

TEST(DecisionLogImport, EachBadDecisionLineNamesItsFileLineAndReason) {
  for (const BadDecision& c : bad_decisions()) {
    TempDir dir;
    write_text(dir / "log/decisions.jsonl", good_decision("r-1").dump() + "\n" + c.line + "\n" +
                                                good_decision("r-3").dump() + "\n");
    const std::string error = import_error("decision-log", {dir / "log"});
    EXPECT_THAT(error, HasSubstr("decisions.jsonl:2: " + c.reason)) << c.line;
    EXPECT_THAT(error, Not(HasSubstr("torn"))) << c.line;

    ImportConfig skip = decision_log_config({dir / "log"});
    skip.skip_bad_rows = true;
    const RawLog log = import_log("decision-log", {dir / "log"}, skip);
    EXPECT_EQ(log.counters.rows_read, 3u) << c.line;
    EXPECT_EQ(log.counters.rows_skipped, 1u) << c.line;
    EXPECT_EQ(log.impressions.size(), 6u) << c.line;  // r-1 and r-3, three slots each
  }
}

TEST(DecisionLogImport, TheFirstOfTwoEqualRequestIdsIsNamed) {
  TempDir dir;
  write_text(dir / "log/decisions.jsonl", good_decision("r-1").dump() + "\n" +
                                              good_decision("r-2").dump() + "\n" +
                                              good_decision("r-2").dump() + "\n");
  EXPECT_THAT(import_error("decision-log", {dir / "log"}),
              HasSubstr("decisions.jsonl:3: duplicate request_id 'r-2' (first at " +
                        (dir / "log/decisions.jsonl").string() + ":2)"));
}

TEST(DecisionLogImport, ATornLastLineSaysSo) {
  TempDir dir;
  const std::string good = good_decision("r-1").dump() + "\n" + good_decision("r-2").dump() + "\n";
  write_text(dir / "log/decisions.jsonl", good + "{\"request_id\":\"r-3\",\"ti");
  EXPECT_THAT(import_error("decision-log", {dir / "log"}),
              HasSubstr("decisions.jsonl:3: invalid JSON: a torn last line, as a crash leaves"));
  ImportConfig skip = decision_log_config({dir / "log"});
  skip.skip_bad_rows = true;
  const RawLog log = import_log("decision-log", {dir / "log"}, skip);
  EXPECT_EQ(log.counters.rows_skipped, 1u);
  EXPECT_EQ(log.impressions.size(), 6u);

  // The same text ended by a newline was written whole: plain invalid JSON.
  write_text(dir / "log/decisions.jsonl", good + "{\"request_id\":\"r-3\",\"ti\n");
  const std::string error = import_error("decision-log", {dir / "log"});
  EXPECT_THAT(error, HasSubstr("decisions.jsonl:3: invalid JSON (byte"));
  EXPECT_THAT(error, Not(HasSubstr("torn")));

  // A torn feedback line too.
  write_text(dir / "log/decisions.jsonl", good);
  write_text(dir / "log/feedback.jsonl",
             feedback_line("r-1", kT0 + 9, {{"a", "click", 0}}) + "{\"request_id\":\"r-");
  EXPECT_THAT(import_error("decision-log", {dir / "log"}),
              HasSubstr("feedback.jsonl:2: invalid JSON: a torn last line"));
}

TEST(DecisionLogImport, EachBadFeedbackLineNamesItsFileLineAndReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {feedback_line("nope", kT0, {{"a", "click"}}),
       "feedback for request 'nope' that has no decision in the log"},
      {feedback_line("r-1", kT0, {{"a", "click", 3}}),
       "events[0].position 3 is outside the slate of request 'r-1' (3 slots)"},
      {feedback_line("r-1", kT0, {{"a", "click", 0}, {"a", "click", 1}}),
       "events[1]: item 'a' is not the item at position 1 of request 'r-1' (that is 'b')"},
      {feedback_line("r-1", kT0, {{"a", "view"}}), "events[0]: unknown event type 'view'"},
      {R"({"request_id":"r-1","time_ms":5,"events":[{"type":"click"}]})"
       "\n",
       "missing field events[0].item"},
      {R"({"request_id":"r-1","time_ms":5,"events":[{"item":"a","type":"click","position":"0"}]})"
       "\n",
       "field events[0].position is not an integer"},
      {R"({"request_id":"r-1","events":[]})"
       "\n",
       "missing field time_ms"},
  };
  for (const auto& [line, reason] : cases) {
    TempDir dir;
    write_text(dir / "log/decisions.jsonl", good_decision("r-1").dump() + "\n");
    write_text(dir / "log/feedback.jsonl",
               feedback_line("r-1", kT0 + 9, {{"c", "click", 2}}) + line +
                   feedback_line("r-1", kT0 + 10, {{"a", "purchase", 0}}));
    EXPECT_THAT(import_error("decision-log", {dir / "log"}),
                HasSubstr("feedback.jsonl:2: " + reason))
        << line;
    ImportConfig skip = decision_log_config({dir / "log"});
    skip.skip_bad_rows = true;
    const RawLog log = import_log("decision-log", {dir / "log"}, skip);
    EXPECT_EQ(log.counters.rows_skipped, 1u) << line;
    // The good feedback lines around it still count: a click on slot 2, a purchase on slot 0.
    EXPECT_THAT(log.impressions.click, ElementsAre(1, 0, 1)) << line;
    EXPECT_THAT(log.impressions.purchase, ElementsAre(1, 0, 0)) << line;
  }
}

// A type mapped to "drop" by import.events is counted, not an event and not a reward.
TEST(DecisionLogImport, FeedbackTypesMappedToDropAreCounted) {
  TempDir dir;
  write_text(dir / "log/decisions.jsonl", good_decision("r-1").dump() + "\n");
  write_text(dir / "log/feedback.jsonl",
             feedback_line("r-1", kT0 + 9, {{"b", "cart", 1}, {"c", "click", 2}}));
  ImportConfig config = decision_log_config({dir / "log"});
  config.events["cart"] = "drop";
  config.rewards.cart = 5;
  const RawLog log = import_log("decision-log", {dir / "log"}, config);
  EXPECT_EQ(log.counters.events_dropped, 1u);
  EXPECT_THAT(log.impressions.reward, ElementsAre(0.0f, 0.0f, 1.0f));
  EXPECT_THAT(event_lines(log), ElementsAre("u a click " + std::to_string(kT0 + 4),
                                            "u c click " + std::to_string(kT0 + 9)));
}

TEST(DecisionLogImport, RequestIdsAreUniqueAcrossFolders) {
  TempDir dir;
  write_text(dir / "run1/decisions.jsonl", good_decision("r-1").dump() + "\n");
  write_text(dir / "run2/decisions.jsonl",
             good_decision("r-2").dump() + "\n" + good_decision("r-1").dump() + "\n");
  EXPECT_THAT(import_error("decision-log", {dir / "run1", dir / "run2"}),
              HasSubstr((dir / "run2/decisions.jsonl").string() +
                        ":2: duplicate request_id 'r-1' (first at " +
                        (dir / "run1/decisions.jsonl").string() + ":1)"));

  // Feedback of one run may answer a decision of another: all decisions are read first.
  write_text(dir / "run2/decisions.jsonl", good_decision("r-2").dump() + "\n");
  write_text(dir / "run2/feedback.jsonl", feedback_line("r-1", kT0 + 9, {{"b", "click", 1}}));
  const RawLog log = import_log("decision-log", {dir / "run2", dir / "run1"});
  EXPECT_THAT(log.impressions.slate, ElementsAre(0, 0, 0, 1, 1, 1));  // run2's r-2 first
  EXPECT_THAT(log.impressions.click, ElementsAre(0, 0, 0, 0, 1, 0));
}

TEST(DecisionLogImport, FilesAreToldApartByTheirNames) {
  TempDir dir;
  write_text(dir / "decisions-day1.jsonl", good_decision("r-1").dump() + "\n");
  write_text(dir / "feedback-day1.jsonl", feedback_line("r-1", kT0 + 9, {{"b", "click", 1}}));
  // The feedback file first: decisions are still read before it.
  const RawLog log =
      import_log("decision-log", {dir / "feedback-day1.jsonl", dir / "decisions-day1.jsonl"});
  EXPECT_THAT(log.impressions.click, ElementsAre(0, 1, 0));

  write_text(dir / "log.jsonl", "");
  EXPECT_THAT(import_error<ConfigError>("decision-log", {dir / "log.jsonl"}),
              HasSubstr("decisions*.jsonl or feedback*.jsonl"));
  EXPECT_THAT(import_error<ConfigError>("decision-log", {dir / "feedback-day1.jsonl"}),
              HasSubstr("needs at least one decisions file"));
  std::filesystem::create_directories(dir / "empty-run");
  EXPECT_THAT(import_error<ConfigError>("decision-log", {dir / "empty-run"}),
              HasSubstr("holds no decisions.jsonl"));
}

TEST(DecisionLogImport, AbsentOrEmptyFeedbackMeansNoRewards) {
  TempDir dir;
  write_text(dir / "log/decisions.jsonl", good_decision("r-1").dump() + "\n");
  const RawLog without = import_log("decision-log", {dir / "log"});
  EXPECT_THAT(without.impressions.reward, ElementsAre(0.0f, 0.0f, 0.0f));
  write_text(dir / "log/feedback.jsonl", "");
  const RawLog empty = import_log("decision-log", {dir / "log"});
  EXPECT_THAT(empty.impressions.click, ElementsAre(0, 0, 0));
  EXPECT_EQ(empty.counters.rows_read, 1u);

  write_text(dir / "log/decisions.jsonl", "");
  EXPECT_THAT(import_error("decision-log", {dir / "log"}), HasSubstr("empty file"));
}

// Preprocessing keeps every event the policy saw, whatever dedupe and min_item_support say.
TEST(DecisionLogImport, PreprocessingKeepsThePolicysStates) {
  TempDir dir;
  const Events h1 = {{"a", "click"}, {"a", "click"}, {"rare", "cart"}};
  write_text(dir / "log/decisions.jsonl", decision_lines({{"r-1", kT0, "u", h1, {"x"}}}));
  ImportConfig config = decision_log_config({dir / "log"});
  config.dedupe = true;
  config.min_item_support = 5;
  config.min_session_length = 10;
  const SessionStore store = import_store(config);
  EXPECT_THAT(seen_per_slate(store), ElementsAre(event_texts(h1)));
}

// import.version keeps one policy's traffic: another version's decisions and their feedback
// are passed over, even where they name items outside this version's catalogue.
TEST(DecisionLogImport, OneVersionsTrafficIsKeptAndTheOthersPassedOver) {
  TempDir dir;
  Served v1 = {"r-1", kT0, "u1", {}, {"a", "b"}};
  Served v2 = {"r-2", kT0 + 10, "u2", {}, {"new-item", "b"}};
  v2.version = 2;
  Served v2_bad = {"r-3", kT0 + 20, "u3", {}, {"b", "b"}};  // a bad line, but passed over
  v2_bad.version = 2;
  write_text(dir / "log/decisions.jsonl", decision_lines({v1, v2, v2_bad}));
  write_text(dir / "log/feedback.jsonl", feedback_line("r-1", kT0 + 1, {{"b", "click", 1}}) +
                                             feedback_line("r-2", kT0 + 11, {{"b", "click", 1}}));
  ImportConfig config = decision_log_config({dir / "log"});
  config.version = 1;
  SessionStore store = import_store(config);
  EXPECT_THAT(store.session_raw_id, ElementsAre("u1#0"));
  EXPECT_THAT(store.impressions.reward, ElementsAre(0.0f, 1.0f));
  config.model = "another";
  EXPECT_THROW(import_store(config), DataError);  // nothing left to import
  config.model = "quickstart";
  config.version = 2;
  config.skip_bad_rows = true;
  store = import_store(config);
  EXPECT_THAT(store.session_raw_id, ElementsAre("u2#0"));
  EXPECT_EQ(store.provenance.rows_skipped, 1u);  // r-3's repeated item
}

// import.unit_prefix keeps one round's (or one experiment's) shoppers: the other units'
// decisions and their feedback are passed over.
TEST(DecisionLogImport, OneRoundsUnitsAreKeptAndTheOthersPassedOver) {
  TempDir dir;
  const Served first = {"round1/0/0", kT0, "round1/0", {}, {"a", "b"}};
  const Served second = {"round2/0/0", kT0 + 10, "round2/0", {}, {"a", "b"}};
  const Served tenth = {"round10/0/0", kT0 + 20, "round10/0", {}, {"b", "a"}};
  write_text(dir / "log/decisions.jsonl", decision_lines({first, second, tenth}));
  write_text(dir / "log/feedback.jsonl",
             feedback_line("round1/0/0", kT0 + 1, {{"b", "click", 1}}) +
                 feedback_line("round2/0/0", kT0 + 11, {{"a", "click", 0}}));
  ImportConfig config = decision_log_config({dir / "log"});
  config.unit_prefix = "round1/";
  SessionStore store = import_store(config);
  EXPECT_THAT(store.session_raw_id, ElementsAre("round1/0#0"));
  EXPECT_THAT(store.impressions.reward, ElementsAre(0.0f, 1.0f));
  config.unit_prefix = "round2/";
  store = import_store(config);
  EXPECT_THAT(store.session_raw_id, ElementsAre("round2/0#0"));
  EXPECT_THAT(store.impressions.reward, ElementsAre(1.0f, 0.0f));
  config.unit_prefix = "";
  EXPECT_EQ(import_store(config).num_sessions(), 3u);
}

}  // namespace
}  // namespace shoprl::testing::decision_log_test
