// The program without LibTorch (src/app/hand_over.h): the commands that need no neural network
// run in `shoprl` without loading LibTorch, and the others are handed over to shoprl-torch, or
// to shoprl-serve for the serving commands.
// Checked with the dynamic loader's own trace (LD_DEBUG=files lists every shared object the
// process loads, including any opened later with dlopen), not with a clock.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "data/hdf5_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;
using testing::shoprl;

bool loads_libtorch(const std::string& trace) {
  return trace.find("libtorch") != std::string::npos;
}

class ProgramWithoutLibTorch : public ::testing::Test {
 protected:
  // A small synthetic session store and an Open Bandit-convention file to read.
  void SetUp() override {
    store_ = (dir_ / "logs.h5").string();
    const auto synth = run_command(shoprl() + " -q data synth -o '" + store_ +
                                   "' --set synth.sessions=200 --set world.items=50 "
                                   "--set world.users=100 --set synth.value_episodes=0");
    ASSERT_EQ(synth.exit_code, 0) << synth.output;
    obp_ = (dir_ / "obp.h5").string();
    Hdf5File file = Hdf5File::create(obp_, obp_);
    file.write_array<double>("/reward", {1, 0, 1, 0});
    file.write_array<std::int64_t>("/action", {0, 1, 1, 0});
    file.write_array<std::int64_t>("/position", {0, 0, 0, 0});
    file.write_array<double>("/pscore", {0.5, 0.5, 0.5, 0.5});
    file.write_matrix<double>("/action_dist", {1, 0, 0, 1, 0.5, 0.5, 1, 0}, 4, 2);
    file.close();
  }

  testing::TempDir dir_;
  std::string store_;
  std::string obp_;
};

TEST_F(ProgramWithoutLibTorch, CommandsWithoutANetworkNeverLoadLibTorch) {
  const std::vector<std::string> commands = {
      "--version",
      "--help",
      "config show",
      "data stats '" + store_ + "'",
      "data synth -o '" + (dir_ / "more.h5").string() +
          "' --set synth.sessions=50 --set world.items=20 --set world.users=30 "
          "--set synth.value_episodes=0",
      "ope -i '" + obp_ + "' --set reward_model.kind=logistic",
  };
  for (const std::string& command : commands) {
    const auto result = run_command("LD_DEBUG=files " + shoprl() + " -q " + command);
    EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output.substr(0, 2000);
    // The trace works (HDF5 and the C++ runtime are there) and holds no LibTorch.
    EXPECT_NE(result.output.find("libstdc++"), std::string::npos) << command;
    EXPECT_FALSE(loads_libtorch(result.output)) << command;
  }
}

TEST_F(ProgramWithoutLibTorch, CommandsWithANetworkAreHandedOverAndLoadIt) {
  // The control: the same trace shows LibTorch once a command needs it.
  const auto info = run_command("LD_DEBUG=files " + shoprl() + " info");
  EXPECT_EQ(info.exit_code, 0) << info.output.substr(0, 2000);
  EXPECT_TRUE(loads_libtorch(info.output));
  EXPECT_NE(info.output.find("LibTorch"), std::string::npos);
  // An MLP reward model makes `ope` a LibTorch command.
  const auto ope = run_command("LD_DEBUG=files " + shoprl() + " -q ope -i '" + obp_ +
                               "' --set reward_model.kind=mlp --set reward_model.epochs=1");
  EXPECT_EQ(ope.exit_code, 0) << ope.output.substr(0, 2000);
  EXPECT_TRUE(loads_libtorch(ope.output));
}

TEST_F(ProgramWithoutLibTorch, HelpOfAHandedOverCommandIsItsOwn) {
  const auto help = run_command(shoprl() + " train --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("--resume"), std::string::npos) << help.output;
  const auto top = run_command(shoprl() + " --help");
  for (const char* command : {"quickstart", "train", "sim", "info", "evaluate", "ope"})
    EXPECT_NE(top.output.find(command), std::string::npos) << command;
}

TEST_F(ProgramWithoutLibTorch, AMissingTorchProgramIsAnIoErrorNamingIt) {
  const auto result =
      run_command("SHOPRL_TORCH_PROGRAM=/no/such/shoprl-torch " + shoprl() + " info");
  EXPECT_EQ(result.exit_code, 5) << result.output;
  EXPECT_NE(result.output.find("/no/such/shoprl-torch"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.rfind("shoprl: error: ", 0), 0u) << result.output;
}

TEST_F(ProgramWithoutLibTorch, ATorchProgramThatIsShoprlItselfDoesNotLoop) {
  const auto result = run_command("SHOPRL_TORCH_PROGRAM=" + shoprl() + " " + shoprl() + " info");
  EXPECT_EQ(result.exit_code, 5) << result.output;
  EXPECT_NE(result.output.find("does not have it"), std::string::npos) << result.output;
}

// The serving commands go to shoprl-serve (not built by the quickstart): a missing one says
// how to build it, and `shoprl-torch serve` hands over the same way.
TEST_F(ProgramWithoutLibTorch, ServingCommandsAreHandedToTheServeProgram) {
  const std::string missing = "SHOPRL_SERVE_PROGRAM=/no/such/shoprl-serve ";
  for (const std::string command : {"serve --models x", "bench serve"}) {
    const auto result = run_command(missing + shoprl() + " " + command);
    EXPECT_EQ(result.exit_code, 5) << command << "\n" << result.output;
    EXPECT_NE(result.output.find("/no/such/shoprl-serve"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("tools/build.sh shoprl-serve"), std::string::npos)
        << result.output;
  }
  const std::string torch_program =
      "'" + (testing::shoprl_binary().parent_path() / "shoprl-torch").string() + "'";
  const auto from_torch = run_command(missing + torch_program + " serve --models x");
  EXPECT_EQ(from_torch.exit_code, 5) << from_torch.output;
  EXPECT_NE(from_torch.output.find("/no/such/shoprl-serve"), std::string::npos)
      << from_torch.output;
  // The real one parses its own options: --help of `serve` is shoprl-serve's.
  const auto help = run_command(shoprl() + " serve --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("--models"), std::string::npos) << help.output;
}

}  // namespace
}  // namespace shoprl
