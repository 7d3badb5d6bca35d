// A trained policy network as a TorchScript module that stands alone: no shoprl, no agent, no
// optimizer. It is built in C++ (a torch::nn module cannot be saved as a loadable model): the
// network's parameters are copied into a torch::jit::Module, and its forward is TorchScript
// source generated here that performs the same operations as the C++ network (the window of the
// last history_length events, the encoder, the head the agent scores with), so that on the CPU
// its scores equal the network's bit for bit (tests/policy/torchscript_policy_test.cpp).
//
//   forward(items: [B, L] int64, types: [B, L] int64, lengths: [B] or [B, 1] int64)
//     -> scores: [B, I] float32
//
// Histories are right-padded with -1 (PolicyNetwork's SessionBatch); items are catalogue
// indices, types EventType codes (0 click, 1 cart, 2 purchase).
#pragma once

#include <string>

#include "policy/policy_network.h"

namespace torch::jit {
struct Module;
}

namespace shoprl {

// Which head an agent ranks with, and how its scores are scaled.
enum class ScoreHead {
  kItem,        // item_scores (Q for the DQN family, logits for policy gradient)
  kSecondItem,  // second_item_scores (the supervised head of SQN/SA2C)
  kSlateq,      // exp(u - max u) * Q: SlateQ's v(i) Q(i), u the click utilities
};

struct ScoringNetwork {
  PolicyNetwork network{nullptr};
  ScoreHead head = ScoreHead::kItem;
  double divisor = 1.0;  // scores / divisor (the policy-gradient temperature)
};

// The scores the network gives under `scoring`, computed the C++ way: what the scripted module
// must reproduce.
torch::Tensor network_scores(const ScoringNetwork& scoring, const SessionBatch& batch);

// The TorchScript source of the module's methods (for the record and for tests).
std::string torchscript_policy_source(const ScoringNetwork& scoring);

// The module: parameters copied to the CPU, in eval mode.
torch::jit::Module script_policy(const ScoringNetwork& scoring);

}  // namespace shoprl
