// The true value of a policy in the logged states (logged_state_value.h).
#include "env/logged_state_value.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/seeding.h"
#include "core/thread_pool.h"
#include "data/event_type.h"
#include "env/synthetic_env.h"

namespace shoprl {
namespace {

constexpr std::int64_t kStatesPerBatch = 1024;  // logged states put in the world at once
constexpr std::size_t kUsersPerCall = 64;       // users per policy call

}  // namespace

void place_logged_state(SyntheticEnv& env, const SessionStore& store, std::size_t row,
                        std::size_t i) {
  const std::int64_t session = store.impressions.session[row];
  const std::int32_t user =
      store.session_user.empty() ? -1 : store.session_user[static_cast<std::size_t>(session)];
  if (user < 0 || user >= env.world().num_users())
    throw Error(
        fmt::format("logged-state value: impression row {}: session {} has no user of "
                    "the world (session_user {})",
                    row, store.session_raw_id[session], user));
  env.place_user(i, user);
  // The session's events before the slate was shown (the same rule as the contextual
  // evaluation's histories: events stamped before the slate), each click drifting her interest
  // as it did when it happened.
  const std::int64_t stop = events_before(store, session, store.impressions.time_ms[row]);
  std::vector<std::int64_t> items, types;
  for (std::int64_t e = store.session_offsets[session]; e < stop; ++e) {
    items.push_back(store.event_item[e]);
    types.push_back(store.event_type[e]);
    if (store.event_type[e] == static_cast<std::int8_t>(EventType::kClick))
      env.drift_interest(i, store.event_item[e]);
  }
  env.set_history(i, items.data(), types.data(), static_cast<std::int64_t>(items.size()));
}

bool users_are_world_users(const SessionStore& store) {
  if (store.session_user.empty()) return false;
  for (std::size_t u = 0; u < store.user_raw_id.size(); ++u)
    if (store.user_raw_id[u] != fmt::format("u{}", u)) return false;
  return true;
}

std::vector<std::size_t> first_rows_of_slates(const SessionStore& store,
                                              const std::vector<std::size_t>& rows) {
  std::vector<std::size_t> first;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r == 0 || store.impressions.slate[rows[r]] != store.impressions.slate[rows[r - 1]])
      first.push_back(rows[r]);
  }
  return first;
}

LoggedStateValue logged_state_value(const SyntheticWorld& world, const EnvConfig& env_config,
                                    const SessionStore& store,
                                    const std::vector<std::size_t>& slate_rows,
                                    const SlatePolicy& policy, int draws, std::uint64_t seed) {
  if (draws < 1) throw Error("logged-state value: draws must be >= 1");
  const int k = env_config.slate_size;
  const std::size_t rows = store.impressions.session.size();
  for (const std::size_t row : slate_rows) {
    const std::size_t last = row + static_cast<std::size_t>(k) - 1;
    if (last >= rows || store.impressions.slate[last] != store.impressions.slate[row])
      throw Error(
          fmt::format("logged-state value: impression row {}: the slate is shorter than "
                      "env.slate_size = {}",
                      row, k));
  }
  SyntheticEnv env(world, env_config);
  ThreadPool pool(env_config.threads);
  double sum = 0, within_square_sum = 0;
  std::vector<double> state_sum, state_square_sum;
  for (std::size_t start = 0; start < slate_rows.size(); start += kStatesPerBatch) {
    const std::int64_t n = std::min<std::int64_t>(
        kStatesPerBatch, static_cast<std::int64_t>(slate_rows.size() - start));
    env.reset(derive_seed(seed, start), n);
    for (std::int64_t i = 0; i < n; ++i) place_logged_state(env, store, slate_rows[start + i], i);
    state_sum.assign(n, 0.0);
    state_square_sum.assign(n, 0.0);
    SlateDecision decision;
    decision.resize(n, k);
    for (int d = 0; d < draws; ++d) {
      const std::uint64_t policy_seed = derive_seed(seed, start, static_cast<std::uint64_t>(d));
      pool.run((n + kUsersPerCall - 1) / kUsersPerCall, [&](std::size_t chunk) {
        const std::size_t begin = chunk * kUsersPerCall;
        policy.act(env, begin, std::min<std::size_t>(begin + kUsersPerCall, n), policy_seed,
                   decision);
      });
      for (std::int64_t i = 0; i < n; ++i) {
        const double value = env.expected_reward(i, &decision.items[i * k]);
        state_sum[i] += value;
        state_square_sum[i] += value * value;
      }
    }
    for (std::int64_t i = 0; i < n; ++i) {
      sum += state_sum[i] / draws;
      // The spread of the policy's draws around this state's mean.
      within_square_sum += state_square_sum[i] - state_sum[i] * state_sum[i] / draws;
    }
  }
  LoggedStateValue out;
  out.slates = static_cast<std::int64_t>(slate_rows.size());
  out.draws = draws;
  if (out.slates == 0) return out;
  const double states = static_cast<double>(out.slates);
  out.per_slate = sum / states;
  if (draws == 1) {
    out.std_error = std::numeric_limits<double>::quiet_NaN();
  } else {
    // Var(mean over states of each state's mean of `draws` draws) = pooled within-state
    // variance / (draws * states).
    const double variance = std::max(0.0, within_square_sum) / (states * (draws - 1));
    out.std_error = std::sqrt(variance / (draws * states));
  }
  return out;
}

}  // namespace shoprl
