#include "data/importer_registry.h"

#include "core/edit_distance.h"
#include "core/error.h"

namespace shoprl {

const std::vector<ImporterInfo>& importers() {
  static const std::vector<ImporterInfo> list = {
      {"retailrocket",
       "RetailRocket events.csv (timestamp,visitorid,event,itemid,transactionid); visitors are "
       "cut into sessions at inactivity gaps",
       &import_retailrocket,
       {{"view", "click"}, {"addtocart", "cart"}, {"transaction", "purchase"}},
       true},
      {"yoochoose",
       "YOOCHOOSE / RecSys Challenge 2015 yoochoose-clicks.dat and yoochoose-buys.dat (either "
       "or both)",
       &import_yoochoose,
       {{"click", "click"}, {"buy", "purchase"}},
       false},
      {"diginetica",
       "DIGINETICA / CIKM Cup 2016 train-item-views.csv, train-purchases.csv and optionally "
       "product-categories.csv (';'-separated)",
       &import_diginetica,
       {{"view", "click"}, {"purchase", "purchase"}},
       false},
      // OTTO's "sessions" are whole shopper histories of up to four weeks; by default they are
      // kept as the dataset defines them (sessionize: user_gap cuts them at inactivity gaps).
      {"otto",
       "OTTO JSON lines {\"session\", \"events\": [{\"aid\", \"ts\", \"type\"}]}",
       &import_otto,
       {{"clicks", "click"}, {"carts", "cart"}, {"orders", "purchase"}},
       false},
      {"open-bandit",
       "Open Bandit Dataset log csv (e.g. men.csv) and optionally item_context.csv: one bandit "
       "round per row with its logged propensity",
       &import_open_bandit,
       {{"click", "click"}},
       false},
      {"sessions-csv",
       "Any delimited file with a header; columns named in import.csv",
       &import_sessions_csv,
       {{"view", "click"},
        {"click", "click"},
        {"cart", "cart"},
        {"add_to_cart", "cart"},
        {"addtocart", "cart"},
        {"purchase", "purchase"},
        {"buy", "purchase"},
        {"transaction", "purchase"}},
       false},
      // A unit's decisions are one history the server kept; its visits are cut at gaps.
      {"decision-log",
       "shoprl serve --log-dir folders (decisions.jsonl + feedback.jsonl): logged slates with "
       "their propensities, feedback as rewards, the policy's histories as events",
       &import_decision_log,
       {{"click", "click"}, {"cart", "cart"}, {"purchase", "purchase"}},
       true},
  };
  return list;
}

const ImporterInfo& find_importer(const std::string& name) {
  std::vector<std::string> names;
  for (const ImporterInfo& info : importers()) {
    if (name == info.name) return info;
    names.emplace_back(info.name);
  }
  const std::string suggestion = nearest_match(name, names);
  if (!suggestion.empty()) {
    throw ConfigError("unknown import format '" + name + "'; did you mean '" + suggestion + "'?");
  }
  std::string known;
  for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("unknown import format '" + name + "' (known: " + known + ")");
}

}  // namespace shoprl
