// Episode collection (rollout.h).
#include "agent/rollout.h"

#include <vector>

#include "core/seeding.h"
#include "env/torch/observation_tensors.h"

namespace shoprl {

namespace {

constexpr std::uint64_t kNoiseStream = 0x6e6f697365ULL;  // "noise": keyed exploration per step

// [N] uint32 bit masks -> [N, K] bool (bit k: slot k).
torch::Tensor unpack_masks(const std::uint32_t* masks, std::int64_t users, int slots) {
  torch::Tensor out = torch::empty({users, slots}, torch::kBool);
  bool* bits = out.data_ptr<bool>();
  for (std::int64_t i = 0; i < users; ++i)
    for (int k = 0; k < slots; ++k) bits[i * slots + k] = (masks[i] >> k) & 1U;
  return out;
}

}  // namespace

Rollout collect_rollout(BatchEnv& env, std::uint64_t seed, std::int64_t users,
                        const RolloutPolicy& act, const RolloutShare& share) {
  env.reset(seed, users, share.first_user);
  const int slots = env.slate_size();
  std::vector<torch::Tensor> items, types, lengths, slates, log_probs, clicks, purchases,
      clicked_slot, rewards, done, truncated, active;
  torch::Tensor alive = torch::ones({users}, torch::kBool);
  // Slots whose first session ended still step; they get a fixed valid slate nobody reads.
  const torch::Tensor filler = torch::arange(slots, torch::kInt64).expand({users, slots});
  std::vector<std::int32_t> slate_buffer(static_cast<std::size_t>(users) * slots);
  const std::int64_t window = env.history_length();
  torch::Tensor end_items = torch::full({users, window}, BatchEnv::kPad, torch::kInt64);
  torch::Tensor end_types = torch::full({users, window}, BatchEnv::kPad, torch::kInt64);
  torch::Tensor end_lengths = torch::zeros({users}, torch::kInt64);

  auto record_observation = [&] {
    const ObservationTensors obs = observation_tensors(env);
    items.push_back(obs.history_items.clone());
    types.push_back(obs.history_types.clone());
    lengths.push_back(obs.history_lengths.to(torch::kInt64));
  };

  while (alive.any().item<bool>()) {
    record_observation();
    const torch::Tensor rows = alive.nonzero().squeeze(1);
    const SessionBatch observed{items.back().index_select(0, rows),
                                types.back().index_select(0, rows),
                                lengths.back().index_select(0, rows)};
    SlateNoise noise;
    if (share.keyed_noise) {
      noise.seed = derive_seed(seed, kNoiseStream, static_cast<std::uint64_t>(slates.size()));
      noise.keys = rows + share.first_user;
    }
    const RolloutAction action = act(observed, noise);
    torch::Tensor slate = filler.clone();
    slate.index_copy_(0, rows, action.slates.to(torch::kCPU, torch::kInt64));
    torch::Tensor log_prob = torch::zeros({users}, torch::kFloat32);
    log_prob.index_copy_(0, rows, action.log_prob.to(torch::kCPU, torch::kFloat32));
    const torch::Tensor slate32 = slate.to(torch::kInt32).contiguous();
    std::copy(slate32.data_ptr<std::int32_t>(), slate32.data_ptr<std::int32_t>() + slate32.numel(),
              slate_buffer.begin());
    env.step(slate_buffer);

    slates.push_back(slate);
    log_probs.push_back(log_prob);
    clicks.push_back(unpack_masks(env.click_masks(), users, slots));
    purchases.push_back(unpack_masks(env.purchase_masks(), users, slots));
    clicked_slot.push_back(
        torch::from_blob(const_cast<std::int32_t*>(env.clicked_slots()), {users}, torch::kInt32)
            .to(torch::kInt64));
    rewards.push_back(
        torch::from_blob(const_cast<float*>(env.rewards()), {users}, torch::kFloat32).clone());
    const torch::Tensor ended =
        torch::from_blob(const_cast<std::uint8_t*>(env.dones()), {users}, torch::kUInt8)
            .to(torch::kBool);
    done.push_back(ended);
    truncated.push_back(
        torch::from_blob(const_cast<std::uint8_t*>(env.truncations()), {users}, torch::kUInt8)
            .to(torch::kBool));
    active.push_back(alive.clone());
    const torch::Tensor finishing = alive.logical_and(ended).nonzero().squeeze(1);
    if (finishing.numel() > 0) {
      const auto ended_rows = [&](const std::int64_t* data) {
        return torch::from_blob(const_cast<std::int64_t*>(data), {users, window}, torch::kInt64)
            .index_select(0, finishing);
      };
      end_items.index_copy_(0, finishing, ended_rows(env.ended_history_items()));
      end_types.index_copy_(0, finishing, ended_rows(env.ended_history_types()));
      end_lengths.index_copy_(
          0, finishing,
          torch::from_blob(const_cast<std::int32_t*>(env.ended_history_lengths()), {users},
                           torch::kInt32)
              .index_select(0, finishing)
              .to(torch::kInt64));
    }
    alive = alive.logical_and(ended.logical_not());
  }
  record_observation();

  Rollout out;
  out.items = torch::stack(items);
  out.types = torch::stack(types);
  out.lengths = torch::stack(lengths);
  out.slates = torch::stack(slates);
  out.log_prob = torch::stack(log_probs);
  out.clicks = torch::stack(clicks);
  out.purchases = torch::stack(purchases);
  out.clicked_slot = torch::stack(clicked_slot);
  out.rewards = torch::stack(rewards);
  out.done = torch::stack(done);
  out.truncated = torch::stack(truncated);
  out.active = torch::stack(active);
  out.end_items = end_items;
  out.end_types = end_types;
  out.end_lengths = end_lengths;
  return out;
}

RolloutSummary summarize(const Rollout& rollout) {
  RolloutSummary summary;
  const double users = static_cast<double>(rollout.users());
  const torch::Tensor active = rollout.active.to(torch::kFloat64);
  const double steps = active.sum().item<double>();
  summary.mean_return = (rollout.rewards.to(torch::kFloat64) * active).sum().item<double>() / users;
  summary.click_through =
      steps > 0
          ? ((rollout.clicked_slot >= 0).to(torch::kFloat64) * active).sum().item<double>() / steps
          : 0.0;
  const torch::Tensor bought =
      rollout.purchases.any(2).logical_and(rollout.active).any(0).to(torch::kFloat64);
  summary.conversion = bought.mean().item<double>();
  summary.mean_length = steps / users;
  return summary;
}

torch::Tensor discounted_returns(const Rollout& rollout, double gamma) {
  const std::int64_t steps = rollout.steps();
  torch::Tensor returns = torch::zeros_like(rollout.rewards);
  torch::Tensor next = torch::zeros({rollout.users()}, rollout.rewards.options());
  for (std::int64_t t = steps - 1; t >= 0; --t) {
    const torch::Tensor continuing = rollout.done[t].logical_not().to(torch::kFloat32);
    next = rollout.rewards[t] + gamma * continuing * next;
    next = next * rollout.active[t].to(torch::kFloat32);
    returns[t] = next;
  }
  return returns;
}

}  // namespace shoprl
