#include "data/preprocess.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/huge_pages.h"
#include "core/seeding.h"
#include "data/event_type.h"

namespace shoprl {

namespace {

// A session before it is written: a range of `order` (event indices in session order) and the
// raw key it came from.
struct SessionRange {
  std::int32_t key;
  std::int32_t part;  // n-th session cut from this key
  std::size_t begin;
  std::size_t end;
  std::int64_t start_ms;
  bool has_impressions = false;
};

// Counting sort of events by key, preserving input order within a key, then a stable sort by
// time inside each key (skipped where already ordered, the common case).
std::vector<std::uint32_t> order_events(const RawLog& log, std::vector<std::size_t>& key_offsets) {
  const std::size_t keys = log.session_keys.size();
  key_offsets.assign(keys + 1, 0);
  for (const std::int32_t key : log.event_session) ++key_offsets[static_cast<std::size_t>(key) + 1];
  std::partial_sum(key_offsets.begin(), key_offsets.end(), key_offsets.begin());
  std::vector<std::size_t> cursor(key_offsets.begin(), key_offsets.end() - 1);
  std::vector<std::uint32_t> order;
  reserve_huge(order, log.num_events());
  order.resize(log.num_events());
  for (std::size_t e = 0; e < log.num_events(); ++e) {
    order[cursor[static_cast<std::size_t>(log.event_session[e])]++] = static_cast<std::uint32_t>(e);
  }
  const auto by_time = [&](std::uint32_t a, std::uint32_t b) {
    return log.event_time_ms[a] < log.event_time_ms[b];
  };
  for (std::size_t k = 0; k < keys; ++k) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(key_offsets[k]);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(key_offsets[k + 1]);
    if (!std::is_sorted(first, last, by_time)) std::stable_sort(first, last, by_time);
  }
  return order;
}

// Removes exact duplicates (same key, item, type, time) in place; keys' ranges shrink.
void drop_duplicates(const RawLog& log, std::vector<std::uint32_t>& order,
                     std::vector<std::size_t>& key_offsets) {
  std::size_t write = 0;
  std::size_t key_begin_written = 0;
  for (std::size_t k = 0; k + 1 < key_offsets.size(); ++k) {
    const std::size_t begin = key_offsets[k];
    const std::size_t end = key_offsets[k + 1];
    key_offsets[k] = key_begin_written;
    std::size_t same_time_start = write;  // first written event with the current time
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t e = order[i];
      if (write > key_begin_written &&
          log.event_time_ms[order[write - 1]] != log.event_time_ms[e]) {
        same_time_start = write;
      }
      bool duplicate = false;
      // Duplicates share the timestamp, so only the run of equal times is searched.
      for (std::size_t j = same_time_start; j < write && !duplicate; ++j) {
        const std::uint32_t f = order[j];
        duplicate = log.event_time_ms[f] == log.event_time_ms[e] &&
                    log.event_item[f] == log.event_item[e] &&
                    log.event_type[f] == log.event_type[e];
      }
      if (!duplicate) order[write++] = e;
    }
    key_begin_written = write;
  }
  key_offsets.back() = write;
  order.resize(write);
}

std::vector<SessionRange> cut_sessions(const RawLog& log, const std::vector<std::uint32_t>& order,
                                       const std::vector<std::size_t>& key_offsets,
                                       const PreprocessOptions& options) {
  std::vector<SessionRange> sessions;
  reserve_huge(sessions, key_offsets.size());
  const bool cut = options.cut_user_sessions && options.session_gap_ms > 0;
  for (std::size_t k = 0; k + 1 < key_offsets.size(); ++k) {
    const std::size_t begin = key_offsets[k];
    const std::size_t end = key_offsets[k + 1];
    if (begin == end) {
      // A key without events still makes a session when it holds impressions (checked later).
      sessions.push_back({static_cast<std::int32_t>(k), 0, begin, end, 0});
      continue;
    }
    std::size_t start = begin;
    std::int32_t part = 0;
    for (std::size_t i = begin + 1; i <= end; ++i) {
      if (i == end || (cut && log.event_time_ms[order[i]] - log.event_time_ms[order[i - 1]] >
                                  options.session_gap_ms)) {
        sessions.push_back(
            {static_cast<std::int32_t>(k), part++, start, i, log.event_time_ms[order[start]]});
        start = i;
      }
    }
  }
  return sessions;
}

