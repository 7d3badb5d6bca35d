// MLP reward model: one hidden ReLU layer over [context, action one-hot, slot one-hot, action
// features], trained with LibTorch (Adam, shuffled minibatches, config.l2 as weight decay).
// The loss follows the rewards: binary cross-entropy on the logit when every reward lies in
// [0, 1] (a proper scoring rule for the mean of a [0, 1] reward, so fractional rewards are
// fine), squared error on a linear output otherwise (e.g. click 0.2 + purchase 1.0 = 1.2).
// After training the weights are copied out, so prediction is plain Eigen and this header
// stays free of LibTorch.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "eval/reward_model.h"

namespace shoprl {

class MlpRewardModel final : public RewardModel {
 public:
  // Trains on `train_rows` of `data` (validated by the caller) on config.device. `seed` sets
  // the initial weights (torch::manual_seed) and the minibatch order (core/seeding.h): the same
  // seed and data give the same predictions on the CPU.
  MlpRewardModel(const RewardModelConfig& config, const RewardModelData& data,
                 const std::vector<std::size_t>& train_rows, std::uint64_t seed);

  void predict(std::size_t row, int position, double* out) const override;

  // True when trained with squared error (some reward outside [0, 1]).
  bool squared_error() const { return squared_error_; }
  // Mean training loss of the last epoch.
  double final_loss() const { return final_loss_; }

 private:
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  RowMatrix context_weights_;       // [hidden, context_dim]
  RowMatrix action_preactivation_;  // [actions, hidden]: one-hot column + W_f f(a) + bias
  RowMatrix slot_preactivation_;    // [len_list, hidden]
  Eigen::VectorXd output_weights_;  // [hidden]
  double output_bias_ = 0;
  bool squared_error_ = false;
  double final_loss_ = 0;
};

// An MlpRewardModel as a RewardModelTrainer, for fit_reward_model.
std::unique_ptr<RewardModel> train_mlp_reward_model(const RewardModelConfig& config,
                                                    const RewardModelData& data,
                                                    const std::vector<std::size_t>& train_rows,
                                                    std::uint64_t seed);

}  // namespace shoprl
