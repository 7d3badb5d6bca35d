#include "eval/cross_fitting.h"

#include <fmt/format.h>

#include <numeric>
#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "core/seeding.h"

namespace shoprl {
namespace {

constexpr std::uint64_t kFoldStream = 0xC505F01D;

}  // namespace

std::vector<int> assign_folds(const RewardModelData& data, int folds) {
  if (folds < 1) throw ConfigError(fmt::format("reward_model.folds is {} (need >= 1)", folds));
  // Unit index of each row: the row itself, or the rank of its group id in order of appearance.
  std::vector<std::size_t> unit_of_row(data.rows);
  std::size_t units = data.rows;
  if (data.group.empty()) {
    std::iota(unit_of_row.begin(), unit_of_row.end(), std::size_t{0});
  } else {
    std::unordered_map<std::int64_t, std::size_t> unit_of_group;
    for (std::size_t row = 0; row < data.rows; ++row) {
      const auto [it, inserted] = unit_of_group.emplace(data.group[row], unit_of_group.size());
      unit_of_row[row] = it->second;
    }
    units = unit_of_group.size();
  }
  if (units < static_cast<std::size_t>(folds)) {
    throw DataError(fmt::format(
        "reward model: {} {} cannot be split into reward_model.folds = {} non-empty folds", units,
        data.group.empty() ? "rows" : "groups", folds));
  }
  // Fisher-Yates over the units, then deal them round-robin: balanced folds.
  std::vector<std::size_t> order(units);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng rng = make_rng(data.seed, kFoldStream);
  for (std::size_t i = units; i > 1; --i) {
    std::swap(order[i - 1], order[uniform_index(rng, i)]);
  }
  std::vector<int> fold_of_unit(units);
  for (std::size_t i = 0; i < units; ++i) {
    fold_of_unit[order[i]] = static_cast<int>(i % static_cast<std::size_t>(folds));
  }
  std::vector<int> fold_of_row(data.rows);
  for (std::size_t row = 0; row < data.rows; ++row)
    fold_of_row[row] = fold_of_unit[unit_of_row[row]];
  return fold_of_row;
}

CrossFittedRewardModel::CrossFittedRewardModel(
    const RewardModelData& data, std::vector<int> fold_of_row,
    std::vector<std::unique_ptr<RewardModel>> fold_models)
    : RewardModel(data),
      fold_of_row_(std::move(fold_of_row)),
      fold_models_(std::move(fold_models)) {}

std::unique_ptr<CrossFittedRewardModel> fit_cross_fitted(const RewardModelData& data, int folds,
                                                         const RewardModelFitter& fit) {
  std::vector<int> fold_of_row = assign_folds(data, folds);
  std::vector<std::unique_ptr<RewardModel>> fold_models;
  fold_models.reserve(static_cast<std::size_t>(folds));
  std::vector<std::size_t> train_rows;
  train_rows.reserve(data.rows);
  for (int fold = 0; fold < folds; ++fold) {
    train_rows.clear();
    for (std::size_t row = 0; row < data.rows; ++row) {
      if (fold_of_row[row] != fold) train_rows.push_back(row);
    }
    fold_models.push_back(fit(train_rows, fold));
  }
  return std::make_unique<CrossFittedRewardModel>(data, std::move(fold_of_row),
                                                  std::move(fold_models));
}

}  // namespace shoprl
