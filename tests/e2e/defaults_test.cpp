// Every job command runs on its built-in defaults: no --config, only the inputs it needs and
// --set of sizes (sessions, epochs, iterations) so that it finishes in seconds. The defaults of
// different sections must agree with each other (a bare `shoprl quickstart` once stopped at
// step 3 because ope.reward_max was below what one slot could earn); the quickstart's embedded
// default is run in cli_test.cpp (CliQuickstart).
#include <gtest/gtest.h>

#include <string>

#include "data/hdf5_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;
using testing::shoprl;

TEST(DefaultConfigs, EveryJobCommandRunsOnItsBuiltInDefaults) {
  testing::TempDir dir;
  {
    Hdf5File file = Hdf5File::create(dir / "obp.h5", "obp.h5");
    file.write_array<double>("/reward", {1, 0, 1, 0, 0, 1});
    file.write_array<std::int64_t>("/action", {0, 1, 1, 0, 1, 0});
    file.write_array<double>("/pscore", {0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
    file.write_matrix<double>("/action_dist", {1, 0, 0, 1, 0.5, 0.5, 1, 0, 0, 1, 0.5, 0.5}, 6, 2);
    file.close();
  }
  const std::string small_world =
      " --set world.items=200 --set world.users=300 --set synth.value_episodes=100";
  const char* commands[] = {
      "data sample -o events.csv --set sample.events=3000",
      "data import -f retailrocket -i events.csv -o imported.h5",
      "data synth -o logs.h5 --set synth.sessions=300",
      "evaluate --set evaluate.store=logs.h5",
      "ope -i obp.h5",
      "sim fit --set sim.store=logs.h5 --set sim.training.epochs=1",
      "sim report --set sim.store=logs.h5",
      "sim check --set synth.sessions=300 --set sim.training.epochs=1 "
      "--set sim_check.episodes=200",
      "train --set train.iterations=1 --set train.users=16 --set train.eval_sessions=20 "
      "--set train.final_eval_sessions=20",
  };
  for (const std::string command : commands) {
    // Synthetic logs and the simulator's world are kept small; the other defaults stand.
    const bool synthetic = command.rfind("data synth", 0) == 0 ||
                           command.rfind("sim check", 0) == 0 || command.rfind("train", 0) == 0;
    const auto result = run_command("cd '" + dir.path().string() + "' && " + shoprl() + " -q " +
                                    command + (synthetic ? small_world : ""));
    EXPECT_EQ(result.exit_code, 0) << "shoprl " << command << "\n" << result.output;
  }
}

}  // namespace
}  // namespace shoprl
