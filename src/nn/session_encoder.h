// Session encoders shared by the learned user model (src/sim) and, later, the policy networks
// (src/policy): item and event-type embeddings read by a GRU, by causal self-attention, or
// pooled by a running mean.
//
// Token convention: events are (item in [0, I), EventType code in [0, 3)); rows are padded with
// -1 after their length. Every sequence is read after a begin-of-session token, so the encoder
// returns T + 1 states per row: state 0 is the empty session's, state t the state after events
// 0..t-1. Causal: state t never depends on events >= t, so padding never leaks into a state.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace shoprl {

struct SessionEncoderOptions {
  std::string kind = "gru";  // gru | attention | mean (mean pooling of the events so far)
  std::int64_t num_items = 0;
  int embedding_dim = 64;
  int hidden_dim = 64;
  int layers = 1;
  int heads = 2;
  double dropout = 0.1;
  int max_length = 50;  // attention: positions it has embeddings for (events + the start token)
};

class SessionEncoderImpl : public torch::nn::Module {
 public:
  explicit SessionEncoderImpl(const SessionEncoderOptions& options);

  // items, types: [B, T] int64, -1 padded. Returns [B, T + 1, hidden_dim].
  torch::Tensor forward(const torch::Tensor& items, const torch::Tensor& types);

  // The state after the first lengths[b] events of each row: [B, hidden_dim]. lengths: [B]
  // int64 on the same device, 0 <= lengths[b] <= T.
  torch::Tensor last_state(const torch::Tensor& items, const torch::Tensor& types,
                           const torch::Tensor& lengths);

  // Incremental encoding (GRU only; incremental() says whether it is available). A recurrent
  // state is [layers, B, hidden_dim]; output(state) is its top layer, [B, hidden_dim], equal to
  // the corresponding forward() state.
  bool incremental() const { return options_.kind == "gru"; }
  torch::Tensor initial_state(std::int64_t batch_size);  // after the start token
  // Feeds one event to the rows where `mask` ([B] bool) is true; other rows keep their state.
  torch::Tensor advance(const torch::Tensor& state, const torch::Tensor& items,
                        const torch::Tensor& types, const torch::Tensor& mask);
  static torch::Tensor output(const torch::Tensor& state) { return state[-1]; }

  const SessionEncoderOptions& options() const { return options_; }

 private:
  SessionEncoderOptions options_;
  // Implementation modules are registered in the constructor (session_encoder.cpp).
  torch::nn::Embedding item_embedding_{nullptr};  // I + 1 rows: the last is the start token
  torch::nn::Embedding type_embedding_{nullptr};  // 3 event types + the start token
  torch::nn::GRU gru_{nullptr};
  torch::nn::Linear input_projection_{nullptr};  // attention: embedding_dim -> hidden_dim
  torch::nn::Embedding position_embedding_{nullptr};
  torch::nn::TransformerEncoder transformer_{nullptr};
  torch::nn::LayerNorm output_norm_{nullptr};
};
TORCH_MODULE(SessionEncoder);

}  // namespace shoprl
