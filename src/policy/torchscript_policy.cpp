// A policy network as a standalone TorchScript module (torchscript_policy.h). The source below
// mirrors, operation for operation, PolicyNetworkImpl::encode (last_events, then
// SessionEncoderImpl::forward and last_state) and the heads, and LibTorch 1.13's
// TransformerEncoderLayer and multi_head_attention_forward for the attention encoder: the same
// ATen calls in the same order, so that the CPU kernels, and so the scores, are the same.
#include "policy/torchscript_policy.h"

#include <fmt/format.h>
#include <torch/script.h>

#include <cmath>

#include "core/error.h"

namespace shoprl {
namespace {

// "encoder.gru.weight_ih_l0" -> "encoder__gru__weight_ih_l0": attribute names may not hold dots.
std::string attribute(const std::string& parameter) {
  std::string name;
  for (const char c : parameter) {
    if (c == '.')
      name += "__";
    else
      name += c;
  }
  return name;
}

std::string self(const std::string& parameter) { return "self." + attribute(parameter); }

// A double as a TorchScript literal that reads back to the same double.
std::string literal(double value) {
  std::string text = fmt::format("{:.17g}", value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// Scalar types are written as their codes (4 int64, 6 float32): a module defined from C++ has no
// Python resolver, so `torch.int64` is not a value there.
constexpr int kInt64Code = static_cast<int>(c10::ScalarType::Long);
constexpr int kFloat32Code = static_cast<int>(c10::ScalarType::Float);
static_assert(kInt64Code == 4 && kFloat32Code == 6, "the codes the TorchScript below uses");

// PolicyNetwork's last_events: the last `window` events of each row, still right-padded.
std::string window_source(std::int64_t window) {
  return fmt::format(R"(
def window(self, items: Tensor, types: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    if items.size(1) <= {0}:
        return items, types, lengths
    lengths = lengths.long()
    start = (lengths - {0}).clamp_min(0).view(-1, 1)
    offsets = torch.arange({0}, dtype=4, device=items.device)
    index = (start + offsets.view(1, -1)).clamp_max(items.size(1) - 1)
    kept = lengths.clamp_max({0})
    valid = offsets.view(1, -1) < kept.view(-1, 1)
    pad = torch.full_like(index, -1)
    return torch.where(valid, items.long().gather(1, index), pad), torch.where(valid, types.long().gather(1, index), pad), kept
)",
                     window);
}

// SessionEncoderImpl::forward up to the embedded tokens, shared by the three encoders.
std::string embedding_source(std::int64_t num_items) {
  return fmt::format(R"(
def embed(self, items: Tensor, types: Tensor) -> Tensor:
    batch = items.size(0)
    device = {0}.device
    token_items = torch.cat([torch.full([batch, 1], {2}, dtype=4, device=device), items.to(device=device, dtype=4).clamp_min(0)], 1)
    token_types = torch.cat([torch.full([batch, 1], 3, dtype=4, device=device), types.to(device=device, dtype=4).clamp_min(0)], 1)
    return torch.embedding({0}, token_items) + torch.embedding({1}, token_types)
)",
                     self("encoder.item_embedding.weight"), self("encoder.type_embedding.weight"),
                     num_items);
}

std::string gru_source(const PolicyNetworkConfig& config) {
  std::string weights;
  for (int layer = 0; layer < config.layers; ++layer) {
    for (const char* name : {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"}) {
      weights += (weights.empty() ? "" : ", ") + self(fmt::format("encoder.gru.{}{}", name, layer));
    }
  }
  // GRUImpl::forward: zeros for the initial state, then torch::gru (batch first, no dropout in
  // eval mode).
  return fmt::format(R"(
def states(self, embedded: Tensor) -> Tensor:
    hx = torch.zeros([{0}, embedded.size(0), {1}], dtype=embedded.dtype, device=embedded.device)
    output, hidden = torch.gru(embedded, hx, [{2}], True, {0}, 0.0, False, False, True)
    return output
)",
                     config.layers, config.hidden_dim, weights);
}

std::string mean_source() {
  return fmt::format(R"(
def states(self, embedded: Tensor) -> Tensor:
    tokens = embedded.size(1)
    counts = torch.arange(1, tokens + 1, dtype=embedded.dtype, device=embedded.device).view(1, tokens, 1)
    return torch.tanh(torch.linear(embedded.cumsum(1) / counts, {0}, {1}))
)",
                     self("encoder.input_projection.weight"),
                     self("encoder.input_projection.bias"));
}

// TransformerEncoderLayerImpl::forward (post-norm, ReLU, dropout off) around
// multi_head_attention_forward's self-attention path, for each layer; then the output norm.
std::string attention_source(const PolicyNetworkConfig& config) {
  const std::int64_t h = config.hidden_dim;
  const std::int64_t head_dim = h / config.heads;
  const double scaling = 1 / std::sqrt(static_cast<double>(head_dim));
  std::string layers;
  for (int layer = 0; layer < config.layers; ++layer) {
    const auto p = [&](const std::string& name) {
      return self(fmt::format("encoder.transformer.layers.{}.{}", layer, name));
    };
    layers += fmt::format(
        R"(
    qkv = torch.linear(src, {0}, {1}).chunk(3, -1)
    q = qkv[0] * {2}
    q = q.contiguous().view(tokens, batch * {3}, {4}).transpose(0, 1)
    k = qkv[1].contiguous().view(-1, batch * {3}, {4}).transpose(0, 1)
    v = qkv[2].contiguous().view(-1, batch * {3}, {4}).transpose(0, 1)
    weights = torch.bmm(q, k.transpose(1, 2))
    weights += mask.unsqueeze(0)
    weights = torch.softmax(weights, -1)
    attended = torch.bmm(weights, v).transpose(0, 1).contiguous().view(tokens, batch, {5})
    attended = torch.linear(attended, {6}, {7})
    src = torch.layer_norm(src + attended, [{5}], {8}, {9}, 1.0000000000000001e-05, True)
    forward = torch.linear(torch.relu(torch.linear(src, {10}, {11})), {12}, {13})
    src = torch.layer_norm(src + forward, [{5}], {14}, {15}, 1.0000000000000001e-05, True)
)",
        p("self_attn.in_proj_weight"), p("self_attn.in_proj_bias"), literal(scaling), config.heads,
        head_dim, h, p("self_attn.out_proj.weight"), p("self_attn.out_proj.bias"),
        p("norm1.weight"), p("norm1.bias"), p("linear1.weight"), p("linear1.bias"),
        p("linear2.weight"), p("linear2.bias"), p("norm2.weight"), p("norm2.bias"));
  }
  return fmt::format(R"(
def states(self, embedded: Tensor) -> Tensor:
    batch = embedded.size(0)
    tokens = embedded.size(1)
    positions = torch.arange(tokens, dtype=4, device=embedded.device)
    x = torch.linear(embedded, {0}, {1}) + torch.embedding({2}, positions).unsqueeze(0)
    mask = torch.full([tokens, tokens], float("-inf"), dtype=6, device=embedded.device).triu(1)
    src = x.transpose(0, 1)
{3}
    return torch.layer_norm(src.transpose(0, 1), [{4}], {5}, {6}, 1.0000000000000001e-05, True)
)",
                     self("encoder.input_projection.weight"), self("encoder.input_projection.bias"),
                     self("encoder.position_embedding.weight"), layers, h,
                     self("encoder.output_norm.weight"), self("encoder.output_norm.bias"));
}

