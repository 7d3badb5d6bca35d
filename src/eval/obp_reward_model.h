// A reward model fitted to an Open Bandit Pipeline file that carries no
// estimated_rewards_by_reg_model: the rows it learns from (context, action, slot, action
// context), and a second streaming pass over action_dist that fills q_target once the model is
// fitted (the first pass, in read_obp_file, could not: the model did not exist yet).
#pragma once

#include <filesystem>

#include "eval/obp_file.h"
#include "eval/reward_model.h"

namespace shoprl {

// The file's rows as reward-model inputs. Rows of one session (or slate) share a fold.
RewardModelData obp_reward_model_data(const ObpInput& input, std::uint64_t seed);

// Fills input.rounds.q_logged and q_target from `model` (fitted on obp_reward_model_data of
// the same input), reading action_dist from `path` again in row blocks.
void add_obp_reward_model_predictions(const std::filesystem::path& path, ObpInput& input,
                                      const RewardModel& model,
                                      std::size_t block_bytes = std::size_t{8} << 20);

}  // namespace shoprl
