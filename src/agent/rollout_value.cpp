// Rollout value of a trained policy (rollout_value.h).
#include "agent/rollout_value.h"

#include <algorithm>
#include <cmath>

#include "agent/rollout.h"
#include "core/seeding.h"
#include "policy/slate_sampling.h"

namespace shoprl {

RolloutValue rollout_value(Agent& agent, BatchEnv& env, std::int64_t sessions,
                           std::int64_t batch_size, std::uint64_t seed,
                           const torch::Device& device) {
  const SlateRuleConfig rule = agent.evaluation_rule();
  const int slate_size = env.slate_size();
  const RolloutPolicy act = [&](const SessionBatch& rows, const SlateNoise&) {
    torch::NoGradGuard no_grad;
    const SampledSlates slates =
        sample_slates(agent.policy_scores(rows.to(device)), slate_size, rule);
    return RolloutAction{slates.items, slates.log_prob};
  };
  double sum = 0, sum_squares = 0, clicks = 0, steps = 0, converted = 0;
  std::int64_t done = 0;
  for (std::int64_t batch = 0; done < sessions; ++batch) {
    const std::int64_t users = std::min(batch_size, sessions - done);
    torch::manual_seed(derive_seed(seed, 1, static_cast<std::uint64_t>(batch)));
    const Rollout rollout =
        collect_rollout(env, derive_seed(seed, 0, static_cast<std::uint64_t>(batch)), users, act);
    const torch::Tensor active = rollout.active.to(torch::kFloat64);
    const torch::Tensor returns = (rollout.rewards.to(torch::kFloat64) * active).sum(0);
    sum += returns.sum().item<double>();
    sum_squares += returns.square().sum().item<double>();
    clicks += ((rollout.clicked_slot >= 0).to(torch::kFloat64) * active).sum().item<double>();
    steps += active.sum().item<double>();
    converted += rollout.purchases.any(2)
                     .logical_and(rollout.active)
                     .any(0)
                     .to(torch::kFloat64)
                     .sum()
                     .item<double>();
    done += users;
  }
  RolloutValue value;
  const double n = static_cast<double>(done);
  value.sessions = done;
  value.value = sum / n;
  const double variance = n > 1 ? (sum_squares - n * value.value * value.value) / (n - 1) : 0.0;
  value.std_error = std::sqrt(std::max(variance, 0.0) / n);
  value.click_through = steps > 0 ? clicks / steps : 0.0;
  value.conversion = converted / n;
  value.mean_length = steps / n;
  return value;
}

}  // namespace shoprl
