#include "data/event_type.h"

#include "core/error.h"

namespace shoprl {

const char* event_type_name(EventType type) {
  switch (type) {
    case EventType::kClick:
      return "click";
    case EventType::kCart:
      return "cart";
    case EventType::kPurchase:
      return "purchase";
  }
  return "unknown";
}

namespace {

int parse_target(const std::string& raw, const std::string& target) {
  if (target == "click") return static_cast<int>(EventType::kClick);
  if (target == "cart") return static_cast<int>(EventType::kCart);
  if (target == "purchase") return static_cast<int>(EventType::kPurchase);
  if (target == "drop") return EventMap::kDrop;
  throw ConfigError("import.events." + raw + ": unknown target '" + target +
                    "' (one of: click, cart, purchase, drop)");
}

}  // namespace

EventMap::EventMap(const std::map<std::string, std::string>& defaults,
                   const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> merged = defaults;
  for (const auto& [raw, target] : overrides) merged[raw] = target;
  for (const auto& [raw, target] : merged) entries_.emplace_back(raw, parse_target(raw, target));
}

std::string EventMap::known_names() const {
  std::string names;
  for (const auto& entry : entries_) names += (names.empty() ? "" : ", ") + entry.first;
  return names;
}

}  // namespace shoprl
