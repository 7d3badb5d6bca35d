// The top-K off-policy correction (off_policy_correction.h).
#include "agent/off_policy_correction.h"

namespace shoprl {

torch::Tensor topk_multiplier(const torch::Tensor& pi, int k) {
  const torch::Tensor p = pi.detach();
  return static_cast<double>(k) * (1.0 - p).pow(static_cast<double>(k - 1));
}

torch::Tensor capped_importance_weights(const torch::Tensor& pi, const torch::Tensor& beta,
                                        double cap) {
  return (pi.detach() / beta.detach()).clamp_max(cap);
}

WeightStatistics weight_statistics(const torch::Tensor& pi, const torch::Tensor& beta, double cap) {
  WeightStatistics stats;
  if (pi.numel() == 0) return stats;
  const torch::Tensor raw = (pi.detach() / beta.detach()).to(torch::kFloat64);
  const torch::Tensor w = raw.clamp_max(cap);
  stats.mean = w.mean().item<double>();
  stats.max = w.max().item<double>();
  stats.capped_fraction = (raw > cap).to(torch::kFloat64).mean().item<double>();
  const double sum = w.sum().item<double>();
  const double sum_squares = w.pow(2).sum().item<double>();
  stats.effective_sample_size = sum_squares > 0 ? sum * sum / sum_squares : 0.0;
  return stats;
}

}  // namespace shoprl
