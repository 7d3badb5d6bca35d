// fit_reward_model: the one place that knows every kind of reward model, and wraps them in
// cross-fitting when asked. The LibTorch MLP comes in as a parameter, so this target and the
// program without LibTorch (which hands `mlp` over to shoprl-torch) stay free of it.
#include <fmt/format.h>

#include <numeric>

#include "core/error.h"
#include "core/seeding.h"
#include "eval/cross_fitting.h"
#include "eval/logistic_reward_model.h"
#include "eval/reward_model.h"

namespace shoprl {
namespace {

constexpr std::uint64_t kModelStream = 0x3F17;

}  // namespace

std::unique_ptr<RewardModel> fit_reward_model(const RewardModelConfig& config,
                                              const RewardModelData& data,
                                              RewardModelTrainer train_mlp) {
  if (config.kind == "none") return nullptr;
  if (config.kind != "logistic" && config.kind != "mlp") {
    throw ConfigError(fmt::format(
        "reward_model.kind: unknown kind '{}' (one of: none, logistic, mlp)", config.kind));
  }
  if (config.kind == "mlp" && train_mlp == nullptr) {
    throw ConfigError(
        "reward_model.kind: 'mlp' needs LibTorch, which this program does not link (run it "
        "through `shoprl`, which hands such commands to shoprl-torch)");
  }
  validate_reward_model_data(data);
  const RewardModelFitter fit = [&](const std::vector<std::size_t>& train_rows,
                                    int fold) -> std::unique_ptr<RewardModel> {
    if (config.kind == "logistic") {
      return std::make_unique<LogisticRewardModel>(config, data, train_rows);
    }
    // Each fold's seed depends on the fold only, so fold k's model is the same whatever the
    // other folds hold.
    const std::uint64_t seed =
        derive_seed(data.seed, kModelStream, static_cast<std::uint64_t>(fold + 1));
    return train_mlp(config, data, train_rows, seed);
  };
  if (config.folds <= 1) {
    std::vector<std::size_t> all_rows(data.rows);
    std::iota(all_rows.begin(), all_rows.end(), std::size_t{0});
    return fit(all_rows, -1);
  }
  return fit_cross_fitted(data, config.folds, fit);
}

}  // namespace shoprl
