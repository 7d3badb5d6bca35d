// One recommendation (recommendation.h).
#include "serve/recommendation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/seeding.h"
#include "data/event_type.h"
#include "env/random_stream.h"
#include "policy/slate_propensities.h"
#include "serve/json_text.h"

namespace shoprl {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxHistory = 100000;  // events a request may carry
constexpr std::size_t kMaxIdLength = 256;

[[noreturn]] void bad(const std::string& field, const std::string& message) {
  throw RequestError(400, field, field + ": " + message);
}

// A raw id: a string, or an integer (many clients send numeric ids) as its decimal text.
std::string raw_id(const json& value, const std::string& field) {
  if (value.is_string()) {
    const std::string id = value.get<std::string>();
    if (id.empty() || id.size() > kMaxIdLength)
      bad(field, "must be a non-empty id of at most 256 characters");
    return id;
  }
  if (value.is_number_integer()) return value.dump();
  bad(field, "must be a string (or an integer) item id");
}

std::vector<std::string> id_list(const json& object, const char* key, const std::string& field,
                                 bool required) {
  std::vector<std::string> ids;
  if (!object.contains(key)) {
    if (required) bad(field, "is required");
    return ids;
  }
  const json& list = object.at(key);
  if (!list.is_array()) bad(field, "must be an array");
  if (list.size() > kMaxHistory) bad(field, fmt::format("has more than {} entries", kMaxHistory));
  ids.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i)
    ids.push_back(raw_id(list[i], fmt::format("{}[{}]", field, i)));
  return ids;
}

std::string optional_string(const json& object, const char* key, const std::string& field) {
  if (!object.contains(key) || object.at(key).is_null()) return "";
  if (!object.at(key).is_string()) bad(field, "must be a string");
  const std::string text = object.at(key).get<std::string>();
  if (text.size() > kMaxIdLength) bad(field, "is longer than 256 characters");
  return text;
}

int event_code(const std::string& name) {
  if (name == "click") return static_cast<int>(EventType::kClick);
  if (name == "cart") return static_cast<int>(EventType::kCart);
  if (name == "purchase") return static_cast<int>(EventType::kPurchase);
  return -1;
}

void check_keys(const json& object, const std::string& where,
                std::initializer_list<const char*> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return key == k; }) ==
        known.end())
      bad(where.empty() ? key : where + "." + key, "is not a field of this request");
  }
}

std::string rule_of_mode(const std::string& mode) {
  if (mode == "greedy") return "top_k";
  if (mode == "sample") return "boltzmann";
  return "epsilon_greedy";
}

// A request body: a JSON object with no keys but `allowed`.
json parse_body_object(const std::string& body, std::initializer_list<const char*> allowed) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    bad("body", fmt::format("is not valid JSON ({})", e.what()));
  }
  if (!j.is_object()) bad("body", "must be a JSON object");
  check_keys(j, "", allowed);
  return j;
}

}  // namespace

RecommendRequest parse_recommend_request(const std::string& body) {
  const json j =
      parse_body_object(body, {"request_id", "unit_id", "session", "k", "exclude", "policy"});
  RecommendRequest r;
  r.request_id = optional_string(j, "request_id", "request_id");
  r.unit_id = optional_string(j, "unit_id", "unit_id");
  if (!j.contains("session")) bad("session", "is required");
  const json& session = j.at("session");
  if (!session.is_object()) bad("session", "must be an object {items, events?}");
  check_keys(session, "session", {"items", "events"});
  r.items = id_list(session, "items", "session.items", true);
  if (session.contains("events")) {
    const json& events = session.at("events");
    if (!events.is_array()) bad("session.events", "must be an array");
    if (events.size() != r.items.size())
      bad("session.events",
          fmt::format("has {} entries for {} items", events.size(), r.items.size()));
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::string field = fmt::format("session.events[{}]", i);
      if (!events[i].is_string() || event_code(events[i].get<std::string>()) < 0)
        bad(field, "must be click, cart or purchase");
      r.events.push_back(events[i].get<std::string>());
    }
  }
  if (!j.contains("k")) bad("k", "is required");
  if (!j.at("k").is_number_integer()) bad("k", "must be an integer");
  const std::int64_t k = j.at("k").get<std::int64_t>();
  if (k < 1 || k > kMaxSlateSlots) bad("k", fmt::format("must be in [1, {}]", kMaxSlateSlots));
  r.k = static_cast<int>(k);
  r.exclude = id_list(j, "exclude", "exclude", false);
  if (j.contains("policy")) {
    const json& policy = j.at("policy");
    if (!policy.is_object()) bad("policy", "must be an object {mode, temperature?, epsilon?}");
    check_keys(policy, "policy", {"mode", "temperature", "epsilon"});
    r.mode = optional_string(policy, "mode", "policy.mode");
    if (!r.mode.empty() && r.mode != "greedy" && r.mode != "sample" && r.mode != "epsilon")
      bad("policy.mode", "must be greedy, sample or epsilon");
    if (policy.contains("temperature")) {
      const json& t = policy.at("temperature");
      if (!t.is_number() || !std::isfinite(t.get<double>()) || t.get<double>() < 1e-6)
        bad("policy.temperature", "must be a number of at least 1e-6");
      r.temperature = t.get<double>();
    }
    if (policy.contains("epsilon")) {
      const json& e = policy.at("epsilon");
      if (!e.is_number() || !(e.get<double>() >= 0 && e.get<double>() <= 1))
        bad("policy.epsilon", "must be a number in [0, 1]");
      r.epsilon = e.get<double>();
    }
  }
  return r;
}

