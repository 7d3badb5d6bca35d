// The cross-fitting property test shared by the logistic (cross_fitting_test.cpp) and the MLP
// reward model (mlp_reward_model_test.cpp): data on which a model that saw a row remembers it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <vector>

#include "core/seeding.h"
#include "eval/cross_fitting.h"
#include "eval/reward_model.h"

namespace shoprl::testing {

// Every row has its own action, so a model that saw a row remembers its reward through b_a,
// and a model that did not predicts that action from the shared part only.
inline RewardModelData memorising_data(std::size_t n, std::uint64_t seed) {
  RewardModelData d;
  d.rows = n;
  d.context_dim = 1;
  d.actions = static_cast<int>(n);
  d.seed = seed;
  Rng rng = make_rng(seed, 2);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = 2.0 * uniform01(rng) - 1.0;
    d.context.push_back(x);
    d.action.push_back(static_cast<std::int32_t>(i));
    d.position.push_back(0);
    d.reward.push_back(uniform01(rng) < 0.5 + 0.3 * x ? 1.0 : 0.0);
  }
  return d;
}

inline std::vector<double> predictions_of(const RewardModel& model, std::size_t row) {
  std::vector<double> out(static_cast<std::size_t>(model.data().actions));
  model.predict(row, model.data().position[row], out.data());
  return out;
}

// The defining property: the model that predicts a row never saw it. Flipping the rewards of
// every row of one fold must leave that fold's predictions bit for bit unchanged (its model was
// fitted on the other folds, which did not change), while changing the other folds' (their
// models saw the flipped rows). A model predicting rows it was fitted on fails the first check:
// with one action per row it memorises each flipped reward.
inline void expect_held_out_predictions(const RewardModelConfig& config, std::size_t n,
                                        RewardModelTrainer train_mlp = nullptr) {
  const RewardModelData original = memorising_data(n, 8);
  const std::unique_ptr<RewardModel> before = fit_reward_model(config, original, train_mlp);
  const auto& cross = dynamic_cast<const CrossFittedRewardModel&>(*before);
  const int flipped_fold = cross.fold_of_row()[0];

  RewardModelData flipped = original;
  for (std::size_t i = 0; i < n; ++i) {
    if (cross.fold_of_row()[i] == flipped_fold) flipped.reward[i] = 1.0 - flipped.reward[i];
  }
  const std::unique_ptr<RewardModel> after = fit_reward_model(config, flipped, train_mlp);
  std::set<int> changed_folds;
  for (std::size_t i = 0; i < n; ++i) {
    const int fold = cross.fold_of_row()[i];
    if (fold == flipped_fold) {
      EXPECT_EQ(predictions_of(*before, i), predictions_of(*after, i)) << "row " << i;
    } else if (predictions_of(*before, i) != predictions_of(*after, i)) {
      changed_folds.insert(fold);
    }
  }
  EXPECT_EQ(changed_folds.size(), static_cast<std::size_t>(config.folds - 1));

  // The control: without cross-fitting the row's own model answers and does change.
  RewardModelConfig in_sample = config;
  in_sample.folds = 1;
  const std::vector<double> seen =
      fit_reward_model(in_sample, original, train_mlp)->predict_logged();
  const std::vector<double> seen_flipped =
      fit_reward_model(in_sample, flipped, train_mlp)->predict_logged();
  EXPECT_NE(seen[0], seen_flipped[0]);
}

}  // namespace shoprl::testing
