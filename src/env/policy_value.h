// The true value of a policy in the synthetic world: the expected return of a session.
//   - Monte Carlo, for any policy and any world: the mean return of independent sessions with
//     its standard error;
//   - in closed form for one-step bandit worlds (max_steps 1, no entry event): the average
//     over the whole user population of sum_slates pi(slate | user) E[reward | user, slate],
//     enumerating every slate (tiny catalogues only).
#pragma once

#include <cstdint>
#include <vector>

#include "env/batch_env.h"
#include "env/env_metrics.h"
#include "env/policies/slate_policy.h"
#include "env/synthetic_world.h"

namespace shoprl {

struct PolicyValueEstimate {
  double value = 0;      // mean return per session
  double std_error = 0;  // of value
  std::int64_t episodes = 0;
  double mean_session_length = 0;
  EnvMetrics metrics;  // every step taken, for click-through, conversion, ...
  // Each session's return, in the order the sessions ran: session i of two runs with the same
  // seed met the same user in the same random streams (env/paired_policy_value.h pairs them).
  std::vector<double> episode_returns;
};

// Runs `episodes` sessions, each the first session of its slot in batches of at most
// `batch_size` slots (counting only first sessions avoids the bias toward short sessions that
// stopping "after E sessions finished" has). Deterministic in `seed`; threads from env_config.
PolicyValueEstimate monte_carlo_policy_value(const SyntheticWorld& world,
                                             const EnvConfig& env_config, const SlatePolicy& policy,
                                             std::int64_t episodes, std::int64_t batch_size,
                                             std::uint64_t seed);

// The same in any batched environment (the learned simulator too); env is reset.
PolicyValueEstimate monte_carlo_policy_value(BatchEnv& env, const SlatePolicy& policy,
                                             std::int64_t episodes, std::int64_t batch_size,
                                             std::uint64_t seed);

// The closed form above. ConfigError unless max_steps is 1 and world.entry_event is false;
// Error when the slates to enumerate exceed `max_slates`.
double exact_one_step_value(const SyntheticWorld& world, const EnvConfig& env_config,
                            const SlatePolicy& policy, std::int64_t max_slates = 10'000'000);

}  // namespace shoprl
