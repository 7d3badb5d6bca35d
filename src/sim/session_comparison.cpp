#include "sim/session_comparison.h"

#include <algorithm>
#include <limits>

#include "core/numbers.h"
#include "core/seeding.h"
#include "data/event_type.h"
#include "sim/fidelity_metrics.h"

namespace shoprl {

namespace {

double ratio(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : kNaN;
}

}  // namespace

void finish_session_side(SessionSide& side, const std::vector<std::int64_t>& item_clicks) {
  side.sessions = static_cast<std::int64_t>(side.lengths.size());
  std::int64_t events = 0;
  for (const std::int64_t length : side.lengths) events += length;
  side.mean_length = ratio(events, side.sessions);
  side.conversion_rate = ratio(side.converted_sessions, side.sessions);
  side.clicks = 0;
  for (const std::int64_t count : item_clicks) side.clicks += count;
  side.click_gini = gini_coefficient(item_clicks);
  side.click_top1_share = top_share(item_clicks, 0.01);
}

SessionSide real_sessions(const SessionStore& store, Split split) {
  const auto wanted = static_cast<std::int8_t>(split);
  const auto click = static_cast<std::int8_t>(EventType::kClick);
  const auto purchase = static_cast<std::int8_t>(EventType::kPurchase);
  SessionSide side;
  std::vector<std::int64_t> item_clicks(store.num_items(), 0);
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (store.session_split[s] != wanted || store.session_length(s) == 0) continue;
    side.lengths.push_back(store.session_length(s));
    bool converted = false;
    for (std::int64_t e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
      if (store.event_type[e] == click) ++item_clicks[store.event_item[e]];
      converted |= store.event_type[e] == purchase;
    }
    side.converted_sessions += converted;
  }
  finish_session_side(side, item_clicks);

  const StoreImpressions& shown = store.impressions;
  side.click_through_rate = kNaN;
  if (shown.click.empty()) return side;
  for (std::size_t start = 0; start < shown.size();) {
    std::size_t stop = start + 1;
    while (stop < shown.size() && shown.slate[stop] == shown.slate[start]) ++stop;
    if (store.session_split[shown.session[start]] == wanted) {
      ++side.slates;
      side.clicked_slates +=
          std::any_of(&shown.click[start], &shown.click[0] + stop, [](std::int8_t c) { return c; });
    }
    start = stop;
  }
  side.click_through_rate = ratio(side.clicked_slates, side.slates);
  return side;
}

SessionSide simulate_sessions(BatchEnv& env, const SlatePolicy& policy, std::int64_t sessions,
                              std::int64_t batch_size, std::uint64_t seed) {
  const int k = env.slate_size();
  const std::size_t history = env.history_length();
  SessionSide side;
  std::vector<std::int64_t> item_clicks(env.num_items(), 0);
  SlateDecision decision;
  std::int64_t remaining = sessions;
  for (std::uint64_t round = 0; remaining > 0; ++round) {
    const std::int64_t n = std::min(batch_size, remaining);
    const std::uint64_t round_seed = derive_seed(seed, round);
    env.reset(round_seed, n);
    decision.resize(n, k);
    const std::uint64_t policy_seed = derive_seed(round_seed, /*stream: policy*/ 1);
    // The entry event, if the user model opens sessions with one.
    std::vector<std::int64_t> length(n, 0);
    std::vector<std::uint8_t> converted(n, 0), finished(n, 0);
    for (std::int64_t i = 0; i < n; ++i) {
      length[i] = env.history_lengths()[i];
      for (std::int64_t e = 0; e < length[i]; ++e) {
        if (env.history_types()[i * history + e] == static_cast<std::int64_t>(EventType::kClick))
          ++item_clicks[env.history_items()[i * history + e]];
      }
    }
    std::int64_t running = n;
    while (running > 0) {
      policy.act(env, 0, n, policy_seed, decision);
      env.step(decision.items);
      for (std::int64_t i = 0; i < n; ++i) {
        if (finished[i]) continue;
        const std::uint32_t clicks = env.click_masks()[i];
        const std::uint32_t purchases = env.purchase_masks()[i];
        ++side.slates;
        side.clicked_slates += clicks != 0;
        for (std::uint32_t rest = clicks; rest; rest &= rest - 1) {
          ++item_clicks[decision.items[i * k + __builtin_ctz(rest)]];
          ++length[i];
        }
        length[i] += __builtin_popcount(purchases);
        converted[i] |= purchases != 0;
        const std::int32_t organic = env.organic_items()[i];
        if (organic >= 0) {
          ++item_clicks[organic];
          ++length[i];
        }
        if (env.dones()[i]) {
          finished[i] = 1;
          --running;
        }
      }
    }
    for (std::int64_t i = 0; i < n; ++i) {
      side.lengths.push_back(length[i]);
      side.converted_sessions += converted[i];
    }
    remaining -= n;
  }
  finish_session_side(side, item_clicks);
  side.click_through_rate = ratio(side.clicked_slates, side.slates);
  return side;
}

}  // namespace shoprl
