// The policy network: a session encoder (nn/session_encoder.h) whose state feeds the heads the
// agents need. Every head scores the whole catalogue from the same state:
//   - item head: Q-values (DQN family, SQN's Q head) or policy logits (policy gradient), with an
//     optional dueling form;
//   - second item head: the supervised (cross-entropy) head of SQN/SA2C, the learned behaviour
//     policy beta of the top-K correction, or the click-utility head of SlateQ;
//   - value head: a scalar state value (the REINFORCE baseline, the A2C critic).
// Heads an agent does not ask for are not built, so checkpoints hold only what is trained.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "nn/session_encoder.h"
#include "policy/policy_config.h"

namespace shoprl {

// A batch of session histories: [B, L] item indices and EventType codes, right-padded with -1,
// and [B] int64 lengths (0 <= length <= L). Tensors may live on any device.
struct SessionBatch {
  torch::Tensor items;
  torch::Tensor types;
  torch::Tensor lengths;

  SessionBatch to(const torch::Device& device) const;
  // Rows `index` ([M] int64) of the batch.
  SessionBatch rows(const torch::Tensor& index) const;
  std::int64_t size() const { return lengths.size(0); }
};

struct PolicyHeads {
  bool second_item_head = false;
  bool value_head = false;
};

class PolicyNetworkImpl : public torch::nn::Module {
 public:
  PolicyNetworkImpl(const PolicyNetworkConfig& config, std::int64_t num_items,
                    const PolicyHeads& heads);

  // [B, H]: the state after each row's history (its last `history_length` events).
  torch::Tensor encode(const SessionBatch& batch);
  // [B, T + 1, H]: the state after every prefix of each row (offline agents train on all
  // prefixes of a session at once).
  torch::Tensor encode_prefixes(const torch::Tensor& items, const torch::Tensor& types);

  torch::Tensor item_scores(const torch::Tensor& state);         // [B, I]
  torch::Tensor second_item_scores(const torch::Tensor& state);  // [B, I]
  torch::Tensor value(const torch::Tensor& state);               // [B]
  // item_scores for a subset of items only (sampled negatives): items [B, M] -> [B, M]. Not
  // available with the dueling head (its centring needs every item).
  torch::Tensor item_scores_of(const torch::Tensor& state, const torch::Tensor& items);

  std::int64_t num_items() const { return num_items_; }
  const PolicyNetworkConfig& config() const { return config_; }
  const PolicyHeads& heads() const { return heads_; }
  SessionEncoder encoder() { return encoder_; }

 private:
  PolicyNetworkConfig config_;
  std::int64_t num_items_;
  PolicyHeads heads_;
  SessionEncoder encoder_{nullptr};
  torch::nn::Linear item_head_{nullptr};
  torch::nn::Linear advantage_value_{nullptr};  // dueling: the state-value stream
  torch::nn::Linear second_item_head_{nullptr};
  torch::nn::Sequential value_head_{nullptr};
};
TORCH_MODULE(PolicyNetwork);

// Copies every parameter and buffer of `from` into `to` (a target network's hard update), or
// moves `to` a fraction tau towards `from` (soft update, Polyak averaging).
void copy_parameters(PolicyNetwork& to, const PolicyNetwork& from);
void soft_update(PolicyNetwork& to, const PolicyNetwork& from, double tau);

}  // namespace shoprl
