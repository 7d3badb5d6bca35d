// Slates from item scores (slate_sampling.h).
#include "policy/slate_sampling.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "core/seeding.h"

namespace shoprl {

namespace {

// Indices of the k largest entries of each row, best first.
torch::Tensor top_indices(const torch::Tensor& scores, int k) {
  return std::get<1>(scores.topk(k, 1));
}

// [rows, width] uniforms in [0, 1): from the global generator, or row by row from the row's
// own stream (noise.seed, keys[r], stream) when the noise is keyed.
torch::Tensor uniforms(std::int64_t rows, std::int64_t width, const torch::TensorOptions& options,
                       const SlateNoise& noise, std::uint64_t stream) {
  if (!noise.keyed()) return torch::rand({rows, width}, options);
  TORCH_CHECK(noise.keys.numel() == rows, "sample_slates: one noise key per row");
  const torch::Tensor keys = noise.keys.to(torch::kCPU, torch::kInt64).contiguous();
  const std::int64_t* key = keys.data_ptr<std::int64_t>();
  torch::Tensor out = torch::empty({rows, width}, torch::dtype(options.dtype()));
  for (std::int64_t r = 0; r < rows; ++r) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(
        derive_seed(noise.seed, static_cast<std::uint64_t>(key[r]), stream));
    out[r].uniform_(0.0, 1.0, generator);
  }
  return out.to(options.device());
}

// A uniformly random ordered slate of distinct items per row: the top k of i.i.d. uniform keys.
torch::Tensor uniform_slates(std::int64_t rows, std::int64_t items, int slate_size,
                             const torch::TensorOptions& options, const SlateNoise& noise) {
  return top_indices(uniforms(rows, items, options.dtype(torch::kFloat32), noise, 1), slate_size);
}

// log P(one ordered slate) under uniform sampling without replacement: -sum_k log(I - k).
double uniform_slate_log_prob(std::int64_t items, int slate_size) {
  double log_prob = 0;
  for (int k = 0; k < slate_size; ++k) log_prob -= std::log(static_cast<double>(items - k));
  return log_prob;
}

}  // namespace

torch::Tensor plackett_luce_log_prob(const torch::Tensor& logits, const torch::Tensor& slates) {
  const torch::Tensor log_p = torch::log_softmax(logits, 1);
  const torch::Tensor chosen = log_p.gather(1, slates);  // [B, K]
  // Mass already taken by slots before k; the clamp guards log1p(-1) when one item holds all.
  const torch::Tensor taken = (chosen.exp().cumsum(1) - chosen.exp()).clamp_max(1.0 - 1e-6);
  return (chosen - torch::log1p(-taken)).sum(1);
}

SampledSlates sample_slates(const torch::Tensor& scores, int slate_size,
                            const SlateRuleConfig& rule, const SlateNoise& noise) {
  TORCH_CHECK(scores.dim() == 2, "sample_slates: scores must be [B, I]");
  const std::int64_t rows = scores.size(0);
  const std::int64_t items = scores.size(1);
  if (slate_size < 1 || slate_size > items)
    throw ConfigError(fmt::format("slate of {} items from a catalogue of {}", slate_size, items));
  const auto options = scores.options();
  torch::NoGradGuard no_grad;
  if (rule.rule == "top_k") return {top_indices(scores, slate_size), torch::zeros({rows}, options)};
  if (rule.rule == "epsilon_greedy") {
    const torch::Tensor greedy = top_indices(scores, slate_size);
    const torch::Tensor random = uniform_slates(rows, items, slate_size, options, noise);
    const torch::Tensor explore =
        (uniforms(rows, 1, options, noise, 2).view({rows}) < rule.epsilon).view({-1, 1});
    const torch::Tensor slates = torch::where(explore, random, greedy);
    // P(slate) = (1 - eps) [slate = greedy] + eps P_uniform(slate).
    const double uniform = std::exp(uniform_slate_log_prob(items, slate_size));
    const torch::Tensor is_greedy = (slates == greedy).all(1).to(options.dtype());
    const torch::Tensor prob = (1.0 - rule.epsilon) * is_greedy + rule.epsilon * uniform;
    return {slates, torch::log(prob)};
  }
  if (rule.rule == "boltzmann") {
    // Gumbel-top-k: the top k of logits + Gumbel noise is a Plackett-Luce sample without
    // replacement (Kool, van Hoof & Welling 2019).
    const torch::Tensor logits = scores / rule.temperature;
    const torch::Tensor uniform =
        uniforms(rows, items, logits.options(), noise, 3).clamp(1e-20, 1.0 - 1e-7);
    const torch::Tensor gumbel = -torch::log(-torch::log(uniform));
    const torch::Tensor slates = top_indices(logits + gumbel, slate_size);
    return {slates, plackett_luce_log_prob(logits, slates)};
  }
  throw ConfigError(
      fmt::format("unknown slate rule '{}' (top_k, epsilon_greedy, boltzmann)", rule.rule));
}

}  // namespace shoprl
