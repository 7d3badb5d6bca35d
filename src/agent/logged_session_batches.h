// Minibatches of logged sessions for the agents trained from logs (offline_agent.h): the train
// split's sessions as windows of at most `window` events (sim/session_sequences.h), each event
// one transition (s_t, a_t, r_t, s_{t+1}) of Xin et al. (SIGIR 2020): s_t is the state after
// the window's events before t, a_t the item of event t, r_t the reward of its event type.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/seeding.h"
#include "data/session_store.h"
#include "sim/session_sequences.h"

namespace shoprl {

// Reward of a logged event by its EventType (click, cart, purchase).
struct EventRewards {
  double click = 0.2;
  double cart = 0.2;
  double purchase = 1.0;
};

// B windows, right-padded to the longest (T events).
struct LoggedTransitions {
  torch::Tensor items;     // [B, T] int64 item of event t (the action a_t), -1 after the length
  torch::Tensor types;     // [B, T] int64 EventType code, -1 after the length
  torch::Tensor lengths;   // [B] int64
  torch::Tensor valid;     // [B, T] bool: t < length
  torch::Tensor rewards;   // [B, T] float r_t, 0 on padding
  torch::Tensor terminal;  // [B, T] bool: event t is its session's last (no s_{t+1} to bootstrap)

  std::int64_t transitions() const;
  LoggedTransitions to(const torch::Device& device) const;
};

class LoggedSessionBatches {
 public:
  // DataError naming `store_name` when the train split holds no session with events.
  LoggedSessionBatches(const SessionStore& store, int window, const EventRewards& rewards,
                       const std::string& store_name);

  std::size_t windows() const { return sequences_.size(); }
  std::int64_t events() const { return static_cast<std::int64_t>(sequences_.items.size()); }
  std::int64_t num_items() const { return sequences_.num_items; }

  // The windows of `steps` minibatches of min(batch_size, windows()) each: consecutive slices
  // of shuffles of all windows drawn from `rng` (without replacement within a shuffle).
  std::vector<std::vector<std::int64_t>> minibatches(std::int64_t steps, std::int64_t batch_size,
                                                     Rng& rng) const;
  LoggedTransitions batch(const std::vector<std::int64_t>& windows) const;

 private:
  SessionSequences sequences_;
  EventRewards rewards_;
};

}  // namespace shoprl
