// K-fold cross-fitting of reward models (Chernozhukov et al. 2018, Definition 3.1): rows are
// split into K folds by the data's seed, model k is fitted on every fold but k, and a row of
// fold k is predicted by model k only, so no row's q comes from a model that saw its reward.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "eval/reward_model.h"

namespace shoprl {

// The fold of every row, in [0, folds): units (groups, or rows when data.group is empty) are
// shuffled with data.seed and dealt round-robin, so fold sizes in units differ by at most one.
// The assignment depends on the seed and the group ids only, never on rewards or features.
// DataError when there are fewer units than folds.
std::vector<int> assign_folds(const RewardModelData& data, int folds);

// Fits one model on `train_rows` of `data`; `fold` is -1 for a model on all rows, else the fold
// left out (for seeds that differ per fold).
using RewardModelFitter = std::function<std::unique_ptr<RewardModel>(
    const std::vector<std::size_t>& train_rows, int fold)>;

// Answers each row with the model fitted without the row's fold.
class CrossFittedRewardModel final : public RewardModel {
 public:
  CrossFittedRewardModel(const RewardModelData& data, std::vector<int> fold_of_row,
                         std::vector<std::unique_ptr<RewardModel>> fold_models);
  void predict(std::size_t row, int position, double* out) const override {
    fold_models_[static_cast<std::size_t>(fold_of_row_[row])]->predict(row, position, out);
  }
  const std::vector<int>& fold_of_row() const { return fold_of_row_; }
  int folds() const { return static_cast<int>(fold_models_.size()); }

 private:
  std::vector<int> fold_of_row_;
  std::vector<std::unique_ptr<RewardModel>> fold_models_;
};

// Assigns folds (folds >= 2) and calls `fit` once per fold, on the other folds' rows.
std::unique_ptr<CrossFittedRewardModel> fit_cross_fitted(const RewardModelData& data, int folds,
                                                         const RewardModelFitter& fit);

}  // namespace shoprl
