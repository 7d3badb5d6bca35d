// The `import` config section: which importer, which inputs, and the preprocessing applied
// to every format (event mapping, sessionisation, de-duplication, filters, split).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/config_field.h"

namespace shoprl {

// Column names of the generic `sessions-csv` format.
struct CsvColumnsConfig {
  std::string delimiter = ",";
  std::string session = "session_id";
  std::string timestamp = "timestamp";
  std::string item = "item_id";
  std::string event = "event";
  std::string user = "";
  std::string price = "";
  std::string category = "";

  void visit(ConfigVisitor& v) {
    v.field("delimiter", delimiter, "Field separator (one character; \"\\t\" for tab)");
    v.field("session", session, "Column with the session id");
    v.field("timestamp", timestamp, "Column with the time: epoch number or ISO 8601 text");
    v.field("item", item, "Column with the item id");
    v.field("event", event, "Column with the event name, mapped through import.events");
    v.field("user", user, "Column with the user id (\"\" = none)");
    v.field("price", price, "Column with the item price (\"\" = none)");
    v.field("category", category, "Column with the item category (\"\" = none)");
  }
};

// Reward of each feedback event type, for formats whose log has feedback but no reward
// (decision-log). The quickstart world pays click 0.2 and purchase 1.0 (env.click_reward,
// env.purchase_reward): set these to match when the log came from that world.
struct ImportRewardsConfig {
  double click = 1;
  double cart = 0;
  double purchase = 0;

  void visit(ConfigVisitor& v) {
    v.field("click", click, "decision-log: reward of a click on a shown item");
    v.field("cart", cart, "decision-log: reward of a cart event on a shown item");
    v.field("purchase", purchase, "decision-log: reward of a purchase of a shown item");
  }
};

struct SplitConfig {
  std::string method = "random";
  double train = 0.8;
  double valid = 0.1;
  double test = 0.1;

  void visit(ConfigVisitor& v) {
    v.field("method", method,
            "random: sessions shuffled with run.seed; time: by session start, latest last",
            one_of({"random", "time"}));
    v.field("train", train, "Fraction of sessions in the train split", in_range(0, 1));
    v.field("valid", valid, "Fraction of sessions in the valid split", in_range(0, 1));
    v.field("test", test, "Fraction of sessions in the test split", in_range(0, 1));
  }
};

struct ImportConfig {
  std::string format = "sessions-csv";
  std::vector<std::string> inputs;
  std::map<std::string, std::string> events;
  std::string sessionize = "auto";
  double session_gap_minutes = 30;
  bool dedupe = true;
  int min_session_length = 1;
  int min_item_support = 1;
  bool skip_bad_rows = false;
  std::string timestamp_unit = "auto";
  CsvColumnsConfig csv;
  SplitConfig split;
  ImportRewardsConfig rewards;
  std::string catalogue = "";
  std::string world = "";
  std::string model = "";
  std::int64_t version = 0;
  std::string unit_prefix = "";

  void visit(ConfigVisitor& v) {
    v.field("format", format, "Log format (--format overrides)",
            one_of({"retailrocket", "yoochoose", "diginetica", "otto", "open-bandit",
                    "sessions-csv", "decision-log"}));
    v.field("inputs", inputs,
            "Input files, plain or .gz, relative to the working directory (decision-log: also "
            "log folders) (--input overrides)");
    v.field("events", events,
            "Raw event name -> click|cart|purchase|drop, laid over the format's defaults");
    v.field("sessionize", sessionize,
            "auto: the format's session ids, or users cut at gaps where a format has no "
            "sessions; session_id; user_gap",
            one_of({"auto", "session_id", "user_gap"}));
    v.field("session_gap_minutes", session_gap_minutes,
            "user_gap: inactivity that starts a new session; 0 = one session per user",
            at_least(0));
    v.field("dedupe", dedupe,
            "Drop exact duplicate events (same session, item, type, time); decision-log keeps all");
    v.field("min_session_length", min_session_length,
            "Drop sessions with fewer events (applied first; SQN uses 3)", at_least(0));
    v.field("min_item_support", min_item_support,
            "Then drop events of items seen fewer times (SQN uses 3; not decision-log's events)",
            at_least(1));
    v.field("skip_bad_rows", skip_bad_rows,
            "Count and skip malformed rows instead of stopping at the first");
    v.field("timestamp_unit", timestamp_unit,
            "Unit of numeric timestamps; auto guesses from magnitude",
            one_of({"auto", "s", "ms", "us"}));
    v.field("catalogue", catalogue,
            "decision-log: an exported model's metadata.json, version folder or model folder "
            "(its highest version): its item_ids become the store's items, in order (\"\" = "
            "items in order of first appearance)");
    v.field("model", model,
            "decision-log: keep only the decisions of this model (\"\" = every model)");
    v.field("version", version,
            "decision-log: keep only the decisions of this model version, one policy's traffic "
            "(0 = every version)",
            at_least(0));
    v.field("unit_prefix", unit_prefix,
            "decision-log: keep only the decisions whose unit_id starts with this, e.g. one "
            "round's or one experiment's shoppers (shoprl traffic's request_prefix + \"/\"; \"\" "
            "= every unit)");
    v.field("world", world,
            "A resolved shoprl config whose world made the log (e.g. RUN/config.yaml of shoprl "
            "traffic), recorded as the store's /truth world config (\"\" = none)");
    v.section("csv", csv, "Columns of the generic sessions-csv format");
    v.section("split", split, "Train/valid/test assignment of sessions");
    v.section("rewards", rewards,
              "decision-log: reward per feedback event type on a shown item (the impressions' "
              "reward column); the quickstart world pays click 0.2, purchase 1.0 "
              "(env.click_reward, env.purchase_reward)");
  }

  // Cross-key checks (fractions sum to one, one-character delimiter); ConfigError naming keys.
  void validate() const;
};

}  // namespace shoprl
