// The trajectories REINFORCE learns from in logs (topk_reinforce): every logged step at which
// the user clicked a recommended item, as (state, action, return, logged propensity). The state
// is the session's history before the slate was shown, the action the clicked item, the return
// R_t = sum_{t' >= t} gamma^(t' - t) r_t' over the session's slates from this one on (Chen et
// al. 2019, section 3), r_t' the logged reward of slate t' (the sum over its rows).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "data/session_store.h"
#include "policy/policy_network.h"

namespace shoprl {

struct LoggedClickSteps {
  torch::Tensor items;       // [S, L] int64, the last L events before the slate, -1 padded
  torch::Tensor types;       // [S, L] int64 EventType codes, -1 padded
  torch::Tensor lengths;     // [S] int64
  torch::Tensor action;      // [S] int64: the clicked item
  torch::Tensor returns;     // [S] float32: R_t
  torch::Tensor propensity;  // [S] float32: the logging policy's P(action in the clicked slot)

  std::int64_t size() const { return action.size(0); }
  SessionBatch states(const torch::Tensor& index) const;
};

// The click steps of the sessions in `split` (every session when the store records no split).
// A row is clicked when the store's click column says so, or, without one, when its reward is
// positive. History: the session's events strictly before the slate's timestamp, the last
// `history_length` of them. DataError naming the store's dataset and row for a store without
// impressions, a non-finite reward or a propensity outside (0, 1]; DataError when the split
// holds no click step.
LoggedClickSteps logged_click_steps(const SessionStore& store, Split split, double gamma,
                                    int history_length);

}  // namespace shoprl