std::string scores_source(const ScoringNetwork& scoring) {
  const PolicyNetworkConfig& config = scoring.network->config();
  const std::string item_head =
      fmt::format("torch.linear(state, {}, {})", self("item_head.weight"), self("item_head.bias"));
  std::string item_scores = item_head;
  std::string prelude;
  if (config.dueling) {
    // Q = V + A - mean(A) (PolicyNetworkImpl::item_scores).
    prelude = "    advantages = " + item_head + "\n";
    item_scores =
        fmt::format("torch.linear(state, {}, {}) + advantages - advantages.mean(-1, True)",
                    self("state_value.weight"), self("state_value.bias"));
  }
  std::string body;
  switch (scoring.head) {
    case ScoreHead::kItem:
      body = prelude + "    scores = " + item_scores + "\n";
      break;
    case ScoreHead::kSecondItem:
      body = fmt::format("    scores = torch.linear(state, {}, {})\n",
                         self("second_item_head.weight"), self("second_item_head.bias"));
      break;
    case ScoreHead::kSlateq:
      body = prelude + "    values = " + item_scores + "\n" +
             fmt::format("    utilities = torch.linear(state, {}, {})\n",
                         self("second_item_head.weight"), self("second_item_head.bias")) +
             "    top = torch.max(utilities, 1, True)[0]\n"
             "    scores = torch.exp(utilities - top) * values\n";
      break;
  }
  if (scoring.divisor != 1.0) body += "    scores = scores / " + literal(scoring.divisor) + "\n";
  return R"(
def forward(self, items: Tensor, types: Tensor, lengths: Tensor) -> Tensor:
    lengths = lengths.reshape(-1)
    items, types, lengths = self.window(items, types, lengths)
    states = self.states(self.embed(items, types))
    index = lengths.to(device=states.device, dtype=4).view(-1, 1, 1).expand(-1, 1, states.size(2))
    state = states.gather(1, index).squeeze(1)
)" + body +
         "    return scores\n";
}

}  // namespace

