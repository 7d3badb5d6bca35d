// Reward models q(x, a, pos) for the direct method and the doubly robust family: logistic
// regression (Eigen) and an MLP (LibTorch, eval/torch/), over context, action and slot
// features, optionally cross-fitted over K folds so that no row is predicted by a model that
// saw it (Chernozhukov et al. 2018).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config_field.h"

namespace shoprl {

struct RewardModelConfig {
  std::string kind = "logistic";
  int folds = 1;  // 1 = no cross-fitting
  double l2 = 1e-6;
  int epochs = 20;
  int batch_size = 1024;
  double learning_rate = 0.01;
  int hidden = 64;             // MLP
  std::string device = "cpu";  // MLP: cpu, cuda, auto

  void visit(ConfigVisitor& v) {
    v.field("kind", kind,
            "none (DM and DR family declined unless the input carries "
            "estimated_rewards_by_reg_model), logistic (Eigen), mlp (LibTorch, one hidden "
            "layer)",
            one_of({"none", "logistic", "mlp"}));
    v.field("folds", folds,
            "K-fold cross-fitting: each row's q is predicted by the model fitted without its "
            "fold (1 = one model on all rows)",
            in_range(1, 100));
    v.field("l2", l2,
            "L2 penalty on the weights, added to the mean loss per row (so it weighs more "
            "against rare rewards: 1e-4 shrank a click model's item effects by 13% on "
            "synth-bandit logs)",
            at_least(0));
    v.field("epochs", epochs, "Passes over the rows (logistic: Newton/IRLS iterations cap)",
            in_range(1, 100000));
    v.field("batch_size", batch_size, "MLP minibatch size", in_range(1, 1 << 24));
    v.field("learning_rate", learning_rate, "MLP Adam learning rate", at_least(0));
    v.field("hidden", hidden, "MLP hidden units", in_range(1, 1 << 16));
    v.field("device", device, "MLP device", one_of({"auto", "cpu", "cuda"}));
  }
};

// The rows a reward model learns from: dense features, known to the model as three blocks.
struct RewardModelData {
  std::size_t rows = 0;
  int context_dim = 0;
  std::vector<double> context;         // [rows, context_dim], row-major; may be empty (dim 0)
  std::vector<std::int32_t> action;    // [rows], in [0, actions)
  std::vector<std::int32_t> position;  // [rows], in [0, len_list)
  std::vector<double> reward;          // [rows]
  int actions = 0;
  int len_list = 1;
  int action_feature_dim = 0;
  std::vector<double> action_features;  // [actions, action_feature_dim]; may be empty
  // Optional [rows] (empty = every row its own unit): rows sharing an id (one slate, one
  // session) are correlated, so cross-fitting puts them in the same fold.
  std::vector<std::int64_t> group;
  std::uint64_t seed = 0;  // folds, initialisation and minibatch order
};

// DataError naming the field and the first bad row: sizes that disagree with `rows`, actions or
// positions out of range, non-finite rewards or features, no rows at all.
void validate_reward_model_data(const RewardModelData& data);

// A fitted (possibly cross-fitted) model. predict() gives q for row `row` of the data it was
// fitted on, for every action at slot `position`: out[a], a in [0, actions). A model fitted on
// some rows of the data answers for any row; with cross-fitting the model fitted without the
// row's fold answers.
class RewardModel {
 public:
  virtual ~RewardModel() = default;
  virtual void predict(std::size_t row, int position, double* out) const = 0;
  // The predicted q of the logged (action, position) of every row.
  std::vector<double> predict_logged() const;
  const RewardModelData& data() const { return *data_; }

 protected:
  explicit RewardModel(const RewardModelData& data) : data_(&data) {}
  const RewardModelData* data_;
};

// Trains one model on `train_rows` of `data`; `seed` is the fold's. The LibTorch MLP is one
// (eval/torch/mlp_reward_model.h: train_mlp_reward_model).
using RewardModelTrainer = std::unique_ptr<RewardModel> (*)(
    const RewardModelConfig& config, const RewardModelData& data,
    const std::vector<std::size_t>& train_rows, std::uint64_t seed);

// Fits config.kind on `data` (which must outlive the model), cross-fitted when config.folds > 1
// (eval/cross_fitting.h). nullptr for kind "none". Kind `mlp` is trained by `train_mlp`, which
// only code that links LibTorch can pass. ConfigError for an unknown kind or `mlp` without
// `train_mlp`; DataError for invalid data or fewer units (rows or groups) than folds.
std::unique_ptr<RewardModel> fit_reward_model(const RewardModelConfig& config,
                                              const RewardModelData& data,
                                              RewardModelTrainer train_mlp = nullptr);

}  // namespace shoprl
