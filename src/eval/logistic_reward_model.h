// Logistic-regression reward model, q(x, a, pos) = lo + (hi - lo) sigmoid(eta) with
//   eta = w_x . x + w_f . f(a) + b_a + c_pos + bias,
// fitted by Newton's method (IRLS) on the mean cross-entropy plus (l2 / 2) ||weights||^2, the
// intercept unpenalised. Rewards in [0, 1] are used as they are (fractional rewards are the
// quasi-binomial mean); rewards outside it are mapped affinely from [lo, hi] = [min(0, r_min),
// max(1, r_max)] onto [0, 1] and q mapped back.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <memory>
#include <vector>

#include "eval/reward_model.h"

namespace shoprl {

class LogisticRewardModel final : public RewardModel {
 public:
  // Fits on `train_rows` of `data` (validated by the caller). At most config.epochs Newton
  // steps; stops early when the Newton decrement falls below 1e-12.
  LogisticRewardModel(const RewardModelConfig& config, const RewardModelData& data,
                      const std::vector<std::size_t>& train_rows);

  void predict(std::size_t row, int position, double* out) const override;

  // The linear predictor of (row, action, position), before the sigmoid.
  double logit(std::size_t row, int action, int position) const;

  // Fitted coefficients by block (the action one-hot, slot one-hot and bias are collinear; only
  // their differences and sums are identified when l2 is 0).
  const Eigen::VectorXd& context_weights() const { return context_weights_; }
  const Eigen::VectorXd& action_feature_weights() const { return action_feature_weights_; }
  const Eigen::VectorXd& action_bias() const { return action_bias_; }
  const Eigen::VectorXd& slot_bias() const { return slot_bias_; }
  double intercept() const { return intercept_; }
  int iterations() const { return iterations_; }
  bool converged() const { return converged_; }

 private:
  Eigen::VectorXd context_weights_;
  Eigen::VectorXd action_feature_weights_;
  Eigen::VectorXd action_bias_;
  Eigen::VectorXd slot_bias_;
  double intercept_ = 0;
  Eigen::VectorXd action_offset_;  // b_a + w_f . f(a), precomputed for predict()
  double reward_low_ = 0;
  double reward_scale_ = 1;
  int iterations_ = 0;
  bool converged_ = false;
};

}  // namespace shoprl
