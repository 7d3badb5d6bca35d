// Session encoders (session_encoder.h): one embedding of each event, read after a start token by
// a GRU or by causal self-attention.
#include "nn/session_encoder.h"

#include <fmt/format.h>

#include <limits>

#include "core/error.h"

namespace shoprl {

namespace {

constexpr std::int64_t kStartType = 3;  // type row of the start token (after the 3 EventTypes)

void validate(const SessionEncoderOptions& o) {
  if (o.kind != "gru" && o.kind != "attention" && o.kind != "mean")
    throw ConfigError(
        fmt::format("session encoder: unknown kind '{}' (gru, attention or mean)", o.kind));
  if (o.num_items <= 0)
    throw ConfigError(
        fmt::format("session encoder: num_items must be positive, got {}", o.num_items));
  if (o.embedding_dim <= 0 || o.hidden_dim <= 0 || o.layers <= 0 || o.max_length <= 0)
    throw ConfigError(
        "session encoder: embedding_dim, hidden_dim, layers and max_length must be "
        "positive");
  if (o.kind == "attention" && (o.heads <= 0 || o.hidden_dim % o.heads != 0))
    throw ConfigError(fmt::format("session encoder: heads ({}) must divide hidden_dim ({})",
                                  o.heads, o.hidden_dim));
}

// -inf above the diagonal: position t attends to positions <= t only.
torch::Tensor causal_mask(std::int64_t length, const torch::Device& device) {
  return torch::full({length, length}, -std::numeric_limits<float>::infinity(),
                     torch::TensorOptions().dtype(torch::kFloat32).device(device))
      .triu(1);
}

}  // namespace

SessionEncoderImpl::SessionEncoderImpl(const SessionEncoderOptions& options) : options_(options) {
  validate(options_);
  const std::int64_t e = options_.embedding_dim;
  const std::int64_t h = options_.hidden_dim;
  item_embedding_ =
      register_module("item_embedding", torch::nn::Embedding(options_.num_items + 1, e));
  type_embedding_ = register_module("type_embedding", torch::nn::Embedding(kStartType + 1, e));
  if (options_.kind == "gru") {
    // PyTorch applies GRU dropout between layers only; with one layer it would only warn.
    const double between_layers = options_.layers > 1 ? options_.dropout : 0.0;
    gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(e, h)
                                                     .num_layers(options_.layers)
                                                     .batch_first(true)
                                                     .dropout(between_layers)));
  } else if (options_.kind == "mean") {
    input_projection_ = register_module("input_projection", torch::nn::Linear(e, h));
  } else {
    input_projection_ = register_module("input_projection", torch::nn::Linear(e, h));
    position_embedding_ =
        register_module("position_embedding", torch::nn::Embedding(options_.max_length + 1, h));
    torch::nn::TransformerEncoderLayer layer(
        torch::nn::TransformerEncoderLayerOptions(h, options_.heads)
            .dim_feedforward(4 * h)
            .dropout(options_.dropout));
    transformer_ = register_module(
        "transformer", torch::nn::TransformerEncoder(
                           torch::nn::TransformerEncoderOptions(layer, options_.layers)));
    output_norm_ =
        register_module("output_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({h})));
  }
}

torch::Tensor SessionEncoderImpl::forward(const torch::Tensor& items, const torch::Tensor& types) {
  TORCH_CHECK(items.dim() == 2 && types.sizes() == items.sizes(),
              "session encoder: items and types must both be [B, T]");
  const std::int64_t batch = items.size(0);
  const std::int64_t tokens = items.size(1) + 1;
  const torch::Device device = item_embedding_->weight.device();
  const auto index = torch::TensorOptions().dtype(torch::kInt64).device(device);
  // Padding (-1) reads row 0: causality keeps it out of every state the caller uses.
  const torch::Tensor token_items = torch::cat({torch::full({batch, 1}, options_.num_items, index),
                                                items.to(device, torch::kInt64).clamp_min(0)},
                                               1);
  const torch::Tensor token_types = torch::cat(
      {torch::full({batch, 1}, kStartType, index), types.to(device, torch::kInt64).clamp_min(0)},
      1);
  const torch::Tensor embedded = item_embedding_(token_items) + type_embedding_(token_types);

  if (options_.kind == "gru") return std::get<0>(gru_->forward(embedded));
  if (options_.kind == "mean") {
    // State t: the mean of tokens 0..t (a running sum over the start token and the events
    // before t), projected; causal by construction.
    const torch::Tensor counts =
        torch::arange(1, tokens + 1, embedded.options()).view({1, tokens, 1});
    return torch::tanh(input_projection_(embedded.cumsum(1) / counts));
  }

  if (tokens > options_.max_length + 1)
    throw ConfigError(fmt::format(
        "attention encoder: {} events exceed sim.model.max_length = {} (window the session)",
        tokens - 1, options_.max_length));
  const torch::Tensor positions = torch::arange(tokens, index);
  const torch::Tensor x = input_projection_(embedded) + position_embedding_(positions).unsqueeze(0);
  // LibTorch's transformer reads [T, B, H] (sequence first).
  const torch::Tensor encoded =
      transformer_->forward(x.transpose(0, 1), causal_mask(tokens, device)).transpose(0, 1);
  return output_norm_(encoded);
}

torch::Tensor SessionEncoderImpl::last_state(const torch::Tensor& items, const torch::Tensor& types,
                                             const torch::Tensor& lengths) {
  const torch::Tensor states = forward(items, types);
  const torch::Tensor index =
      lengths.to(states.device(), torch::kInt64).view({-1, 1, 1}).expand({-1, 1, states.size(2)});
  return states.gather(1, index).squeeze(1);
}

torch::Tensor SessionEncoderImpl::initial_state(std::int64_t batch_size) {
  TORCH_CHECK(incremental(), "session encoder: incremental encoding needs the GRU");
  const torch::Device device = item_embedding_->weight.device();
  const auto index = torch::TensorOptions().dtype(torch::kInt64).device(device);
  const torch::Tensor start =
      item_embedding_(torch::full({batch_size, 1}, options_.num_items, index)) +
      type_embedding_(torch::full({batch_size, 1}, kStartType, index));
  return std::get<1>(gru_->forward(start));
}

torch::Tensor SessionEncoderImpl::advance(const torch::Tensor& state, const torch::Tensor& items,
                                          const torch::Tensor& types, const torch::Tensor& mask) {
  TORCH_CHECK(incremental(), "session encoder: incremental encoding needs the GRU");
  const torch::Device device = item_embedding_->weight.device();
  // Rows outside the mask may hold -1; they are computed on a valid index and then discarded.
  const torch::Tensor embedded = (item_embedding_(items.to(device, torch::kInt64).clamp_min(0)) +
                                  type_embedding_(types.to(device, torch::kInt64).clamp_min(0)))
                                     .unsqueeze(1);
  const torch::Tensor next = std::get<1>(gru_->forward(embedded, state));
  return torch::where(mask.to(device, torch::kBool).view({1, -1, 1}), next, state);
}

}  // namespace shoprl