Decision decide(const ServedModel& model, const RecommendRequest& request, std::uint64_t seed,
                int marginal_samples) {
  const PolicyMetadata& m = model.policy.metadata();
  Decision d;
  SlateRuleConfig rule = m.slate_rule;
  if (!request.mode.empty()) rule.rule = rule_of_mode(request.mode);
  if (request.temperature) rule.temperature = *request.temperature;
  if (request.epsilon) rule.epsilon = *request.epsilon;
  d.rule = rule.rule;
  d.temperature = rule.temperature;
  d.epsilon = rule.epsilon;

  // The history: known ids only (unknown ones are named in the warnings), its last
  // history_length events.
  std::vector<std::string> unknown;
  for (std::size_t i = 0; i < request.items.size(); ++i) {
    const auto it = model.index_of.find(request.items[i]);
    if (it == model.index_of.end()) {
      unknown.push_back(request.items[i]);
      continue;
    }
    d.history_items.push_back(it->second);
    d.history_types.push_back(request.events.empty() ? 0 : event_code(request.events[i]));
  }
  const auto name_some = [](const std::vector<std::string>& ids) {
    std::string text;
    for (std::size_t i = 0; i < std::min<std::size_t>(ids.size(), 5); ++i)
      text += (i ? ", " : "") + ids[i];
    if (ids.size() > 5) text += fmt::format(" and {} more", ids.size() - 5);
    return text;
  };
  if (!unknown.empty())
    d.warnings.push_back("unknown item ids in the session, ignored: " + name_some(unknown));
  const std::size_t keep =
      std::min<std::size_t>(d.history_items.size(), static_cast<std::size_t>(m.history_length));
  d.history_items.erase(d.history_items.begin(), d.history_items.end() - keep);
  d.history_types.erase(d.history_types.begin(), d.history_types.end() - keep);

  // The candidates: every item not excluded.
  std::vector<char> excluded(static_cast<std::size_t>(m.num_items), 0);
  std::vector<std::string> unknown_excluded;
  for (const std::string& id : request.exclude) {
    const auto it = model.index_of.find(id);
    if (it == model.index_of.end())
      unknown_excluded.push_back(id);
    else
      excluded[static_cast<std::size_t>(it->second)] = 1;
  }
  if (!unknown_excluded.empty())
    d.warnings.push_back("unknown item ids in exclude, ignored: " + name_some(unknown_excluded));
  std::vector<std::int32_t> candidates;
  candidates.reserve(excluded.size());
  for (std::size_t i = 0; i < excluded.size(); ++i)
    if (!excluded[i]) candidates.push_back(static_cast<std::int32_t>(i));
  const auto available = static_cast<std::int64_t>(candidates.size());
  if (request.k > available)
    throw RequestError(
        400, "k",
        fmt::format("k: {} is more than the {} items that may be shown", request.k, available));

  const auto index = torch::dtype(torch::kInt64);
  const std::int64_t length = static_cast<std::int64_t>(keep);
  torch::Tensor items = torch::full({1, std::max<std::int64_t>(length, 1)}, -1, index);
  torch::Tensor types = items.clone();
  for (std::int64_t t = 0; t < length; ++t) {
    items[0][t] = d.history_items[static_cast<std::size_t>(t)];
    types[0][t] = d.history_types[static_cast<std::size_t>(t)];
  }
  const torch::Tensor scores =
      model.policy.scores({items, types, torch::full({1}, length, index)}).contiguous();
  const float* all = scores.data_ptr<float>();
  std::vector<float> candidate_scores(candidates.size());
  for (std::size_t c = 0; c < candidates.size(); ++c) candidate_scores[c] = all[candidates[c]];
  check_scores(torch::from_blob(candidate_scores.data(), {1, available}, torch::kFloat32),
               model.name);

  // The rule over the candidates: its probabilities are those of what can be shown.
  validate_slate_rule(rule, available, request.k, marginal_samples);
  ScoredSlateRule slate_rule(rule, request.k, marginal_samples);
  slate_rule.set_scores(candidate_scores.data(), available);
  std::vector<std::int32_t> chosen(static_cast<std::size_t>(request.k));
  RandomStream draw(derive_seed(seed, 1));
  slate_rule.sample(draw, chosen.data());
  d.prefix.resize(chosen.size());
  d.marginal.resize(chosen.size());
  d.slate_propensity = slate_rule.prefix_probabilities(chosen.data(), request.k, d.prefix.data());
  d.marginal_seed = derive_seed(seed, 2);
  RandomStream marginals(derive_seed(d.marginal_seed, 0));
  slate_rule.marginals(chosen.data(), request.k, marginals, d.marginal.data());
  for (const std::int32_t c : chosen) {
    d.slate.push_back(candidates[static_cast<std::size_t>(c)]);
    d.scores.push_back(candidate_scores[static_cast<std::size_t>(c)]);
  }
  return d;
}

