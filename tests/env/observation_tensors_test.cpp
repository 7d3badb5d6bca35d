#include "env/torch/observation_tensors.h"

#include <gtest/gtest.h>

#include <vector>

#include "env/synthetic_env.h"

namespace shoprl {
namespace {

TEST(ObservationTensorsTest, ViewsAliasTheEnvironmentBuffersWithoutCopying) {
  WorldConfig world_config;
  world_config.items = 50;
  world_config.users = 20;
  world_config.factor_dim = 4;
  EnvConfig env_config;
  env_config.slate_size = 3;
  env_config.history_length = 5;
  const SyntheticWorld world(world_config, env_config.slate_size, 7);
  SyntheticEnv env(world, env_config);
  env.reset(11, 4);
  std::vector<std::int32_t> slates;
  for (int i = 0; i < 4; ++i) slates.insert(slates.end(), {1, 2, 3});
  env.step(slates);

  const ObservationTensors t = observation_tensors(env);
  EXPECT_EQ(t.history_items.data_ptr<std::int64_t>(), env.history_items());
  EXPECT_EQ(t.history_types.data_ptr<std::int64_t>(), env.history_types());
  EXPECT_EQ(t.rewards.data_ptr<float>(), env.rewards());
  EXPECT_EQ(t.history_items.sizes(), (std::vector<std::int64_t>{4, 5}));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(t.history_lengths[i].item<std::int32_t>(), env.history_lengths()[i]);
    EXPECT_EQ(t.clicked_slots[i].item<std::int32_t>(), env.clicked_slots()[i]);
    EXPECT_EQ(t.dones[i].item<std::uint8_t>(), env.dones()[i]);
    EXPECT_FLOAT_EQ(t.rewards[i].item<float>(), env.rewards()[i]);
    for (int e = 0; e < 5; ++e)
      EXPECT_EQ(t.history_items[i][e].item<std::int64_t>(), env.history_items()[i * 5 + e]);
  }
  // A step rewrites the buffers in place, and the views see it.
  env.step(slates);
  EXPECT_EQ(t.history_lengths[0].item<std::int32_t>(), env.history_lengths()[0]);
}

}  // namespace
}  // namespace shoprl
