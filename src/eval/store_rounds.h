// A session store's impressions as logged rounds for the estimators, with an evaluation
// policy's probabilities of what was shown, and the rows a reward model learns from.
#pragma once

#include <string>
#include <vector>

#include "data/session_store.h"
#include "eval/evaluation_policy.h"
#include "eval/logged_rounds.h"
#include "eval/reward_model.h"

namespace shoprl {

struct StoreRounds {
  LoggedRounds rounds;
  RewardModelData model_data;               // the same rows, as reward-model inputs
  std::vector<std::size_t> impression_row;  // the store row of each round
};

// The impressions of the sessions in `split` ("all", "train", "valid" or "test"). The
// logging policy's probabilities come from the store (propensity, slate_propensity,
// prefix_propensity); the evaluation policy's from `policy`. Rewards are the store's.
// DataError naming the store's dataset and row for a propensity outside (0, 1] or a reward
// that is not finite; ConfigError naming evaluate.split for an unknown split.
StoreRounds logged_rounds_from_store(const SessionStore& store,
                                     const SlotDistributionPolicy& policy,
                                     const std::string& split);

// Fills rounds.q_logged and rounds.q_target from a reward model fitted on model_data:
// q_target = sum over items of pi(item | slot) q(row, item, slot).
void add_reward_model_predictions(StoreRounds& store_rounds, const RewardModel& model,
                                  const SlotDistributionPolicy& policy);

}  // namespace shoprl
