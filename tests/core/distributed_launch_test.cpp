// The torchrun contract (core/distributed_launch.h): a plain run without the variables, a rank
// with them, and one clear error naming the variable that is missing or wrong.
#include "core/distributed_launch.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/error.h"

namespace shoprl {
namespace {

EnvironmentLookup lookup_in(const std::map<std::string, std::string>& variables) {
  return [variables](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
}

std::string launch_error(const std::map<std::string, std::string>& variables) {
  try {
    launch_environment(lookup_in(variables));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const std::map<std::string, std::string> kRankOne = {
    {"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "10.0.0.5"}, {"MASTER_PORT", "29500"}};

TEST(DistributedLaunch, WithoutRankOrWorldSizeItIsAPlainRun) {
  EXPECT_FALSE(launch_environment(lookup_in({})).has_value());
  EXPECT_FALSE(launch_environment(lookup_in({{"MASTER_PORT", "29500"}})).has_value());
}

TEST(DistributedLaunch, ReadsTheTorchrunVariables) {
  const auto launch = launch_environment(lookup_in(kRankOne));
  ASSERT_TRUE(launch.has_value());
  EXPECT_EQ(launch->rank, 1);
  EXPECT_EQ(launch->world_size, 2);
  EXPECT_EQ(launch->local_rank, 1);  // absent: the rank
  EXPECT_EQ(launch->master_addr, "10.0.0.5");
  EXPECT_EQ(launch->master_port, 29500);
  EXPECT_FALSE(launch->agent_store);

  auto torchrun = kRankOne;
  torchrun["LOCAL_RANK"] = "0";
  torchrun["TORCHELASTIC_USE_AGENT_STORE"] = "True";
  torchrun["TORCHELASTIC_RESTART_COUNT"] = "2";
  const auto launched = launch_environment(lookup_in(torchrun));
  EXPECT_EQ(launched->local_rank, 0);
  EXPECT_TRUE(launched->agent_store);
  EXPECT_EQ(launched->restart_count, 2);
}

TEST(DistributedLaunch, NamesTheVariableThatIsMissingOrWrong) {
  auto missing = kRankOne;
  missing.erase("MASTER_PORT");
  EXPECT_NE(launch_error(missing).find("MASTER_PORT is not set"), std::string::npos);
  missing = kRankOne;
  missing.erase("MASTER_ADDR");
  EXPECT_NE(launch_error(missing).find("MASTER_ADDR is not set"), std::string::npos);
  missing = kRankOne;
  missing.erase("WORLD_SIZE");
  EXPECT_NE(launch_error(missing).find("WORLD_SIZE is not set"), std::string::npos);

  auto wrong = kRankOne;
  wrong["RANK"] = "2";
  EXPECT_NE(launch_error(wrong).find("RANK=2: expected an integer in [0, 1]"), std::string::npos)
      << launch_error(wrong);
  wrong = kRankOne;
  wrong["MASTER_PORT"] = "http";
  EXPECT_NE(launch_error(wrong).find("MASTER_PORT=http"), std::string::npos);
  wrong = kRankOne;
  wrong["WORLD_SIZE"] = "0";
  EXPECT_NE(launch_error(wrong).find("WORLD_SIZE=0"), std::string::npos);
}

}  // namespace
}  // namespace shoprl
