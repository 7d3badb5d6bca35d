// Event types of the session store and the mapping from a log's raw event names onto them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoprl {

enum class EventType : std::uint8_t { kClick = 0, kCart = 1, kPurchase = 2 };
inline constexpr int kNumEventTypes = 3;

const char* event_type_name(EventType type);  // "click", "cart", "purchase"

// Maps raw event names ("view", "addtocart", ...) to event types or to "drop". Built from a
// format's defaults with `import.events` entries laid over them.
class EventMap {
 public:
  static constexpr int kDrop = -1;
  static constexpr int kUnknown = -2;

  // `targets` values must be click | cart | purchase | drop (ConfigError naming import.events).
  EventMap(const std::map<std::string, std::string>& defaults,
           const std::map<std::string, std::string>& overrides);

  // The event type (0..2), kDrop, or kUnknown. Linear scan: logs have a handful of names.
  int map(std::string_view raw) const {
    for (const auto& [name, target] : entries_) {
      if (name == raw) return target;
    }
    return kUnknown;
  }
  // "view, addtocart, transaction" for error messages.
  std::string known_names() const;

 private:
  std::vector<std::pair<std::string, int>> entries_;
};

}  // namespace shoprl
