// The losses of the agents trained from logs (offline_losses.h).
#include "agent/offline_losses.h"

namespace shoprl {

namespace {

namespace F = torch::nn::functional;

// Q(s, a) for a few items per row: [N, H], [N, M] -> [N, M]. The dueling head centres its
// advantages over the whole catalogue, so it needs the full product.
torch::Tensor q_values_of(PolicyNetwork& net, const torch::Tensor& state,
                          const torch::Tensor& items) {
  if (net->config().dueling) return net->item_scores(state).gather(1, items);
  return net->item_scores_of(state, items);
}

}  // namespace

torch::Tensor sample_negative_items(const torch::Tensor& positives, std::int64_t num_items,
                                    std::int64_t count) {
  TORCH_CHECK(num_items >= 2, "negative sampling needs at least 2 items");
  const torch::Tensor positive = positives.to(torch::kInt64).view({-1, 1});
  // Uniform over [0, I - 1), then every value at or above the positive moves up by one: a
  // uniform draw over the I - 1 items other than the positive.
  const torch::Tensor draws =
      torch::randint(num_items - 1, {positive.size(0), count},
                     torch::TensorOptions().dtype(torch::kInt64).device(positive.device()));
  return draws + (draws >= positive).to(torch::kInt64);
}

torch::Tensor sampled_advantage(const torch::Tensor& q_taken, const torch::Tensor& q_negatives) {
  const torch::Tensor all = torch::cat({q_taken.view({-1, 1}), q_negatives}, 1);
  return q_taken.view({-1}) - all.mean(1);
}

OfflineLosses offline_losses(PolicyNetwork& main, PolicyNetwork* target,
                             const LoggedTransitions& batch, const OfflineLossOptions& options) {
  const std::int64_t steps = batch.items.size(1);
  const torch::Tensor& valid = batch.valid;
  // states[:, t] is s_t, the state after events 0..t-1 (index 0: the empty prefix).
  const torch::Tensor states = main->encode_prefixes(batch.items, batch.types);  // [B, T+1, H]
  const torch::Tensor state = states.slice(1, 0, steps).index({valid});          // [N, H] s_t
  const torch::Tensor actions = batch.items.index({valid});                      // [N] a_t

  OfflineLosses out;
  const torch::Tensor zero = torch::zeros({}, state.options());
  // The supervised head: softmax over the whole catalogue (SQN Eq. 1).
  const torch::Tensor logits = main->second_item_scores(state);  // [N, I]
  const torch::Tensor cross_entropy =
      F::cross_entropy(logits, actions, F::CrossEntropyFuncOptions().reduction(torch::kNone));
  out.cross_entropy = cross_entropy.mean().detach();
  if (options.kind == "supervised") {
    out.total = cross_entropy.mean();
    out.q_loss = out.mean_q = out.mean_advantage = zero;
    return out;
  }
  TORCH_CHECK(target != nullptr, "offline losses: ", options.kind, " needs the second Q copy");

  // Q(s_t, a_t) of the logged action: one dot product per transition.
  const torch::Tensor q_taken = q_values_of(main, state, actions.view({-1, 1})).squeeze(1);
  torch::Tensor target_states;  // the target copy's states, [B, T+1, H]
  torch::Tensor td_target;
  {
    torch::NoGradGuard no_grad;
    // Double Q-learning (van Hasselt et al. 2016; SQN Sec. 3.3): the updated copy picks
    // a* = argmax_a Q(s_{t+1}, a), the other copy values it. Easy to miss: the next state is
    // states[:, t + 1] of the same pass, and a session's last event has none (terminal).
    const torch::Tensor next_state = states.slice(1, 1, steps + 1).index({valid}).detach();
    const torch::Tensor best_next = main->item_scores(next_state).argmax(1, /*keepdim=*/true);
    target_states = (*target)->encode_prefixes(batch.items, batch.types);
    const torch::Tensor target_next = target_states.slice(1, 1, steps + 1).index({valid});
    const torch::Tensor q_next = q_values_of(*target, target_next, best_next).squeeze(1);
    const torch::Tensor continues = batch.terminal.index({valid}).logical_not().to(q_next.dtype());
    // y_t = r_t + gamma * Q'(s_{t+1}, argmax_a Q(s_{t+1}, a))   (SQN Eq. 3, double-Q form)
    td_target = batch.rewards.index({valid}) + options.gamma * continues * q_next;
  }
  torch::Tensor q_loss = (td_target - q_taken).pow(2);  // [N]
  out.q_taken = q_taken.detach();
  out.target = td_target;
  out.mean_q = q_taken.mean().detach();
  out.mean_advantage = zero;
  torch::Tensor actor = cross_entropy.mean();

  if (options.kind == "sa2c") {
    // SNQN (Xin et al. 2022, Sec. 3.2): a negative action a^- earns reward 0 and leaves the
    // state unchanged, so its target bootstraps from s_t itself:
    //   y^-_t = 0 + gamma * Q'(s_t, argmax_a Q(s_t, a)),
    //   L_q = (y_t - Q(s_t, a_t))^2 + sum_{a^- in N_t} (y^-_t - Q(s_t, a^-))^2.
    const torch::Tensor negatives =
        sample_negative_items(actions, main->num_items(), options.negatives);  // [N, M]
    const torch::Tensor q_negatives = q_values_of(main, state, negatives);     // [N, M]
    torch::Tensor negative_target;
    {
      torch::NoGradGuard no_grad;
      const torch::Tensor best_now = main->item_scores(state.detach()).argmax(1, true);
      const torch::Tensor target_now = target_states.slice(1, 0, steps).index({valid});
      negative_target = options.gamma * q_values_of(*target, target_now, best_now).squeeze(1);
    }
    q_loss = q_loss + (negative_target.view({-1, 1}) - q_negatives).pow(2).sum(1);
    // SA2C (Sec. 3.3): A(s_t, a_t) = Q(s_t, a_t) - mean of Q over the logged and the sampled
    // actions, detached: the critic only weights the actor's cross-entropy.
    const torch::Tensor advantage = sampled_advantage(q_taken.detach(), q_negatives.detach());
    if (options.advantage_weighted)
      actor = options.actor_loss_weight * (advantage * cross_entropy).mean();
    out.negatives = negatives;
    out.q_negatives = q_negatives.detach();
    out.negative_target = negative_target;
    out.advantage = advantage;
    out.mean_advantage = advantage.mean();
  }
  out.q_loss = q_loss.mean().detach();
  out.total = actor + options.q_loss_weight * q_loss.mean();
  return out;
}

}  // namespace shoprl
