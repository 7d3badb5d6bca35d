// The sessions of a split as the user model's training sequences (session_sequences.h).
#include "sim/session_sequences.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "core/error.h"
#include "data/event_type.h"

namespace shoprl {

namespace {

constexpr std::int8_t kClick = static_cast<std::int8_t>(EventType::kClick);
constexpr std::int8_t kPurchase = static_cast<std::int8_t>(EventType::kPurchase);

}  // namespace

SessionSequences session_sequences(const SessionStore& store, Split split, int max_length,
                                   const std::string& store_path) {
  if (max_length < 1)
    throw ConfigError(
        fmt::format("session sequences: max_length must be positive, got {}", max_length));
  SessionSequences out;
  out.num_items = static_cast<std::int64_t>(store.num_items());
  // Items bought after the current event whose purchase no click between has claimed yet.
  std::unordered_set<std::int32_t> unclaimed_purchases;
  std::vector<std::int8_t> purchased_later;
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (store.session_split[s] != static_cast<std::int8_t>(split)) continue;
    const std::int64_t begin = store.session_offsets[s];
    const std::int64_t end = store.session_offsets[s + 1];
    if (end == begin) continue;

    // Backwards: a purchase is credited to the last click of its item before it, so each
    // purchase is one positive target. Crediting every earlier click of the item as well
    // counted one purchase once per re-click, and a simulator that buys with that probability
    // at every click sells more than the users bought (docs/simulator.md, "Where the optimism
    // came from").
    purchased_later.assign(static_cast<std::size_t>(end - begin), 0);
    unclaimed_purchases.clear();
    for (std::int64_t e = end - 1; e >= begin; --e) {
      const std::int32_t item = store.event_item[e];
      if (store.event_type[e] == kClick && unclaimed_purchases.erase(item) > 0)
        purchased_later[e - begin] = 1;
      if (store.event_type[e] == kPurchase) unclaimed_purchases.insert(item);
    }

    for (std::int64_t window = begin; window < end; window += max_length) {
      const std::int64_t window_end = std::min<std::int64_t>(window + max_length, end);
      for (std::int64_t e = window; e < window_end; ++e) {
        const bool last = e == end - 1;
        out.items.push_back(store.event_item[e]);
        out.types.push_back(store.event_type[e]);
        out.purchased_later.push_back(purchased_later[e - begin]);
        out.ends_step.push_back(last || store.event_type[e + 1] == kClick ? 1 : 0);
        out.last_event.push_back(last ? 1 : 0);
      }
      out.offsets.push_back(static_cast<std::int64_t>(out.items.size()));
      out.session.push_back(static_cast<std::int64_t>(s));
    }
  }
  if (out.size() == 0)
    throw DataError(fmt::format("{}: no {} session with events to fit the user model on",
                                store_path, split_name(split)));
  return out;
}

SessionSequences every_nth_session(const SessionSequences& sequences, std::int64_t every,
                                   bool held_out) {
  SessionSequences out;
  out.num_items = sequences.num_items;
  std::int64_t ordinal = -1;
  for (std::size_t q = 0; q < sequences.size(); ++q) {
    if (q == 0 || sequences.session[q] != sequences.session[q - 1]) ++ordinal;
    if ((ordinal % every == 0) != held_out) continue;
    for (std::int64_t e = sequences.offsets[q]; e < sequences.offsets[q + 1]; ++e) {
      out.items.push_back(sequences.items[e]);
      out.types.push_back(sequences.types[e]);
      out.purchased_later.push_back(sequences.purchased_later[e]);
      out.ends_step.push_back(sequences.ends_step[e]);
      out.last_event.push_back(sequences.last_event[e]);
    }
    out.offsets.push_back(static_cast<std::int64_t>(out.items.size()));
    out.session.push_back(sequences.session[q]);
  }
  return out;
}

}  // namespace shoprl