std::string recommend_response_json(const ServedModel& model, const std::string& request_id,
                                    const Decision& d) {
  const std::vector<std::string>& ids = model.policy.metadata().item_ids;
  json slate = json::array();
  for (std::size_t s = 0; s < d.slate.size(); ++s) {
    slate.push_back({{"item", ids[static_cast<std::size_t>(d.slate[s])]},
                     {"score", d.scores[s]},
                     {"propensity", d.marginal[s]}});
  }
  json out = {{"request_id", request_id},
              {"model", model.name},
              {"version", model.version},
              {"slate", slate},
              {"slate_propensity", d.slate_propensity}};
  if (!d.warnings.empty()) out["warnings"] = d.warnings;
  return json_text(out);
}

std::string decision_log_line(const ServedModel& model, const std::string& request_id,
                              const RecommendRequest& request, const Decision& d,
                              std::int64_t time_ms) {
  const std::vector<std::string>& ids = model.policy.metadata().item_ids;
  json history_items = json::array(), history_events = json::array(), slate = json::array();
  for (std::size_t t = 0; t < d.history_items.size(); ++t) {
    history_items.push_back(ids[static_cast<std::size_t>(d.history_items[t])]);
    history_events.push_back(event_type_name(static_cast<EventType>(d.history_types[t])));
  }
  for (const std::int32_t item : d.slate) slate.push_back(ids[static_cast<std::size_t>(item)]);
  json line = {{"request_id", request_id},
               {"time_ms", time_ms},
               {"unit_id", request.unit_id},
               {"model", model.name},
               {"version", model.version},
               {"history", {{"items", history_items}, {"events", history_events}}},
               {"slate", slate},
               {"scores", d.scores},
               {"propensities", d.marginal},
               {"prefix_propensities", d.prefix},
               {"slate_propensity", d.slate_propensity},
               {"rule", {{"rule", d.rule}, {"temperature", d.temperature}, {"epsilon", d.epsilon}}},
               {"exclude", request.exclude},
               {"marginal_seed", d.marginal_seed}};
  return json_text(line);
}

std::string feedback_log_line(const std::string& body, std::int64_t time_ms) {
  const json j = parse_body_object(body, {"request_id", "events"});
  const std::string request_id = optional_string(j, "request_id", "request_id");
  if (request_id.empty()) bad("request_id", "is required");
  if (!j.contains("events") || !j.at("events").is_array() || j.at("events").empty())
    bad("events", "must be a non-empty array of {item, type, position?}");
  json events = json::array();
  for (std::size_t i = 0; i < j.at("events").size(); ++i) {
    const json& event = j.at("events")[i];
    const std::string field = fmt::format("events[{}]", i);
    if (!event.is_object()) bad(field, "must be an object {item, type, position?}");
    check_keys(event, field, {"item", "type", "position"});
    if (!event.contains("item")) bad(field + ".item", "is required");
    json out = {{"item", raw_id(event.at("item"), field + ".item")}};
    if (!event.contains("type") || !event.at("type").is_string() ||
        event_code(event.at("type").get<std::string>()) < 0)
      bad(field + ".type", "must be click, cart or purchase");
    out["type"] = event.at("type");
    if (event.contains("position")) {
      const json& p = event.at("position");
      if (!p.is_number_integer() || p.get<std::int64_t>() < 0 ||
          p.get<std::int64_t>() >= kMaxSlateSlots)
        bad(field + ".position", fmt::format("must be an integer in [0, {})", kMaxSlateSlots));
      out["position"] = p;
    }
    events.push_back(out);
  }
  return json_text(json({{"request_id", request_id}, {"time_ms", time_ms}, {"events", events}}));
}

}  // namespace shoprl
