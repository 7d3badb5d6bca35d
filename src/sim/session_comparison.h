// Sessions as a whole, real or simulated, for the fidelity report: length in events,
// click-through, conversion and how concentrated the clicks are on popular items. Both sides
// count the same way, so that a simulator that were the world itself would match the logs:
// a session's events are its entry event plus, per step, the clicks on the slate, a purchase
// event per bought item and the organic click (what log synthesis writes, env/log_synthesis.h).
#pragma once

#include <cstdint>
#include <vector>

#include "data/session_store.h"
#include "env/batch_env.h"
#include "env/policies/slate_policy.h"

namespace shoprl {

struct SessionSide {
  std::int64_t sessions = 0;
  std::vector<std::int64_t> lengths;  // events per session
  double mean_length = 0;
  std::int64_t slates = 0;
  std::int64_t clicked_slates = 0;
  double click_through_rate = 0;  // clicked slates / slates; NaN when not recorded
  std::int64_t converted_sessions = 0;
  double conversion_rate = 0;   // sessions with a purchase event / sessions
  std::int64_t clicks = 0;      // click events
  double click_gini = 0;        // over the whole catalogue's click counts
  double click_top1_share = 0;  // share of clicks on the top 1% of items
};

// The sessions of `split` with at least one event. Click-through comes from the impressions of
// those sessions when the store records clicks (NaN otherwise, and NaN without impressions).
SessionSide real_sessions(const SessionStore& store, Split split);

// `sessions` simulated sessions of `policy` in `env`: the first session of each slot, in rounds
// of at most `batch_size` slots (as monte_carlo_policy_value counts, so that short sessions are
// not favoured). Deterministic in `seed`.
SessionSide simulate_sessions(BatchEnv& env, const SlatePolicy& policy, std::int64_t sessions,
                              std::int64_t batch_size, std::uint64_t seed);

// Fills the derived figures (mean length, rates, concentration) from the counts and the
// per-item click counts.
void finish_session_side(SessionSide& side, const std::vector<std::int64_t>& item_clicks);

}  // namespace shoprl