torch::Tensor network_scores(const ScoringNetwork& scoring, const SessionBatch& batch) {
  PolicyNetwork network = scoring.network;  // a handle: encode is not const
  PolicyNetworkImpl& net = *network;
  const torch::Tensor state = net.encode(batch);
  torch::Tensor scores;
  switch (scoring.head) {
    case ScoreHead::kItem:
      scores = net.item_scores(state);
      break;
    case ScoreHead::kSecondItem:
      scores = net.second_item_scores(state);
      break;
    case ScoreHead::kSlateq: {
      const torch::Tensor utilities = net.second_item_scores(state);
      const torch::Tensor top = std::get<0>(utilities.max(1, /*keepdim=*/true));
      scores = torch::exp(utilities - top) * net.item_scores(state);
      break;
    }
  }
  return scoring.divisor != 1.0 ? scores / scoring.divisor : scores;
}

std::string torchscript_policy_source(const ScoringNetwork& scoring) {
  const PolicyNetworkConfig& config = scoring.network->config();
  std::string states;
  if (config.encoder == "gru") {
    states = gru_source(config);
  } else if (config.encoder == "mean") {
    states = mean_source();
  } else if (config.encoder == "attention") {
    states = attention_source(config);
  } else {
    throw ConfigError(fmt::format("policy.encoder: '{}' cannot be exported", config.encoder));
  }
  return window_source(config.history_length) + embedding_source(scoring.network->num_items()) +
         states + scores_source(scoring);
}

torch::jit::Module script_policy(const ScoringNetwork& scoring) {
  if (!scoring.network) throw Error("script_policy: no network");
  if ((scoring.head != ScoreHead::kItem) && !scoring.network->heads().second_item_head)
    throw Error("script_policy: the network has no second item head to score with");
  torch::jit::Module module("shoprl.Policy");
  for (const auto& parameter : scoring.network->named_parameters(/*recurse=*/true)) {
    module.register_parameter(attribute(parameter.key()),
                              parameter.value().detach().to(torch::kCPU).clone(),
                              /*is_buffer=*/false);
  }
  for (const auto& buffer : scoring.network->named_buffers(/*recurse=*/true)) {
    module.register_buffer(attribute(buffer.key()),
                           buffer.value().detach().to(torch::kCPU).clone());
  }
  module.define(torchscript_policy_source(scoring));
  module.eval();
  return module;
}

}  // namespace shoprl
