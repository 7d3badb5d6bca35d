// `shoprl bench env --learned`: user-steps per second of the learned environment's step
// (src/sim/learned_env.h) on the simulator in sim.directory. Kept apart from
// bench_env_command.cpp so that the synthetic bench does not compile against LibTorch.
#pragma once

#include <cstdint>

namespace shoprl {

struct AppConfig;

struct LearnedEnvBenchOptions {
  std::int64_t users = 1024;
  std::int64_t steps = 0;  // timed steps per cell; 0: as many as fill `seconds`
  double seconds = 0.5;
  int repeats = 3;
  bool json = false;
};

void run_learned_env_bench(const AppConfig& config, const LearnedEnvBenchOptions& options);

}  // namespace shoprl
