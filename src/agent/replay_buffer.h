// The replay buffer of the DQN family: a fixed-capacity ring of n-step transitions cut from
// rollouts (agent/rollout.h), sampled uniformly. Storage is preallocated CPU tensors in compact
// types (int32 items, int8 event types), so a buffer of 10^5 transitions with 50-event
// histories takes ~50 MB; sampled minibatches come out in the types the network reads.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>

#include "agent/rollout.h"
#include "core/seeding.h"
#include "policy/policy_network.h"

namespace shoprl {

// A minibatch of transitions (or the transitions of one rollout).
struct ReplayBatch {
  SessionBatch observation;     // history before the step: [B, W] int64, [B] int64
  torch::Tensor slates;         // [B, K] int64: the slate shown
  torch::Tensor clicks;         // [B, K] bool
  torch::Tensor purchases;      // [B, K] bool
  torch::Tensor clicked_slot;   // [B] int64: first clicked slot, -1 for none
  torch::Tensor reward;         // [B] float: the step's reward r_t as paid
  torch::Tensor n_step_return;  // [B] float: sum_{m<n'} gamma^m r_{t+m}, n' = min(n, steps left)
  // History at step t + n, or the one the session ended with when max_steps cut it sooner
  // (stale when the user left).
  SessionBatch next_observation;
  // [B] float: gamma^n; gamma^n' when max_steps cut the session after n' <= n steps; 0 when the
  // user left within the n steps.
  torch::Tensor bootstrap_discount;
  torch::Tensor done;  // [B] bool: the session ended (either way) within the n steps

  std::int64_t size() const { return reward.size(0); }
  // The clicked item per row, -1 for none.
  torch::Tensor clicked_item() const;
  ReplayBatch to(const torch::Device& device) const;
};

// The n-step transitions of a rollout's active steps, in (step, user) order, histories cut to
// the last `window` events. Steps past the end of a session are never used: a transition whose
// user leaves within n steps has discount 0; one whose session reaches env.max_steps within n
// steps bootstraps from the history it ended with (docs/agents/dqn.md).
ReplayBatch rollout_transitions(const Rollout& rollout, int n_step, double gamma,
                                std::int64_t window);

class ReplayBuffer {
 public:
  ReplayBuffer(std::int64_t capacity, std::int64_t window, int slate_size);

  // Appends the transitions, overwriting the oldest when full.
  void add(const ReplayBatch& transitions);
  void add(const Rollout& rollout, int n_step, double gamma) {
    add(rollout_transitions(rollout, n_step, gamma, window_));
  }

  // `batch_size` transitions drawn uniformly with replacement. Requires size() > 0.
  ReplayBatch sample(std::int64_t batch_size, Rng& rng) const;
  // The transitions at ring positions `index` ([B] int64).
  ReplayBatch gather(const torch::Tensor& index) const;

  std::int64_t size() const { return size_; }
  std::int64_t capacity() const { return capacity_; }
  std::int64_t window() const { return window_; }
  // Ring position of the next write; transitions ever added.
  std::int64_t cursor() const { return cursor_; }
  std::int64_t total_added() const { return total_added_; }

  // Everything, for an exact resume: the filled part of the ring and the counters.
  std::map<std::string, torch::Tensor> state() const;
  // DataError naming `source` when the tensors do not fit this buffer's capacity, window or
  // slate size.
  void load_state(const std::map<std::string, torch::Tensor>& state, const std::string& source);

 private:
  std::int64_t capacity_;
  std::int64_t window_;
  int slate_size_;
  std::int64_t size_ = 0;
  std::int64_t cursor_ = 0;
  std::int64_t total_added_ = 0;
  // Ring storage, one row per transition.
  std::map<std::string, torch::Tensor> columns_;
};

}  // namespace shoprl
