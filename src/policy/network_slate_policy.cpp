// A scoring function and a slate rule as a SlatePolicy (network_slate_policy.h).
#include "policy/network_slate_policy.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <memory>
#include <utility>

#include "core/error.h"
#include "env/batch_env.h"
#include "env/torch/observation_tensors.h"
#include "policy/slate_propensities.h"

namespace shoprl {

ScoringFunction item_head_scoring(PolicyNetwork network, torch::Device device) {
  // The module itself, not a const copy of its holder: forward is not a const method.
  std::shared_ptr<PolicyNetworkImpl> module = network.ptr();
  return [module, device](const SessionBatch& batch) {
    if (module->is_training() && module->config().dropout > 0)
      throw Error(
          "policy network: scoring in training mode with dropout; call eval() before acting");
    torch::NoGradGuard no_grad;
    return module->item_scores(module->encode(batch.to(device)));
  };
}

SessionBatch session_batch_of(const BatchEnv& env, std::size_t begin, std::size_t end) {
  const ObservationTensors observation = observation_tensors(env);
  const auto start = static_cast<std::int64_t>(begin);
  const auto rows = static_cast<std::int64_t>(end - begin);
  return {observation.history_items.narrow(0, start, rows).clone(),
          observation.history_types.narrow(0, start, rows).clone(),
          observation.history_lengths.narrow(0, start, rows).to(torch::kInt64)};
}

NetworkSlatePolicy::NetworkSlatePolicy(ScoringFunction score, std::int64_t num_items,
                                       SlateRuleConfig rule, int marginal_samples, std::string name)
    : score_(std::move(score)),
      num_items_(num_items),
      rule_(std::move(rule)),
      marginal_samples_(marginal_samples),
      name_(std::move(name)) {
  if (!score_) throw ConfigError(fmt::format("policy '{}': no scoring function", name_));
  validate_slate_rule(rule_, num_items_, 1, marginal_samples_);
}

torch::Tensor NetworkSlatePolicy::scores_of(const BatchEnv& env, std::size_t begin,
                                            std::size_t end) const {
  if (env.num_items() != num_items_)
    throw ConfigError(fmt::format("policy '{}' scores {} items; the environment has {}", name_,
                                  num_items_, env.num_items()));
  const SessionBatch batch = session_batch_of(env, begin, end);
  torch::Tensor scores;
  {
    const std::lock_guard<std::mutex> lock(score_mutex_);
    torch::NoGradGuard no_grad;
    scores = score_(batch);
  }
  const auto rows = static_cast<std::int64_t>(end - begin);
  if (scores.dim() != 2 || scores.size(0) != rows || scores.size(1) != num_items_)
    throw Error(fmt::format(
        "policy '{}': the scoring function returned {} dimensions ({} rows) "
        "for {} histories; expected [{}, {}]",
        name_, scores.dim(), scores.dim() > 0 ? scores.size(0) : 0, rows, rows, num_items_));
  scores = scores.to(torch::kCPU, torch::kFloat32).contiguous();
  check_scores(scores, name_);
  return scores;
}

void NetworkSlatePolicy::act(const BatchEnv& env, std::size_t begin, std::size_t end,
                             std::uint64_t seed, SlateDecision& out) const {
  if (end <= begin) return;
  const int k = env.slate_size();
  validate_slate_rule(rule_, num_items_, k, marginal_samples_);
  const torch::Tensor scores = scores_of(env, begin, end);
  const float* data = scores.data_ptr<float>();
  ScoredSlateRule row_rule(rule_, k, marginal_samples_);
  for (std::size_t i = begin; i < end; ++i) {
    row_rule.set_scores(data + (i - begin) * num_items_, num_items_);
    // Draws in a fixed order (the slate, then the marginals' prefixes) from the user's own
    // stream: the same slate whatever range the user is chosen in.
    RandomStream rng = policy_stream(env, i, seed);
    std::int32_t* slate = &out.items[i * k];
    row_rule.sample(rng, slate);
    out.slate_propensity[i] =
        row_rule.prefix_probabilities(slate, k, &out.prefix_propensity[i * k]);
    row_rule.marginals(slate, k, rng, &out.propensity[i * k]);
  }
}

double NetworkSlatePolicy::slate_probability(const BatchEnv& env, std::size_t i,
                                             const std::int32_t* slate) const {
  const int k = env.slate_size();
  validate_slate_rule(rule_, num_items_, k, marginal_samples_);
  const torch::Tensor scores = scores_of(env, i, i + 1);
  ScoredSlateRule row_rule(rule_, k, marginal_samples_);
  row_rule.set_scores(scores.data_ptr<float>(), num_items_);
  return row_rule.prefix_probabilities(slate, k, nullptr);
}

}  // namespace shoprl
