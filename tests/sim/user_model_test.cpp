#include "sim/user_model.h"

#include <gtest/gtest.h>

namespace shoprl {
namespace {

UserModelConfig small_user_model_config() {
  UserModelConfig config;
  config.embedding_dim = 8;
  config.hidden_dim = 8;
  return config;
}

TEST(UserModel, LogitsOfChosenItemsEqualTheGatheredFullLogits) {
  torch::manual_seed(5);
  UserModel model(small_user_model_config(), 30);
  torch::NoGradGuard no_grad;
  {
    // Non-zero biases, so that the bias lookup is checked too.
    for (auto& p : model->named_parameters())
      if (p.key() == "output_bias") p.value().uniform_(-1, 1);
  }
  const torch::Tensor state = torch::randn({4, 8});
  const torch::Tensor items = torch::randint(30, {4, 7}, torch::kInt64);
  const torch::Tensor full = model->item_logits(state);
  ASSERT_EQ(full.sizes(), (std::vector<std::int64_t>{4, 30}));
  EXPECT_TRUE(torch::allclose(model->item_logits(state, items), full.gather(1, items), 1e-5, 1e-6));
}

TEST(UserModel, LogNormalizerEqualsLogSumExpAcrossBlocks) {
  torch::manual_seed(6);
  // More items than one block of the normaliser (8192), so that blocks are combined.
  UserModel model(small_user_model_config(), 20000);
  torch::NoGradGuard no_grad;
  const torch::Tensor state = 3 * torch::randn({3, 8});
  const torch::Tensor expected = torch::logsumexp(model->item_logits(state), 1);
  EXPECT_TRUE(torch::allclose(model->log_normalizer(state), expected, 1e-5, 1e-5));
}

TEST(UserModel, HeadsHaveOneLogitPerCandidateAndPerState) {
  torch::manual_seed(7);
  UserModel model(small_user_model_config(), 30);
  const torch::Tensor state = torch::randn({4, 8});
  const torch::Tensor items = torch::randint(30, {4, 5}, torch::kInt64);
  EXPECT_EQ(model->purchase_logits(state, items).sizes(), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(model->end_logits(state).sizes(), (std::vector<std::int64_t>{4}));
  // The purchase logit of an item does not depend on which other items are candidates.
  const torch::Tensor one = model->purchase_logits(state, items.narrow(1, 2, 1));
  EXPECT_TRUE(torch::allclose(one.squeeze(1), model->purchase_logits(state, items).select(1, 2),
                              1e-5, 1e-6));
}

}  // namespace
}  // namespace shoprl
