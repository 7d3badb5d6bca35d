#include "app/env_step_timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/seconds_since.h"

namespace shoprl {
namespace {

double run_steps(BatchEnv& env, const std::vector<std::int32_t>& pool, std::int64_t steps) {
  const std::size_t batch = static_cast<std::size_t>(env.batch_size()) * env.slate_size();
  const std::size_t batches = pool.size() / batch;
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t s = 0; s < steps; ++s)
    env.step(pool.data() + (static_cast<std::size_t>(s) % batches) * batch);
  return seconds_since(start);
}

}  // namespace

StepTiming time_env_steps(BatchEnv& env, const std::vector<std::int32_t>& slate_pool,
                          std::int64_t steps, double seconds, int repeats) {
  StepTiming timing;
  if (steps > 0) {
    run_steps(env, slate_pool, steps);  // warm-up
    timing.steps = steps;
  } else {
    std::int64_t warm = 1;
    double took = 0;
    while ((took = run_steps(env, slate_pool, warm)) < 0.05) warm *= 2;
    timing.steps =
        std::max<std::int64_t>(1, std::llround(seconds * static_cast<double>(warm) / took));
  }
  env.clear_metrics();
  timing.seconds = 1e300;
  for (int r = 0; r < repeats; ++r)
    timing.seconds = std::min(timing.seconds, run_steps(env, slate_pool, timing.steps));
  return timing;
}

}  // namespace shoprl
