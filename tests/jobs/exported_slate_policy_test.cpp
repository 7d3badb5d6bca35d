// Tests an exported policy acting in the synthetic world (src/jobs/exported_slate_policy.cpp):
// its slates are the exported module's rule applied to the module's scores of each user's
// history, and a model of another catalogue or slate size is refused naming the config key.
#include "jobs/exported_slate_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/error.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"
#include "policy/network_slate_policy.h"
#include "policy/policy_artifact.h"
#include "serve/serve_fixtures.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

TEST(ExportedSlatePolicy, ActsInTheWorldWithTheModelsTopK) {
  testing::TempDir dir;
  testing::export_test_policy(dir.path(), "m", 1, 5, "top_k");
  const SyntheticWorld world(testing::tiny_world_config(testing::kServedItems, 30), 4, 3);
  EnvConfig env_config = testing::tiny_env_config(4);
  SyntheticEnv env(world, env_config);
  env.reset(9, 16);
  const auto policy = exported_slate_policy((dir / "m").string(), testing::kServedItems, 4,
                                            "sim_check.exported[0]");
  SlateDecision decision;
  decision.resize(16, 4);
  policy->act(env, 0, 16, 1, decision);
  // The top 4 of the module's own scores of each history, best first.
  const ExportedPolicy model = ExportedPolicy::load(dir / "m");
  const torch::Tensor scores = model.scores(session_batch_of(env, 0, 16));
  const torch::Tensor best = std::get<1>(scores.topk(4, 1));
  for (std::int64_t i = 0; i < 16; ++i) {
    std::set<std::int32_t> distinct;
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(decision.items[i * 4 + k], best[i][k].item<std::int64_t>()) << i << " " << k;
      distinct.insert(decision.items[i * 4 + k]);
    }
    EXPECT_EQ(distinct.size(), 4u);
  }
}

TEST(ExportedSlatePolicy, AnotherCatalogueOrSlateSizeIsRefusedNamingTheKey) {
  testing::TempDir dir;
  testing::export_test_policy(dir.path(), "m", 1, 5, "top_k");
  try {
    exported_slate_policy((dir / "m").string(), testing::kServedItems + 1, 4,
                          "sim_check.exported[0]");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sim_check.exported[0]"), std::string::npos) << e.what();
  }
  try {
    exported_slate_policy((dir / "m").string(), testing::kServedItems, 5, "sim_check.exported[1]");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("slates of 4"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace shoprl
