// The losses of one gradient step of the agents trained from logs, on one minibatch of logged
// transitions (logged_session_batches.h), with the equations of the papers beside the code:
//   - supervised: next-item cross-entropy of the second item head (the "supervised head");
//   - sqn (Xin et al., SIGIR 2020, Sec. 3.3): cross-entropy + the one-step double-Q TD loss of
//     the item head (the "Q head") on the logged action;
//   - sa2c (Xin et al., WSDM 2022): SNQN's Q loss over the logged action and sampled negatives,
//     and, after the warm-up, the cross-entropy weighted by the advantage.
// docs/agents/offline.md derives each line.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "agent/logged_session_batches.h"
#include "policy/policy_network.h"

namespace shoprl {

struct OfflineLossOptions {
  std::string kind = "sqn";  // supervised | sqn | sa2c
  double gamma = 0.5;
  std::int64_t negatives = 10;      // sa2c
  bool advantage_weighted = false;  // sa2c after its warm-up
  double q_loss_weight = 1.0;       // sqn, sa2c
  double actor_loss_weight = 1.0;   // sa2c after its warm-up
};

struct OfflineLosses {
  torch::Tensor total;  // scalar, with the graph to back-propagate
  // Detached scalars for the metrics.
  torch::Tensor cross_entropy;   // mean next-item cross-entropy (unweighted)
  torch::Tensor q_loss;          // mean TD loss per transition (0 for supervised)
  torch::Tensor mean_q;          // mean Q(s_t, a_t)
  torch::Tensor mean_advantage;  // mean A(s_t, a_t) (sa2c; 0 otherwise)
  // Per-transition values, N = valid transitions in (row, t) order (detached; for tests).
  torch::Tensor q_taken;          // [N] Q(s_t, a_t)
  torch::Tensor target;           // [N] the TD target of the logged action
  torch::Tensor negatives;        // [N, M] sampled negative items (sa2c)
  torch::Tensor q_negatives;      // [N, M] Q(s_t, a^-)
  torch::Tensor negative_target;  // [N] the TD target of every negative of the row (sa2c)
  torch::Tensor advantage;        // [N] A(s_t, a_t) (sa2c)
};

// M negatives per positive ([N] int64), uniform over the other num_items - 1 items (with
// replacement across the M), from torch's global generator. Never equal to the positive.
torch::Tensor sample_negative_items(const torch::Tensor& positives, std::int64_t num_items,
                                    std::int64_t count);

// A(s_t, a_t) = Q(s_t, a_t) - mean(Q(s_t, a_t), Q(s_t, a^-_1..M)) (SA2C: the mean over the
// logged and the sampled actions stands in for V(s_t)). [N], [N, M] -> [N].
torch::Tensor sampled_advantage(const torch::Tensor& q_taken, const torch::Tensor& q_negatives);

// One step's losses. `main` is the copy being updated, `target` the other copy of the double-Q
// pair (unused, may be null, for supervised). Gradients flow into `main` only.
OfflineLosses offline_losses(PolicyNetwork& main, PolicyNetwork* target,
                             const LoggedTransitions& batch, const OfflineLossOptions& options);

}  // namespace shoprl
