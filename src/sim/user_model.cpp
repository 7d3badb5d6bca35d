// The learned user model (user_model.h): a session encoder and its next-item, purchase and
// session-end heads.
#include "sim/user_model.h"

#include <cmath>

namespace shoprl {

namespace {

// Items per block of the catalogue-wide log normaliser: [B, 8192] floats at a time.
constexpr std::int64_t kNormalizerBlock = 8192;

SessionEncoderOptions encoder_options(const UserModelConfig& config, std::int64_t num_items) {
  SessionEncoderOptions options;
  options.kind = config.encoder;
  options.num_items = num_items;
  options.embedding_dim = config.embedding_dim;
  options.hidden_dim = config.hidden_dim;
  options.layers = config.layers;
  options.heads = config.heads;
  options.dropout = config.dropout;
  options.max_length = config.max_length;
  return options;
}

}  // namespace

UserModelImpl::UserModelImpl(const UserModelConfig& config, std::int64_t num_items)
    : num_items_(num_items) {
  const std::int64_t h = config.hidden_dim;
  encoder_ = register_module("encoder", SessionEncoder(encoder_options(config, num_items)));
  output_embedding_ = register_module("output_embedding", torch::nn::Embedding(num_items, h));
  // Embedding's default N(0, 1) rows would give initial logits of size sqrt(H); start them near
  // a uniform next-item distribution instead.
  {
    torch::NoGradGuard no_grad;
    output_embedding_->weight.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(h)));
  }
  output_bias_ = register_parameter("output_bias", torch::zeros({num_items}));
  purchase_head_ = register_module(
      "purchase_head", torch::nn::Sequential(torch::nn::Linear(2 * h, h), torch::nn::ReLU(),
                                             torch::nn::Linear(h, 1)));
  end_head_ = register_module("end_head", torch::nn::Linear(h, 1));
}

torch::Tensor UserModelImpl::item_logits(const torch::Tensor& state) {
  return torch::addmm(output_bias_, state, output_embedding_->weight.t());
}

torch::Tensor UserModelImpl::item_logits(const torch::Tensor& state, const torch::Tensor& items) {
  const torch::Tensor index = items.to(torch::kInt64);
  // [B, M, H] x [B, H, 1] -> [B, M]
  return torch::bmm(output_embedding_(index), state.unsqueeze(2)).squeeze(2) +
         output_bias_.index_select(0, index.reshape(-1)).view_as(index);
}

torch::Tensor UserModelImpl::log_normalizer(const torch::Tensor& state) {
  std::vector<torch::Tensor> block_normalizers;
  for (std::int64_t begin = 0; begin < num_items_; begin += kNormalizerBlock) {
    const std::int64_t size = std::min(kNormalizerBlock, num_items_ - begin);
    const torch::Tensor logits = torch::addmm(output_bias_.narrow(0, begin, size), state,
                                              output_embedding_->weight.narrow(0, begin, size).t());
    block_normalizers.push_back(torch::logsumexp(logits, 1));
  }
  if (block_normalizers.size() == 1) return block_normalizers.front();
  return torch::logsumexp(torch::stack(block_normalizers, 1), 1);
}

torch::Tensor UserModelImpl::purchase_logits(const torch::Tensor& state,
                                             const torch::Tensor& items) {
  const torch::Tensor item_vectors = output_embedding_(items.to(torch::kInt64));  // [B, M, H]
  const torch::Tensor states = state.unsqueeze(1).expand_as(item_vectors);
  return purchase_head_->forward(torch::cat({states, item_vectors}, 2)).squeeze(2);
}

torch::Tensor UserModelImpl::end_logits(const torch::Tensor& state) {
  return end_head_(state).squeeze(1);
}

}  // namespace shoprl
