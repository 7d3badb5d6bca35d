// The pieces of the policy-gradient losses, as pure functions of tensors so that each reads
// next to its formula and is tested in closed form: advantages (Monte Carlo with a baseline,
// generalised advantage estimation), the score-function loss, and the softmax entropy.
#pragma once

#include <torch/torch.h>

namespace shoprl {

// REINFORCE's policy loss -mean_t A_t log pi(A_t | s_t) (Williams 1992) over the M active
// steps: log_prob [M] carries the gradient, advantages [M] are treated as constants.
torch::Tensor score_function_loss(const torch::Tensor& log_prob, const torch::Tensor& advantages);

// Advantages scaled to mean 0 and standard deviation 1 (left as they are when fewer than two
// or all equal).
torch::Tensor normalized_advantages(const torch::Tensor& advantages);

// Generalised advantage estimation (Schulman et al. 2016, eq. 16) on a [T, N] grid of steps:
//   delta_t = r_t + gamma V(s_{t+1}) (1 - done_t) - V(s_t)
//   A_t     = delta_t + gamma lambda (1 - done_t) A_{t+1}
// zero on inactive steps. lambda = 0 gives the one-step TD advantage, lambda = 1 the Monte
// Carlo return minus V(s_t). Inputs are [T, N]; values and next_values need not be finite on
// inactive steps (they are masked).
torch::Tensor gae_advantages(const torch::Tensor& rewards, const torch::Tensor& values,
                             const torch::Tensor& next_values, const torch::Tensor& done,
                             const torch::Tensor& active, double gamma, double lambda);

// Entropy -sum_i p_i log p_i of softmax(logits) per row: [B, I] -> [B].
torch::Tensor softmax_entropy(const torch::Tensor& logits);

}  // namespace shoprl
