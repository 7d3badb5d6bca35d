// Policy-gradient loss terms (policy_gradient_loss.h).
#include "agent/policy_gradient_loss.h"

namespace shoprl {

torch::Tensor score_function_loss(const torch::Tensor& log_prob, const torch::Tensor& advantages) {
  return -(advantages.detach() * log_prob).mean();
}

torch::Tensor normalized_advantages(const torch::Tensor& advantages) {
  if (advantages.numel() < 2) return advantages;
  const torch::Tensor centred = advantages - advantages.mean();
  const double sd = centred.pow(2).mean().sqrt().item<double>();
  if (!(sd > 1e-8)) return centred;
  return centred / sd;
}

torch::Tensor gae_advantages(const torch::Tensor& rewards, const torch::Tensor& values,
                             const torch::Tensor& next_values, const torch::Tensor& done,
                             const torch::Tensor& active, double gamma, double lambda) {
  const torch::Tensor live = active.to(rewards.dtype());
  const torch::Tensor continuing = done.logical_not().to(rewards.dtype()) * live;
  // where() rather than a product keeps a NaN of an inactive or terminal row out of the sums.
  const torch::Tensor v = torch::where(active, values.detach(), torch::zeros_like(values));
  const torch::Tensor v_next =
      torch::where(continuing > 0, next_values.detach(), torch::zeros_like(next_values));
  const torch::Tensor delta = (rewards + gamma * v_next - v) * live;
  torch::Tensor advantages = torch::zeros_like(rewards);
  torch::Tensor next = torch::zeros_like(rewards[0]);
  for (std::int64_t t = rewards.size(0) - 1; t >= 0; --t) {
    next = delta[t] + gamma * lambda * continuing[t] * next;
    advantages[t] = next;
  }
  return advantages;
}

torch::Tensor softmax_entropy(const torch::Tensor& logits) {
  const torch::Tensor log_p = torch::log_softmax(logits, -1);
  return -(log_p.exp() * log_p).sum(-1);
}

}  // namespace shoprl
