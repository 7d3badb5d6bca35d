#include "eval/cross_fitting.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/seeding.h"
#include "eval/held_out_predictions.h"
#include "eval/reward_model.h"

namespace shoprl {
namespace {

using testing::expect_held_out_predictions;
using testing::memorising_data;

TEST(CrossFitting, FoldsAreBalancedSeededAndKeepGroupsTogether) {
  RewardModelData data = memorising_data(103, 1);
  const std::vector<int> folds = assign_folds(data, 5);
  std::map<int, int> sizes;
  for (int f : folds) ++sizes[f];
  ASSERT_EQ(sizes.size(), 5u);
  for (const auto& [fold, size] : sizes) EXPECT_TRUE(size == 20 || size == 21) << fold;
  EXPECT_EQ(assign_folds(data, 5), folds);
  data.seed = 2;
  EXPECT_NE(assign_folds(data, 5), folds);

  for (std::size_t i = 0; i < data.rows; ++i)
    data.group.push_back(static_cast<std::int64_t>(i / 4));
  const std::vector<int> grouped = assign_folds(data, 5);
  for (std::size_t i = 0; i < data.rows; ++i) EXPECT_EQ(grouped[i], grouped[i - i % 4]) << i;

  data.group.assign(data.rows, 42);  // one group cannot fill five folds
  EXPECT_THROW(assign_folds(data, 5), DataError);
}

TEST(CrossFitting, LogisticRowsArePredictedByAModelThatNeverSawThem) {
  RewardModelConfig config;
  config.kind = "logistic";
  config.folds = 4;
  config.l2 = 1e-3;
  expect_held_out_predictions(config, 200);
}

// Without LibTorch's trainer (the torch-free program) an MLP cannot be fitted: a ConfigError,
// not a silent fallback to another model.
TEST(CrossFitting, MlpWithoutItsTrainerIsAConfigError) {
  RewardModelConfig config;
  config.kind = "mlp";
  EXPECT_THROW(fit_reward_model(config, memorising_data(20, 1)), ConfigError);
}

TEST(CrossFitting, FewerRowsThanFoldsIsADataError) {
  RewardModelConfig config;
  config.folds = 5;
  EXPECT_THROW(fit_reward_model(config, memorising_data(3, 1)), DataError);
}

}  // namespace
}  // namespace shoprl
