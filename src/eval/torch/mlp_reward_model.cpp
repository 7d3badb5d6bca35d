#include "eval/torch/mlp_reward_model.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/seeding.h"
#include "core/torch/device.h"

namespace shoprl {
namespace {

constexpr std::uint64_t kInitStream = 0x1417;
constexpr std::uint64_t kShuffleStream = 0x5A0F;

struct RewardMlpImpl : torch::nn::Module {
  RewardMlpImpl(std::int64_t inputs, std::int64_t hidden_units) {
    hidden = register_module("hidden", torch::nn::Linear(inputs, hidden_units));
    output = register_module("output", torch::nn::Linear(hidden_units, 1));
  }
  torch::Tensor forward(const torch::Tensor& input) {
    return output(torch::relu(hidden(input))).squeeze(1);
  }
  torch::nn::Linear hidden{nullptr};
  torch::nn::Linear output{nullptr};
};
TORCH_MODULE(RewardMlp);

torch::Tensor to_tensor(std::vector<float>& values, std::vector<std::int64_t> shape,
                        const torch::Device& device) {
  // clone(): from_blob does not own the vector's memory, and .to(cpu) would not copy.
  return torch::from_blob(values.data(), shape, torch::kFloat32).clone().to(device);
}

torch::Tensor to_tensor(std::vector<std::int64_t>& values, const torch::Device& device) {
  return torch::from_blob(values.data(), {static_cast<std::int64_t>(values.size())}, torch::kInt64)
      .clone()
      .to(device);
}

double sigmoid(double eta) {
  if (eta >= 0) return 1.0 / (1.0 + std::exp(-eta));
  const double e = std::exp(eta);
  return e / (1.0 + e);
}

}  // namespace

MlpRewardModel::MlpRewardModel(const RewardModelConfig& config, const RewardModelData& data,
                               const std::vector<std::size_t>& train_rows, std::uint64_t seed)
    : RewardModel(data) {
  if (train_rows.empty()) throw DataError("mlp reward model: no rows to fit on");
  const torch::Device device(resolve_device(config.device));
  const auto n = static_cast<std::int64_t>(train_rows.size());
  const std::int64_t d = data.context_dim, actions = data.actions, slots = data.len_list;
  const std::int64_t f = data.action_feature_dim;
  const std::int64_t inputs = d + actions + slots + f;
  const std::int64_t hidden = config.hidden;
  // Decided by all rows, so that every fold of a cross-fit uses the same loss.
  squared_error_ = std::any_of(data.reward.begin(), data.reward.end(),
                               [](double r) { return r < 0.0 || r > 1.0; });

  std::vector<float> context(static_cast<std::size_t>(n * d));
  std::vector<float> reward(static_cast<std::size_t>(n));
  std::vector<std::int64_t> action(static_cast<std::size_t>(n));
  std::vector<std::int64_t> slot(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < train_rows.size(); ++i) {
    const std::size_t row = train_rows[i];
    for (std::int64_t k = 0; k < d; ++k) {
      context[i * d + k] = static_cast<float>(data.context[row * d + k]);
    }
    reward[i] = static_cast<float>(data.reward[row]);
    action[i] = data.action[row];
    slot[i] = data.position[row];
  }
  std::vector<float> features(data.action_features.begin(), data.action_features.end());
  const torch::Tensor context_t = d > 0 ? to_tensor(context, {n, d}, device) : torch::Tensor();
  const torch::Tensor reward_t = to_tensor(reward, {n}, device);
  const torch::Tensor action_t = to_tensor(action, device);
  const torch::Tensor slot_t = to_tensor(slot, device);
  const torch::Tensor features_t =
      f > 0 ? to_tensor(features, {actions, f}, device) : torch::Tensor();

  // The global torch generator: fits must not run concurrently if they are to be reproducible.
  torch::manual_seed(derive_seed(seed, kInitStream));
  RewardMlp model(inputs, hidden);
  model->to(device);
  torch::optim::Adam optimizer(
      model->parameters(), torch::optim::AdamOptions(config.learning_rate).weight_decay(config.l2));

  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  Rng rng = make_rng(seed, kShuffleStream);
  const std::int64_t batch = std::min<std::int64_t>(config.batch_size, n);
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    for (std::size_t i = order.size(); i > 1; --i) {
      std::swap(order[i - 1], order[uniform_index(rng, i)]);
    }
    const torch::Tensor order_t = to_tensor(order, device);
    torch::Tensor epoch_loss = torch::zeros({}, torch::TensorOptions().device(device));
    for (std::int64_t begin = 0; begin < n; begin += batch) {
      const torch::Tensor index = order_t.slice(0, begin, std::min(begin + batch, n));
      const torch::Tensor batch_action = action_t.index_select(0, index);
      std::vector<torch::Tensor> parts;
      if (d > 0) parts.push_back(context_t.index_select(0, index));
      parts.push_back(torch::one_hot(batch_action, actions).to(torch::kFloat32));
      parts.push_back(torch::one_hot(slot_t.index_select(0, index), slots).to(torch::kFloat32));
      if (f > 0) parts.push_back(features_t.index_select(0, batch_action));
      const torch::Tensor prediction = model->forward(torch::cat(parts, 1));
      const torch::Tensor target = reward_t.index_select(0, index);
      const torch::Tensor loss = squared_error_
                                     ? torch::mse_loss(prediction, target)
                                     : torch::binary_cross_entropy_with_logits(prediction, target);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      epoch_loss += loss.detach() * static_cast<double>(index.size(0));
    }
    final_loss_ = epoch_loss.item<double>() / static_cast<double>(n);
  }
  if (!std::isfinite(final_loss_)) {
    throw DataError(
        fmt::format("mlp reward model: the training loss is {} after {} epochs; "
                    "lower reward_model.learning_rate",
                    final_loss_, config.epochs));
  }

