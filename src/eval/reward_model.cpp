#include "eval/reward_model.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"

namespace shoprl {
namespace {

void expect_size(const char* field, std::size_t actual, std::size_t expected, const char* shape) {
  if (actual != expected) {
    throw DataError(fmt::format("reward model data: {} has {} entries, expected {} ({})", field,
                                actual, expected, shape));
  }
}

void expect_finite(const char* field, const std::vector<double>& values, std::size_t width) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw DataError(fmt::format("reward model data: {} row {} is {} (must be finite)", field,
                                  width == 0 ? i : i / width, values[i]));
    }
  }
}

}  // namespace

void validate_reward_model_data(const RewardModelData& data) {
  if (data.rows == 0) throw DataError("reward model data: no rows to fit on");
  if (data.actions < 1) {
    throw DataError(
        fmt::format("reward model data: actions is {} (need at least 1)", data.actions));
  }
  if (data.len_list < 1) {
    throw DataError(
        fmt::format("reward model data: len_list is {} (need at least 1)", data.len_list));
  }
  if (data.context_dim < 0 || data.action_feature_dim < 0) {
    throw DataError("reward model data: negative context_dim or action_feature_dim");
  }
  const std::size_t rows = data.rows;
  expect_size("context", data.context.size(), rows * static_cast<std::size_t>(data.context_dim),
              "rows x context_dim");
  expect_size("action", data.action.size(), rows, "rows");
  expect_size("position", data.position.size(), rows, "rows");
  expect_size("reward", data.reward.size(), rows, "rows");
  expect_size("action_features", data.action_features.size(),
              static_cast<std::size_t>(data.actions) * data.action_feature_dim,
              "actions x action_feature_dim");
  if (!data.group.empty()) expect_size("group", data.group.size(), rows, "rows, or empty");
  for (std::size_t row = 0; row < rows; ++row) {
    if (data.action[row] < 0 || data.action[row] >= data.actions) {
      throw DataError(fmt::format("reward model data: action row {} is {} (must be in [0, {}))",
                                  row, data.action[row], data.actions));
    }
    if (data.position[row] < 0 || data.position[row] >= data.len_list) {
      throw DataError(fmt::format("reward model data: position row {} is {} (must be in [0, {}))",
                                  row, data.position[row], data.len_list));
    }
  }
  expect_finite("reward", data.reward, 0);
  expect_finite("context", data.context, static_cast<std::size_t>(data.context_dim));
  expect_finite("action_features", data.action_features,
                static_cast<std::size_t>(data.action_feature_dim));
}

std::vector<double> RewardModel::predict_logged() const {
  const RewardModelData& rows = *data_;
  std::vector<double> q(rows.rows);
  std::vector<double> by_action(static_cast<std::size_t>(rows.actions));
  for (std::size_t row = 0; row < rows.rows; ++row) {
    predict(row, rows.position[row], by_action.data());
    q[row] = by_action[static_cast<std::size_t>(rows.action[row])];
  }
  return q;
}

}  // namespace shoprl
