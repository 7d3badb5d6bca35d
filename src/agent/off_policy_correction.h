// The top-K off-policy correction of Chen et al., "Top-K Off-Policy Correction for a REINFORCE
// Recommender System" (WSDM 2019): the capped importance weight of a logged action and the
// multiplier lambda_K that turns the gradient of log pi into that of log alpha, the chance
// that the action is among K items sampled from pi.
#pragma once

#include <torch/torch.h>

namespace shoprl {

// The top-K multiplier lambda_K = K (1 - pi(a|s))^(K - 1) (Chen et al. eq. 6): the policy
// samples K items, so the chance that a is among them is alpha(a|s) = 1 - (1 - pi(a|s))^K, and
// grad alpha = lambda_K grad pi = lambda_K pi grad log pi; the corrected gradient is
// E_beta[(pi / beta) lambda_K R grad log pi]. pi is treated as a constant (detached).
torch::Tensor topk_multiplier(const torch::Tensor& pi, int k);

// Importance weights min(pi / beta, cap) (Chen et al. section 4.3, "weight capping"), detached.
torch::Tensor capped_importance_weights(const torch::Tensor& pi, const torch::Tensor& beta,
                                        double cap);

// The weights' summary, reported every iteration: mean and max of the capped weights, the share
// of raw ratios above the cap, and Kish's effective sample size (sum w)^2 / sum w^2.
struct WeightStatistics {
  double mean = 0;
  double max = 0;
  double capped_fraction = 0;
  double effective_sample_size = 0;
};
WeightStatistics weight_statistics(const torch::Tensor& pi, const torch::Tensor& beta, double cap);

}  // namespace shoprl