// For each impression row, the index (into `sessions`) of the session it belongs to: the last
// session of its key that starts no later than the impression.
std::vector<std::int64_t> place_impressions(const RawLog& log,
                                            std::vector<SessionRange>& sessions) {
  const RawImpressions& imp = log.impressions;
  std::vector<std::int64_t> first_session_of_key(log.session_keys.size() + 1, -1);
  for (std::size_t s = sessions.size(); s-- > 0;) {
    first_session_of_key[static_cast<std::size_t>(sessions[s].key)] = static_cast<std::int64_t>(s);
  }
  std::vector<std::int64_t> placed(imp.size(), -1);
  for (std::size_t r = 0; r < imp.size(); ++r) {
    const auto key = static_cast<std::size_t>(imp.session_key[r]);
    std::int64_t s = first_session_of_key[key];
    while (s + 1 < static_cast<std::int64_t>(sessions.size()) &&
           sessions[static_cast<std::size_t>(s + 1)].key ==
               sessions[static_cast<std::size_t>(s)].key &&
           sessions[static_cast<std::size_t>(s + 1)].start_ms <= imp.time_ms[r]) {
      ++s;
    }
    placed[r] = s;
    SessionRange& session = sessions[static_cast<std::size_t>(s)];
    if (!session.has_impressions && session.begin == session.end) session.start_ms = imp.time_ms[r];
    session.has_impressions = true;
  }
  return placed;
}

template <class T>
std::vector<T> gather(const std::vector<T>& source, const std::vector<std::size_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const std::size_t r : rows) out.push_back(source[r]);
  return out;
}

// Row subset of a feature table (rows of width numeric/categorical column count).
FeatureTable gather_rows(FeatureTable&& table, const std::vector<std::size_t>& rows) {
  FeatureTable out;
  const std::size_t nw = table.numeric_names.size();
  const std::size_t cw = table.categorical_names.size();
  out.numeric_names = std::move(table.numeric_names);
  out.categorical_names = std::move(table.categorical_names);
  out.vocabularies = std::move(table.vocabularies);
  out.numeric.reserve(rows.size() * nw);
  out.categorical.reserve(rows.size() * cw);
  for (const std::size_t r : rows) {
    for (std::size_t c = 0; c < nw; ++c) out.numeric.push_back(table.numeric[r * nw + c]);
    for (std::size_t c = 0; c < cw; ++c) out.categorical.push_back(table.categorical[r * cw + c]);
  }
  return out;
}

}  // namespace

void assign_splits(SessionStore& store, const std::vector<std::int64_t>& start_ms,
                   const SplitConfig& config, std::uint64_t seed) {
  const std::size_t n = store.num_sessions();
  std::vector<std::size_t> rank(n);
  std::iota(rank.begin(), rank.end(), std::size_t{0});
  if (config.method == "time") {
    std::stable_sort(rank.begin(), rank.end(),
                     [&](std::size_t a, std::size_t b) { return start_ms[a] < start_ms[b]; });
  } else {
    Rng rng = make_rng(seed, /*stream: split*/ 0x5EB17ULL);
    for (std::size_t i = n; i > 1; --i) std::swap(rank[i - 1], rank[uniform_index(rng, i)]);
  }
  const auto n_train =
      static_cast<std::size_t>(std::llround(config.train * static_cast<double>(n)));
  const auto n_valid = std::min(
      n - n_train, static_cast<std::size_t>(std::llround(config.valid * static_cast<double>(n))));
  store.session_split.assign(n, static_cast<std::int8_t>(Split::kTest));
  for (std::size_t i = 0; i < n; ++i) {
    Split split = Split::kTest;
    if (i < n_train) {
      split = Split::kTrain;
    } else if (i < n_train + n_valid) {
      split = Split::kValid;
    }
    store.session_split[rank[i]] = static_cast<std::int8_t>(split);
  }
}

