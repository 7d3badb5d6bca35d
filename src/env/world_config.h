// Parameters of the synthetic ground-truth shopping world (docs/simulation.md explains the
// model). Every number of the world is here, so a config file describes the world completely.
#pragma once

#include <cstdint>
#include <string>

#include "core/config_field.h"

namespace shoprl {

struct ChoiceConfig {
  std::string model = "mnl";
  double no_click_utility = 4.0;
  double position_bias = 0.7;
  double cascade_continuation = 0.85;
  double pbm_exponent = 1.0;

  void visit(ConfigVisitor& v) {
    v.field("model", model,
            "How a user answers a slate: mnl (multinomial logit with a per-position logit bias), "
            "cascade (top-down examination, at most one click) or pbm (position-based model: "
            "independent clicks)",
            one_of({"mnl", "cascade", "pbm"}));
    v.field("no_click_utility", no_click_utility,
            "Utility of not clicking (mnl); attraction threshold: P(attracted) = "
            "sigmoid(utility - no_click_utility) (cascade, pbm)");
    v.field("position_bias", position_bias,
            "mnl: logit of slot k is lowered by position_bias * ln(1 + k)", at_least(0));
    v.field("cascade_continuation", cascade_continuation,
            "cascade: chance of examining the next slot after an unattractive one "
            "(attention decay)",
            in_range(0, 1));
    v.field("pbm_exponent", pbm_exponent,
            "pbm: slot k is examined with probability (1 + k)^-exponent", at_least(0));
  }
};

struct WorldConfig {
  std::int64_t items = 10000;
  std::int64_t users = 10000;
  int factor_dim = 32;
  int topics = 20;
  double item_topic_noise = 0.6;
  double user_topic_noise = 0.6;
  double affinity_scale = 4.0;
  double popularity_weight = 0.8;
  double price_median = 30.0;
  double price_log_sd = 0.8;
  double purchase_bias = -3.5;
  double purchase_affinity = 2.0;
  double price_sensitivity = 0.6;
  double price_sensitivity_log_sd = 0.5;
  double interest_drift = 0.15;
  double organic_rate = 0.3;
  int organic_candidates = 8;
  bool entry_event = true;
  double satisfaction_decay = 0.8;
  double click_satisfaction = 0.3;
  double purchase_satisfaction = 0.5;
  double boredom = 0.3;
  double leave_bias = -2.0;
  double leave_satisfaction_weight = 1.0;
  ChoiceConfig choice;

  void visit(ConfigVisitor& v) {
    v.field("items", items, "Catalogue size", in_range(2, 1e7));
    v.field("users", users, "Size of the user population episodes draw from", at_least(1));
    v.field("factor_dim", factor_dim, "Dimension of user and item latent factors",
            in_range(1, 1024));
    v.field("topics", topics, "Topics (clusters) the factors are drawn around; item category",
            at_least(1));
    v.field("item_topic_noise", item_topic_noise, "Spread of item factors about their topic",
            at_least(0));
    v.field("user_topic_noise", user_topic_noise, "Spread of user factors about their topic",
            at_least(0));
    v.field("affinity_scale", affinity_scale,
            "Utility = affinity_scale * <interest, item factor> + popularity logit", at_least(0));
    v.field("popularity_weight", popularity_weight,
            "Popularity logit = -popularity_weight * ln(rank), centred: organic browsing is "
            "Zipf with this exponent",
            at_least(0));
    v.field("price_median", price_median, "Median item price", at_least(1e-9));
    v.field("price_log_sd", price_log_sd, "Standard deviation of log price", at_least(0));
    v.field("purchase_bias", purchase_bias,
            "P(purchase | click) = sigmoid(purchase_bias + purchase_affinity * <interest, item> "
            "- sensitivity * ln(price / price_median))");
    v.field("purchase_affinity", purchase_affinity, "Weight of affinity in the purchase logit");
    v.field("price_sensitivity", price_sensitivity, "Median price sensitivity of users",
            at_least(0));
    v.field("price_sensitivity_log_sd", price_sensitivity_log_sd,
            "Spread (log scale) of price sensitivity across users", at_least(0));
    v.field("interest_drift", interest_drift,
            "After a click, interest <- (1 - drift) * interest + drift * clicked item's factor",
            in_range(0, 1));
    v.field("organic_rate", organic_rate,
            "Chance that a user who clicked no recommendation clicks an item on her own "
            "(logged, earns no reward)",
            in_range(0, 1));
    v.field("organic_candidates", organic_candidates,
            "Organic clicks choose by utility among this many popularity-drawn items",
            in_range(1, 4096));
    v.field("entry_event", entry_event,
            "Sessions open with one organic click (the page the user landed on)");
    v.field("satisfaction_decay", satisfaction_decay,
            "Satisfaction <- decay * satisfaction + gains - boredom", in_range(0, 1));
    v.field("click_satisfaction", click_satisfaction, "Satisfaction gained by a recommended click");
    v.field("purchase_satisfaction", purchase_satisfaction, "Satisfaction gained by a purchase");
    v.field("boredom", boredom, "Satisfaction lost by a slate with no click");
    v.field("leave_bias", leave_bias,
            "P(leave after a step) = sigmoid(leave_bias - leave_satisfaction_weight * "
            "satisfaction)");
    v.field("leave_satisfaction_weight", leave_satisfaction_weight,
            "How strongly satisfaction keeps users", at_least(0));
    v.section("choice", choice, "The choice model: how a user answers a slate");
  }
};

struct EnvConfig {
  int slate_size = 10;
  int history_length = 50;
  int max_steps = 50;
  double click_reward = 0.2;
  double purchase_reward = 1.0;
  int threads = 1;

  // The reward of a step (or of one slot) with these counts of clicks and purchases of
  // recommended items.
  double reward(int clicks, int purchases) const {
    return click_reward * clicks + purchase_reward * purchases;
  }

  void visit(ConfigVisitor& v) {
    v.field("slate_size", slate_size, "Items recommended per step (K)", in_range(1, 32));
    v.field("history_length", history_length,
            "Events of the session kept in the observation (most recent last)", in_range(1, 4096));
    v.field("max_steps", max_steps, "Slates per session at most (the time budget)", at_least(1));
    v.field("click_reward", click_reward, "Reward of a click on a recommended item");
    v.field("purchase_reward", purchase_reward, "Reward of a purchase of a recommended item");
    v.field("threads", threads, "Threads stepping the batch (results do not depend on it)",
            in_range(1, 256));
  }
};

}  // namespace shoprl