  // Copy the weights out. The one-hot columns of the first layer are per-action and per-slot
  // pre-activations; the action features and the bias fold into the per-action ones.
  torch::NoGradGuard no_grad;
  const torch::Tensor w1 = model->hidden->weight.to(torch::kCPU, torch::kFloat64).contiguous();
  const torch::Tensor b1 = model->hidden->bias.to(torch::kCPU, torch::kFloat64).contiguous();
  const torch::Tensor w2 = model->output->weight.to(torch::kCPU, torch::kFloat64).contiguous();
  const Eigen::Map<const RowMatrix> first(w1.data_ptr<double>(), hidden, inputs);
  const Eigen::Map<const Eigen::VectorXd> first_bias(b1.data_ptr<double>(), hidden);
  context_weights_ = first.leftCols(d);
  action_preactivation_ = first.middleCols(d, actions).transpose();
  action_preactivation_.rowwise() += first_bias.transpose();
  if (f > 0) {
    const Eigen::Map<const RowMatrix> action_features(data.action_features.data(), actions, f);
    action_preactivation_ += action_features * first.rightCols(f).transpose();
  }
  slot_preactivation_ = first.middleCols(d + actions, slots).transpose();
  output_weights_ = Eigen::Map<const Eigen::VectorXd>(w2.data_ptr<double>(), hidden);
  output_bias_ = model->output->bias.to(torch::kCPU, torch::kFloat64).item<double>();
}

void MlpRewardModel::predict(std::size_t row, int position, double* out) const {
  const RewardModelData& d = *data_;
  const Eigen::Map<const Eigen::VectorXd> x(d.context.data() + row * d.context_dim, d.context_dim);
  const Eigen::VectorXd base = context_weights_ * x + slot_preactivation_.row(position).transpose();
  const Eigen::Index hidden = base.size();
  for (int a = 0; a < d.actions; ++a) {
    const double* pre = action_preactivation_.row(a).data();
    double output = output_bias_;
    for (Eigen::Index h = 0; h < hidden; ++h) {
      output += output_weights_[h] * std::max(0.0, base[h] + pre[h]);
    }
    out[a] = squared_error_ ? output : sigmoid(output);
  }
}

std::unique_ptr<RewardModel> train_mlp_reward_model(const RewardModelConfig& config,
                                                    const RewardModelData& data,
                                                    const std::vector<std::size_t>& train_rows,
                                                    std::uint64_t seed) {
  return std::make_unique<MlpRewardModel>(config, data, train_rows, seed);
}

}  // namespace shoprl