SessionStore preprocess(RawLog&& log, const PreprocessOptions& options) {
  // 1-3: order, de-duplicate, cut.
  std::vector<std::size_t> key_offsets;
  std::vector<std::uint32_t> order = order_events(log, key_offsets);
  // A decision log's events are what its policy saw: removing one would change a logged state.
  const bool keep_events = log.events_are_policy_states;
  if (options.dedupe && !keep_events) drop_duplicates(log, order, key_offsets);
  std::vector<SessionRange> sessions = cut_sessions(log, order, key_offsets, options);
  const std::vector<std::int64_t> impression_session = place_impressions(log, sessions);

  // 4: session-length filter (sessions with impressions are kept).
  std::vector<char> keep_session(sessions.size(), 0);
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    const auto length = static_cast<std::int64_t>(sessions[s].end - sessions[s].begin);
    keep_session[s] =
        sessions[s].has_impressions || (length > 0 && length >= options.min_session_length);
  }

  // 5: item support over the surviving sessions; impression items always survive.
  const std::size_t raw_items = log.items.size();
  std::vector<std::int64_t> support(raw_items, 0);
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    if (!keep_session[s]) continue;
    for (std::size_t i = sessions[s].begin; i < sessions[s].end; ++i) {
      ++support[static_cast<std::size_t>(log.event_item[order[i]])];
    }
  }
  std::vector<char> keep_item(raw_items, 0);
  for (std::size_t item = 0; item < raw_items; ++item) {
    keep_item[item] = keep_events || support[item] >= options.min_item_support;
  }
  for (std::size_t r = 0; r < log.impressions.size(); ++r) {
    keep_item[static_cast<std::size_t>(log.impressions.item[r])] = 1;
  }

  // 6: write surviving sessions and events; then drop items nobody references.
  SessionStore store;
  std::vector<std::int64_t> new_session_of(sessions.size(), -1);
  std::vector<std::int64_t> session_start_ms;
  std::vector<char> referenced(raw_items, 0);
  const bool cut = options.cut_user_sessions && options.session_gap_ms > 0;
  const bool keys_are_users = log.session_keys_are_users;
  const bool have_users = keys_are_users || log.users.size() > 0;
  reserve_huge(store.event_item, order.size());
  reserve_huge(store.event_type, order.size());
  reserve_huge(store.event_time_ms, order.size());
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    if (!keep_session[s]) continue;
    const SessionRange& range = sessions[s];
    const std::size_t events_before = store.event_item.size();
    for (std::size_t i = range.begin; i < range.end; ++i) {
      const std::uint32_t e = order[i];
      const auto item = static_cast<std::size_t>(log.event_item[e]);
      if (!keep_item[item]) continue;
      referenced[item] = 1;
      store.event_item.push_back(static_cast<std::int32_t>(item));
      store.event_type.push_back(static_cast<std::int8_t>(log.event_type[e]));
      store.event_time_ms.push_back(log.event_time_ms[e]);
    }
    if (store.event_item.size() == events_before && !range.has_impressions) continue;
    new_session_of[s] = static_cast<std::int64_t>(store.session_raw_id.size());
    std::string raw_id(log.session_keys.key(range.key));
    if (cut) raw_id += "#" + std::to_string(range.part);
    store.session_raw_id.push_back(std::move(raw_id));
    store.session_offsets.push_back(static_cast<std::int64_t>(store.event_item.size()));
    session_start_ms.push_back(range.start_ms);
    if (have_users) {
      store.session_user.push_back(
          keys_are_users ? range.key : log.session_user[static_cast<std::size_t>(range.key)]);
    }
  }
  for (std::size_t r = 0; r < log.impressions.size(); ++r) {
    referenced[static_cast<std::size_t>(log.impressions.item[r])] = 1;
  }
  if (log.keep_all_items) std::fill(referenced.begin(), referenced.end(), 1);

  // Items: keep referenced ones in first-appearance order; remap event and impression items.
  std::vector<std::int32_t> new_item(raw_items, -1);
  std::vector<std::size_t> kept_items;
  for (std::size_t item = 0; item < raw_items; ++item) {
    if (!referenced[item]) continue;
    new_item[item] = static_cast<std::int32_t>(kept_items.size());
    kept_items.push_back(item);
    store.item_raw_id.emplace_back(log.items.key(static_cast<std::int32_t>(item)));
  }
  for (std::int32_t& item : store.event_item) item = new_item[static_cast<std::size_t>(item)];
  if (!log.item_category.empty()) {
    log.item_category.resize(raw_items);
    store.item_category = gather(log.item_category, kept_items);
  }
  if (!log.item_price.empty()) {
    log.item_price.resize(raw_items, std::nan(""));
    store.item_price = gather(log.item_price, kept_items);
  }
  if (!log.item_features.empty()) {
    store.item_features = gather_rows(std::move(log.item_features), kept_items);
  }
  if (have_users) {
    // Users of surviving sessions only, re-indexed in first-appearance order like items.
    const IdDictionary& user_ids = keys_are_users ? log.session_keys : log.users;
    std::vector<std::int32_t> new_user(user_ids.size(), -1);
    for (const std::int32_t user : store.session_user) {
      if (user >= 0) new_user[static_cast<std::size_t>(user)] = 0;
    }
    std::int32_t next = 0;
    for (std::size_t u = 0; u < new_user.size(); ++u) {
      if (new_user[u] < 0) continue;
      new_user[u] = next++;
      store.user_raw_id.emplace_back(user_ids.key(static_cast<std::int32_t>(u)));
    }
    for (std::int32_t& user : store.session_user) {
      if (user >= 0) user = new_user[static_cast<std::size_t>(user)];
    }
  }

  // Impressions, ordered by their new session (stable: input order within a session).
  const RawImpressions& imp = log.impressions;
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < imp.size(); ++r) {
    if (new_session_of[static_cast<std::size_t>(impression_session[r])] >= 0) rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
    return new_session_of[static_cast<std::size_t>(impression_session[a])] <
           new_session_of[static_cast<std::size_t>(impression_session[b])];
  });
  StoreImpressions& out = store.impressions;
  for (const std::size_t r : rows) {
    out.session.push_back(new_session_of[static_cast<std::size_t>(impression_session[r])]);
    out.item.push_back(new_item[static_cast<std::size_t>(imp.item[r])]);
  }
  out.slate = gather(imp.slate, rows);
  out.position = gather(imp.position, rows);
  out.reward = gather(imp.reward, rows);
  out.propensity = gather(imp.propensity, rows);
  out.time_ms = gather(imp.time_ms, rows);
  if (!imp.click.empty()) out.click = gather(imp.click, rows);
  if (!imp.purchase.empty()) out.purchase = gather(imp.purchase, rows);
  if (!imp.slate_propensity.empty()) out.slate_propensity = gather(imp.slate_propensity, rows);
  if (!imp.prefix_propensity.empty()) out.prefix_propensity = gather(imp.prefix_propensity, rows);
  if (!imp.context.empty()) out.context = gather_rows(std::move(log.impressions.context), rows);

  // 7: splits.
  assign_splits(store, session_start_ms, options.split, options.seed);
  return store;
}

}  // namespace shoprl
