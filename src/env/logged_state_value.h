// The true value of a policy in the states a log visited. Each logged slate's state is put back
// into the world that wrote the log: the session's user, her interest after every click of the
// session before that slate (the world's drift, replayed), and the history she had; the policy
// chooses a slate there, and the world's expected immediate reward of that slate is averaged
// over the logged slates. This is what the per-slate and per-round estimators estimate when a
// session holds several slates (Open Bandit Pipeline's ground truth "on the logged contexts"),
// so a report can score them against it (eval/true_value.h).
#pragma once

#include <cstdint>
#include <vector>

#include "data/session_store.h"
#include "env/policies/slate_policy.h"
#include "env/synthetic_world.h"
#include "env/world_config.h"

namespace shoprl {

class SyntheticEnv;

struct LoggedStateValue {
  double per_slate = 0;  // mean expected reward of the policy's slate per logged state
  // Of per_slate, from the policy's own randomness (the states are fixed): 0 for a
  // deterministic policy, NaN with one draw of a random one.
  double std_error = 0;
  std::int64_t slates = 0;
  int draws = 0;
};

// The store rows where each logged slate begins, in row order, among `rows` (impression rows,
// e.g. a split's).
std::vector<std::size_t> first_rows_of_slates(const SessionStore& store,
                                              const std::vector<std::size_t>& rows);

// Puts the state in which the slate at store impression `row` was shown into user slot i of
// env (reset before): the session's user, her interest drifted toward each click the session
// made before the slate, and those events as her history. Error naming the row when the session
// has no user of env's world.
void place_logged_state(SyntheticEnv& env, const SessionStore& store, std::size_t row,
                        std::size_t i);

// Whether the store's users are the world's users by index, as `shoprl data synth` writes them
// (user u is "u<u>"). Stores imported from served traffic number their visitors otherwise, and
// their logged states cannot be put back into the world.
bool users_are_world_users(const SessionStore& store);

// The value above over the slates that begin at `slate_rows` (store impression rows). The store
// must come from `world` (session_user gives the world's user index) with `env_config`'s slate
// size; `draws` slates of the policy per state (1 is exact for a deterministic policy). Error
// naming the row when a session has no user or a slate is not env_config.slate_size long.
LoggedStateValue logged_state_value(const SyntheticWorld& world, const EnvConfig& env_config,
                                    const SessionStore& store,
                                    const std::vector<std::size_t>& slate_rows,
                                    const SlatePolicy& policy, int draws, std::uint64_t seed);

}  // namespace shoprl
