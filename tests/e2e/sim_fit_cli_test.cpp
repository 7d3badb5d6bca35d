// End-to-end test of `shoprl sim fit`: a tiny synthetic store becomes a fitted simulator
// folder that load_simulator reads back; a missing store stops it with exit code 5.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sim/fitted_simulator.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

using testing::shoprl;

std::string tiny_config(const testing::TempDir& dir) {
  return "run:\n"
         "  seed: 5\n"
         "  output_dir: '" +
         (dir / "runs").string() +
         "'\n"
         "  device: cpu\n"
         "world:\n"
         "  items: 30\n"
         "  users: 50\n"
         "  factor_dim: 4\n"
         "  topics: 3\n"
         "env:\n"
         "  slate_size: 3\n"
         "  max_steps: 4\n"
         "logging_policy:\n"
         "  kind: uniform\n"
         "synth:\n"
         "  sessions: 80\n"
         "  batch_size: 16\n"
         "  value_episodes: 0\n"
         "sim:\n"
         "  store: '" +
         (dir / "logs.h5").string() +
         "'\n"
         "  directory: '" +
         (dir / "simulator").string() +
         "'\n"
         "  ensemble: 2\n"
         "  model: {embedding_dim: 8, hidden_dim: 8}\n"
         "  training: {epochs: 2, batch_size: 16}\n"
         "  response: {calibration: config}\n";
}

TEST(CliSimFit, FitsAndWritesASimulatorThatLoads) {
  testing::TempDir dir;
  testing::write_text(dir / "sim.yaml", tiny_config(dir));
  const std::string config = "'" + (dir / "sim.yaml").string() + "'";
  const auto synth = run_command(shoprl() + " -q data synth --config " + config + " -o '" +
                                 (dir / "logs.h5").string() + "'");
  ASSERT_EQ(synth.exit_code, 0) << synth.output;
  const auto fit = run_command(shoprl() + " -q sim fit --config " + config);
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  EXPECT_NE(fit.output.find("Calibration from config"), std::string::npos) << fit.output;
  const FittedSimulator simulator = load_simulator(dir / "simulator", "cpu");
  EXPECT_EQ(simulator.members.size(), 2u);
  EXPECT_EQ(simulator.num_items, 30);
  EXPECT_EQ(simulator.slate_size, 3);
  EXPECT_EQ(simulator.seed, 5u);
  EXPECT_EQ(simulator.summaries.size(), 2u);
}

TEST(CliSimFit, MissingStoreIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  testing::write_text(dir / "sim.yaml", tiny_config(dir));
  const auto fit =
      run_command(shoprl() + " -q sim fit --config '" + (dir / "sim.yaml").string() + "'");
  EXPECT_EQ(fit.exit_code, 5) << fit.output;
  EXPECT_NE(fit.output.find("logs.h5"), std::string::npos) << fit.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "simulator"));
}

}  // namespace
}  // namespace shoprl
