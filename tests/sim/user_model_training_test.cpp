#include "sim/user_model_training.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/successor_sequences.h"

namespace shoprl {
namespace {

using testing::successor_sequences;
using testing::tiny_sim_config;

constexpr std::int64_t kTrainingItems = 20;
constexpr int kLength = 6;

// The best possible next-item NLL: the first click of a session is uniform (log I nats), the
// other kLength - 1 are determined.
const double kBestNll = std::log(static_cast<double>(kTrainingItems)) / kLength;

void expect_learns_successors(const SimConfig& config, double nll_margin) {
  const SessionSequences train = successor_sequences(300, kLength, kTrainingItems, 1);
  const SessionSequences valid = successor_sequences(100, kLength, kTrainingItems, 2);
  TrainingSummary summary;
  UserModel model = train_user_model(config, train, valid, 7, "cpu", &summary);
  const UserModelLosses losses = evaluate_user_model(model, valid, "cpu");
  EXPECT_EQ(losses.next_item_targets, 100 * kLength);
  EXPECT_EQ(losses.end_targets, 100 * kLength);
  EXPECT_LT(losses.next_item_nll, kBestNll + nll_margin) << "log I = " << std::log(kTrainingItems);
  EXPECT_DOUBLE_EQ(losses.next_item_nll, summary.best_valid.next_item_nll);
  EXPECT_GE(summary.best_epoch, 1);

  // After one click of item i, the most likely next item is i + 1.
  torch::NoGradGuard no_grad;
  const torch::Tensor items = torch::arange(kTrainingItems, torch::kInt64).unsqueeze(1);
  const torch::Tensor types = torch::zeros_like(items);
  const torch::Tensor state =
      model->encoder()->last_state(items, types, torch::ones({kTrainingItems}, torch::kInt64));
  const torch::Tensor predicted = model->item_logits(state).argmax(1);
  EXPECT_TRUE(torch::equal(predicted, (items.squeeze(1) + 1) % kTrainingItems)) << predicted;
}

TEST(UserModelTraining, GruLearnsADeterministicSuccessorWithFullSoftmax) {
  SimConfig config = tiny_sim_config("gru");
  config.training.softmax = "full";
  expect_learns_successors(config, 0.25);
}

TEST(UserModelTraining, GruLearnsWithSampledSoftmax) {
  SimConfig config = tiny_sim_config("gru");
  config.training.softmax = "sampled";
  config.training.sampled_negatives = 8;
  expect_learns_successors(config, 0.5);
}

TEST(UserModelTraining, AttentionLearnsADeterministicSuccessor) {
  SimConfig config = tiny_sim_config("attention");
  config.training.softmax = "full";
  expect_learns_successors(config, 0.35);
}

TEST(UserModelTraining, PurchaseAndEndHeadsLearnTheirPatterns) {
  SimConfig config = tiny_sim_config("gru");
  const SessionSequences train = successor_sequences(300, kLength, kTrainingItems, 1);
  const SessionSequences valid = successor_sequences(100, kLength, kTrainingItems, 2);
  UserModel model = train_user_model(config, train, valid, 7, "cpu");
  const UserModelLosses losses = evaluate_user_model(model, valid, "cpu");
  // Purchase is determined by the item's parity (a coin would cost log 2 = 0.69 nats); the
  // end is determined by the position (the best constant would cost about 0.45 nats).
  EXPECT_LT(losses.purchase_nll, 0.15);
  EXPECT_LT(losses.end_nll, 0.15);
}

std::vector<torch::Tensor> parameters_of(UserModel& model) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& p : model->parameters()) out.push_back(p.detach().clone());
  return out;
}

bool identical(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!torch::equal(a[k], b[k])) return false;
  return true;
}

TEST(UserModelTraining, SameSeedGivesIdenticalParameters) {
  SimConfig config = tiny_sim_config("gru");
  config.training.epochs = 3;
  config.training.bootstrap = true;
  config.model.dropout = 0.2;
  config.model.layers = 2;  // GRU dropout acts between layers
  config.training.softmax = "sampled";
  config.training.sampled_negatives = 5;
  const SessionSequences train = successor_sequences(100, kLength, kTrainingItems, 1);
  const SessionSequences valid = successor_sequences(20, kLength, kTrainingItems, 2);
  UserModel a = train_user_model(config, train, valid, 11, "cpu");
  UserModel b = train_user_model(config, train, valid, 11, "cpu");
  UserModel c = train_user_model(config, train, valid, 12, "cpu");
  EXPECT_TRUE(identical(parameters_of(a), parameters_of(b)));
  EXPECT_FALSE(identical(parameters_of(a), parameters_of(c)));
}

TEST(UserModelTraining, EarlyStoppingKeepsTheBestEpoch) {
  SimConfig config = tiny_sim_config("gru");
  config.training.epochs = 40;
  config.training.patience = 1;
  // A learning rate this large makes the valid NLL bounce, so early stopping has work to do.
  config.training.learning_rate = 0.3;
  const SessionSequences train = successor_sequences(60, kLength, kTrainingItems, 1);
  const SessionSequences valid = successor_sequences(20, kLength, kTrainingItems, 2);
  TrainingSummary summary;
  UserModel model = train_user_model(config, train, valid, 3, "cpu", &summary);
  ASSERT_FALSE(summary.epochs.empty());
  double best = summary.epochs.front().valid.next_item_nll;
  for (const EpochRecord& e : summary.epochs) best = std::min(best, e.valid.next_item_nll);
  EXPECT_DOUBLE_EQ(summary.best_valid.next_item_nll, best);
  EXPECT_EQ(summary.epochs[summary.best_epoch - 1].valid.next_item_nll, best);
  // The returned weights are the best epoch's, not the last one's.
  EXPECT_NEAR(evaluate_user_model(model, valid, "cpu").next_item_nll, best, 1e-9);
  if (summary.stopped_early) {
    EXPECT_EQ(static_cast<int>(summary.epochs.size()), summary.best_epoch + 1);
  }
}

}  // namespace
}  // namespace shoprl
