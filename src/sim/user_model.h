// The learned user model: a session encoder (nn/session_encoder.h) and three heads.
//   - next item: logits over the catalogue, state . output_embedding[item] + bias[item];
//   - purchase: P(the user buys `item` | she clicks it in state h), an MLP over [h, e_item];
//   - end: P(the session ends after the events read so far | h).
// Trained by maximum likelihood (user_model_training.h); one member of the ensemble the
// learned environment answers with (learned_env.h).
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "nn/session_encoder.h"
#include "sim/sim_config.h"

namespace shoprl {

class UserModelImpl : public torch::nn::Module {
 public:
  UserModelImpl(const UserModelConfig& config, std::int64_t num_items);

  SessionEncoder& encoder() { return encoder_; }
  std::int64_t num_items() const { return num_items_; }

  // state: [B, H]. Logits over the whole catalogue: [B, I].
  torch::Tensor item_logits(const torch::Tensor& state);
  // Logits of the given items only, equal to item_logits(state).gather(1, items): [B, M].
  torch::Tensor item_logits(const torch::Tensor& state, const torch::Tensor& items);
  // log sum_j exp(logit_j) over the catalogue, in blocks of items to bound memory: [B].
  torch::Tensor log_normalizer(const torch::Tensor& state);
  // Purchase logits of candidate items: state [B, H], items [B, M] -> [B, M].
  torch::Tensor purchase_logits(const torch::Tensor& state, const torch::Tensor& items);
  // Session-end logits: [B, H] -> [B].
  torch::Tensor end_logits(const torch::Tensor& state);

 private:
  std::int64_t num_items_;
  SessionEncoder encoder_{nullptr};
  torch::nn::Embedding output_embedding_{nullptr};  // [I, H]
  torch::Tensor output_bias_;                       // [I]
  torch::nn::Sequential purchase_head_{nullptr};
  torch::nn::Linear end_head_{nullptr};
};
TORCH_MODULE(UserModel);

}  // namespace shoprl
