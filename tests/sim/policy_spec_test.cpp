// Tests the one-string policy specs of sim_check.policies (src/sim/policy_spec.cpp).
#include "sim/policy_spec.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace shoprl {
namespace {

TEST(PolicySpec, KindAloneTakesTheDefaults) {
  const PolicyConfig config = parse_policy_spec("uniform", "k");
  EXPECT_EQ(config.kind, "uniform");
  EXPECT_EQ(config.noise, PolicyConfig{}.noise);
  EXPECT_EQ(config.temperature, PolicyConfig{}.temperature);
}

TEST(PolicySpec, KeysSetTheirFields) {
  const PolicyConfig oracle = parse_policy_spec("history_oracle:noise=2", "k");
  EXPECT_EQ(oracle.kind, "history_oracle");
  EXPECT_EQ(oracle.noise, 2.0);
  const PolicyConfig greedy =
      parse_policy_spec("epsilon_greedy:epsilon=0.25,noise=0,marginal_samples=8", "k");
  EXPECT_EQ(greedy.epsilon, 0.25);
  EXPECT_EQ(greedy.noise, 0.0);
  EXPECT_EQ(greedy.marginal_samples, 8);
  EXPECT_EQ(parse_policy_spec("popularity:temperature=1e-1", "k").temperature, 0.1);
}

void expect_config_error(const std::string& spec, const std::string& fragment) {
  try {
    parse_policy_spec(spec, "sim_check.policies[3]");
    ADD_FAILURE() << spec << ": no error";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("sim_check.policies[3]"), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(PolicySpec, BadSpecsNameTheirKey) {
  expect_config_error("oracel", "unknown policy kind 'oracel'");
  expect_config_error("history_oracle:nois=1", "unknown key 'nois'");
  expect_config_error("history_oracle:noise", "expected key=value");
  expect_config_error("history_oracle:noise=", "is not a number");
  expect_config_error("history_oracle:noise=1x", "is not a number");
  expect_config_error("history_oracle:noise=-1", "noise=-1 is not >= 0");
  expect_config_error("epsilon_greedy:epsilon=2", "in [0, 1]");
  expect_config_error("plackett_luce:marginal_samples=1.5", "an integer");
  expect_config_error("uniform:", "expected key=value");
}

}  // namespace
}  // namespace shoprl
