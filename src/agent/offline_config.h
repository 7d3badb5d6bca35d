// Settings of the agents trained from logs (section agent.offline): supervised, SQN and SA2C
// (docs/agents/offline.md). Owned by agent/offline*.
#pragma once

#include <cstdint>

#include "core/config_field.h"

namespace shoprl {

struct OfflineConfig {
  std::int64_t batch_size = 64;
  std::int64_t steps_per_iteration = 50;
  double click_reward = 0.2;
  double cart_reward = 0.2;
  double purchase_reward = 1.0;
  double gamma = 0.5;
  std::int64_t negatives = 10;
  std::int64_t warmup_steps = 1000;
  double q_loss_weight = 1.0;
  double actor_loss_weight = 1.0;

  void visit(ConfigVisitor& v) {
    v.field("batch_size", batch_size,
            "Logged sessions (windows of policy.history_length events) per gradient step; every "
            "event of each is one transition (64 sessions of ~5 events: about the 256 "
            "transitions of SQN's batches)",
            at_least(1));
    v.field("steps_per_iteration", steps_per_iteration,
            "Gradient steps per training iteration (one metrics line)", at_least(1));
    v.field("click_reward", click_reward, "Reward of a logged click (SQN: 0.2)");
    v.field("cart_reward", cart_reward,
            "Reward of a logged add-to-cart (default: a click's, as the ranking metrics count a "
            "cart as a click; SQN's RetailRocket setup calls it a purchase)");
    v.field("purchase_reward", purchase_reward, "Reward of a logged purchase (SQN: 1.0)");
    v.field("gamma", gamma,
            "Discount of the one-step TD target (SQN/SA2C: 0.5); agent.gamma is not used by "
            "the offline agents",
            in_range(0, 1));
    v.field("negatives", negatives,
            "sa2c: negative actions sampled uniformly per transition (SNQN; reward 0, the state "
            "does not change)",
            in_range(1, 100000));
    v.field("warmup_steps", warmup_steps,
            "sa2c: gradient steps of plain SNQN (cross-entropy + Q) before the cross-entropy is "
            "weighted by the advantage",
            at_least(0));
    v.field("q_loss_weight", q_loss_weight,
            "sqn/sa2c: weight of the Q loss beside the cross-entropy (the papers: 1)", at_least(0));
    v.field("actor_loss_weight", actor_loss_weight,
            "sa2c: weight of the advantage-weighted cross-entropy after the warm-up (the paper: "
            "1)",
            at_least(0));
  }
};

}  // namespace shoprl
