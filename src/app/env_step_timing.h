// Timing of BatchEnv::step for the environment benchmarks (bench env, bench env --learned):
// slates cycle through a pool drawn beforehand, so the policy's cost is not timed.
#pragma once

#include <cstdint>
#include <vector>

#include "env/batch_env.h"

namespace shoprl {

struct StepTiming {
  std::int64_t steps = 0;  // per timed repeat
  double seconds = 0;      // the best repeat
};

// `steps` > 0: a warm-up of that many steps, then `repeats` timed runs of it. Otherwise the
// warm-up doubles until it takes 0.05 s and the timed runs are sized to last `seconds`.
// Metrics are cleared after the warm-up, so env.metrics() describe the timed steps.
StepTiming time_env_steps(BatchEnv& env, const std::vector<std::int32_t>& slate_pool,
                          std::int64_t steps, double seconds, int repeats);

}  // namespace shoprl
