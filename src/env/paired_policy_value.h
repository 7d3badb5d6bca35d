// Two policies valued on common random numbers: the same sessions (users, starting states,
// ensemble members, and the environment's and the policies' random streams, all derived from
// one seed) played once with each, so the per-session differences pair up. The difference of
// two close policies then has a standard error far below that of either value: what a
// promotion gate needs when the candidate is a small step from the served policy
// (docs/closed-loop.md, "The simulator's evidence"). Works in any batched environment: the
// synthetic world (the true difference) or a learned simulator (the simulated one).
#pragma once

#include <cstdint>

#include "env/batch_env.h"
#include "env/policies/slate_policy.h"
#include "env/policy_value.h"

namespace shoprl {

struct PairedPolicyValue {
  PolicyValueEstimate candidate;
  PolicyValueEstimate baseline;
  double difference = 0;            // mean over sessions of candidate minus baseline return
  double difference_std_error = 0;  // of `difference`, from the per-session differences
  double correlation = 0;           // of the paired returns (0 when either is constant)
};

// Monte Carlo values of both policies over the same `episodes` sessions (env is reset; see
// monte_carlo_policy_value for batching and determinism). Error for episodes < 2.
PairedPolicyValue paired_policy_value(BatchEnv& env, const SlatePolicy& candidate,
                                      const SlatePolicy& baseline, std::int64_t episodes,
                                      std::int64_t batch_size, std::uint64_t seed);

}  // namespace shoprl
