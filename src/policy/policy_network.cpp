// The policy network (policy_network.h).
#include "policy/policy_network.h"

#include <fmt/format.h>

#include "core/error.h"

namespace shoprl {

namespace {

SessionEncoderOptions encoder_options(const PolicyNetworkConfig& config, std::int64_t num_items) {
  SessionEncoderOptions options;
  options.kind = config.encoder;
  options.num_items = num_items;
  options.embedding_dim = config.embedding_dim;
  options.hidden_dim = config.hidden_dim;
  options.layers = config.layers;
  options.heads = config.heads;
  options.dropout = config.dropout;
  options.max_length = config.history_length;
  return options;
}

// The last `window` events of each row, still right-padded: rows longer than the window are
// shifted left by (length - window). Returns the batch unchanged when it already fits.
SessionBatch last_events(const SessionBatch& batch, std::int64_t window) {
  if (batch.items.size(1) <= window) return batch;
  const auto device = batch.items.device();
  const torch::Tensor lengths = batch.lengths.to(torch::kInt64);
  const torch::Tensor start = (lengths - window).clamp_min(0).view({-1, 1});
  const torch::Tensor offsets = torch::arange(window, torch::dtype(torch::kInt64).device(device));
  const torch::Tensor index = (start + offsets.view({1, -1})).clamp_max(batch.items.size(1) - 1);
  const torch::Tensor kept = lengths.clamp_max(window);
  const torch::Tensor valid = offsets.view({1, -1}) < kept.view({-1, 1});
  const torch::Tensor pad = torch::full_like(index, -1);
  return {torch::where(valid, batch.items.to(torch::kInt64).gather(1, index), pad),
          torch::where(valid, batch.types.to(torch::kInt64).gather(1, index), pad), kept};
}

}  // namespace

SessionBatch SessionBatch::to(const torch::Device& device) const {
  return {items.to(device), types.to(device), lengths.to(device)};
}

SessionBatch SessionBatch::rows(const torch::Tensor& index) const {
  return {items.index_select(0, index.to(items.device())),
          types.index_select(0, index.to(types.device())),
          lengths.index_select(0, index.to(lengths.device()))};
}

PolicyNetworkImpl::PolicyNetworkImpl(const PolicyNetworkConfig& config, std::int64_t num_items,
                                     const PolicyHeads& heads)
    : config_(config), num_items_(num_items), heads_(heads) {
  if (num_items <= 0)
    throw ConfigError(fmt::format("policy network: the catalogue is empty ({} items)", num_items));
  encoder_ = register_module("encoder", SessionEncoder(encoder_options(config, num_items)));
  const std::int64_t h = config.hidden_dim;
  item_head_ = register_module("item_head", torch::nn::Linear(h, num_items));
  if (config.dueling) advantage_value_ = register_module("state_value", torch::nn::Linear(h, 1));
  if (heads.second_item_head)
    second_item_head_ = register_module("second_item_head", torch::nn::Linear(h, num_items));
  if (heads.value_head)
    value_head_ =
        register_module("value_head", torch::nn::Sequential(torch::nn::Linear(h, h),
                                                            torch::nn::Functional(torch::relu),
                                                            torch::nn::Linear(h, 1)));
}

torch::Tensor PolicyNetworkImpl::encode(const SessionBatch& batch) {
  const SessionBatch window = last_events(batch, config_.history_length);
  return encoder_->last_state(window.items, window.types, window.lengths);
}

torch::Tensor PolicyNetworkImpl::encode_prefixes(const torch::Tensor& items,
                                                 const torch::Tensor& types) {
  return encoder_->forward(items, types);
}

torch::Tensor PolicyNetworkImpl::item_scores(const torch::Tensor& state) {
  const torch::Tensor scores = item_head_(state);
  if (!config_.dueling) return scores;
  // Q = V + A - mean(A): the mean over the catalogue makes V and A identifiable.
  return advantage_value_(state) + scores - scores.mean(-1, /*keepdim=*/true);
}

torch::Tensor PolicyNetworkImpl::item_scores_of(const torch::Tensor& state,
                                                const torch::Tensor& items) {
  TORCH_CHECK(!config_.dueling,
              "policy network: item_scores_of needs the plain (non-dueling) head");
  // One dot product per (row, item): [B, H] x [B, M, H] rows of the head's weight.
  const torch::Tensor weight = item_head_->weight.index({items});  // [B, M, H]
  const torch::Tensor bias = item_head_->bias.index({items});      // [B, M]
  return torch::bmm(weight, state.unsqueeze(2)).squeeze(2) + bias;
}

torch::Tensor PolicyNetworkImpl::second_item_scores(const torch::Tensor& state) {
  TORCH_CHECK(heads_.second_item_head, "policy network: built without the second item head");
  return second_item_head_(state);
}

torch::Tensor PolicyNetworkImpl::value(const torch::Tensor& state) {
  TORCH_CHECK(heads_.value_head, "policy network: built without the value head");
  return value_head_->forward(state).squeeze(-1);
}

void copy_parameters(PolicyNetwork& to, const PolicyNetwork& from) { soft_update(to, from, 1.0); }

void soft_update(PolicyNetwork& to, const PolicyNetwork& from, double tau) {
  torch::NoGradGuard no_grad;
  const auto source = from->named_parameters(/*recurse=*/true);
  for (auto& target : to->named_parameters(/*recurse=*/true)) {
    const torch::Tensor& value = source[target.key()];
    if (tau >= 1.0)
      target.value().copy_(value);
    else
      target.value().mul_(1.0 - tau).add_(value, tau);
  }
  const auto source_buffers = from->named_buffers(/*recurse=*/true);
  for (auto& target : to->named_buffers(/*recurse=*/true))
    target.value().copy_(source_buffers[target.key()]);
}

}  // namespace shoprl
