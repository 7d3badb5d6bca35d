// Episodes collected in a batched environment by a policy that acts on torch tensors: the
// experience of the online agents (DQN family, REINFORCE, A2C). One rollout resets the
// environment with its own seed and runs every user slot until its first session ends, so a
// rollout is a function of (seed, policy) alone and training can resume between rollouts
// exactly. Steps after a slot's first session ended are stepped (the batch moves together) but
// marked inactive and never learned from; the acting policy is asked only about active rows.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>

#include "env/batch_env.h"
#include "policy/policy_network.h"
#include "policy/slate_sampling.h"

namespace shoprl {

struct Rollout {
  // T = the longest first session. Observations before each step and after the last: index t
  // holds the history the policy saw at step t (rows of finished slots are stale).
  torch::Tensor items;         // [T + 1, N, L] int64
  torch::Tensor types;         // [T + 1, N, L] int64
  torch::Tensor lengths;       // [T + 1, N] int64
  torch::Tensor slates;        // [T, N, K] int64
  torch::Tensor log_prob;      // [T, N] float: log P(slate) under the acting policy
  torch::Tensor clicks;        // [T, N, K] bool: slot k clicked
  torch::Tensor purchases;     // [T, N, K] bool: slot k purchased
  torch::Tensor clicked_slot;  // [T, N] int64: first clicked slot, -1 for none
  torch::Tensor rewards;       // [T, N] float (as the environment paid them, penalty included)
  torch::Tensor done;          // [T, N] bool: the session ended at this step
  torch::Tensor truncated;     // [T, N] bool: ...because it reached env.max_steps
  torch::Tensor active;        // [T, N] bool: the step belongs to the slot's first session
  // The history each slot's first session ended with (what it would have gone on from).
  torch::Tensor end_items;    // [N, L] int64
  torch::Tensor end_types;    // [N, L] int64
  torch::Tensor end_lengths;  // [N] int64

  std::int64_t steps() const { return slates.size(0); }
  std::int64_t users() const { return slates.size(1); }
  SessionBatch observation(std::int64_t t) const { return {items[t], types[t], lengths[t]}; }
};

// What an acting policy returns for the active rows it is shown.
struct RolloutAction {
  torch::Tensor slates;    // [M, K] int64
  torch::Tensor log_prob;  // [M] float
};
// `noise` is what a sampling policy draws its slates with (policy/slate_sampling.h): unkeyed
// unless the rollout asks for keyed noise.
using RolloutPolicy =
    std::function<RolloutAction(const SessionBatch& active_rows, const SlateNoise& noise)>;

// Which of a larger rollout's users this one plays (a data-parallel job's rank plays its share).
struct RolloutShare {
  std::int64_t first_user = 0;  // slot s of this rollout is the job's user first_user + s
  // Each user's exploration noise from its own stream keyed by (seed, step, user), so the
  // users' experience does not depend on how they are split over ranks.
  bool keyed_noise = false;
};

// Resets `env` with `seed` and `users` slots and runs until every slot's first session ended.
// The observation tensors stay on the CPU; `act` moves what it needs.
Rollout collect_rollout(BatchEnv& env, std::uint64_t seed, std::int64_t users,
                        const RolloutPolicy& act, const RolloutShare& share = {});

// Summary of the active steps: mean return per session, click-through per slate, conversion
// (sessions with a purchase), mean session length.
struct RolloutSummary {
  double mean_return = 0;
  double click_through = 0;
  double conversion = 0;
  double mean_length = 0;
};
RolloutSummary summarize(const Rollout& rollout);

// Discounted returns G_t = r_t + gamma G_{t+1} within each slot's first session: [T, N], zero
// on inactive steps.
torch::Tensor discounted_returns(const Rollout& rollout, double gamma);

}  // namespace shoprl
