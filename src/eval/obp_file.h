// Reads an HDF5 file in the Open Bandit Pipeline's convention (the dictionary OBP's
// `obtain_batch_bandit_feedback` returns, plus the evaluation policy's action_dist and
// optionally a reward model's estimates) into LoggedRounds, streaming the [n, actions, slots]
// arrays in row blocks so that memory stays O(n). Dataset names and meanings: docs/ope.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "eval/logged_rounds.h"

namespace shoprl {

struct ObpInput {
  LoggedRounds rounds;
  std::vector<std::int64_t> action;  // a_i, for fitting reward models (LoggedRounds has none)
  std::size_t n_actions = 0;
  // Optional features, row-major, kept for fitting reward models (empty when absent).
  std::vector<double> context;  // [rounds, context_dim]
  std::size_t context_dim = 0;
  std::vector<double> action_context;  // [n_actions, action_context_dim]
  std::size_t action_context_dim = 0;
};

// Required datasets: reward[n], action[n], position[n] (0-based slot), pscore[n],
// action_dist[n, n_actions, len_list] (or [n, n_actions] for len_list 1). Optional:
// estimated_rewards_by_reg_model (the shape of action_dist), slate_id[n], session_id[n],
// pscore_cascade[n], pscore_slate[n], evaluation_policy_pscore_cascade[n],
// evaluation_policy_pscore_slate[n], context[n, d], action_context[n_actions, d']. Integer,
// float and bool datasets all read. A bad input is one DataError naming the file, the dataset
// and the first bad row (and action and slot where they matter).
struct ObpReadOptions {
  // The reward range, copied into the rounds (the file does not say).
  double reward_min = 0.0;
  double reward_max = 1.0;
  // Bytes of action_dist (and of the reward model's array) held at once, rounded to whole
  // chunks of the dataset.
  std::size_t block_bytes = std::size_t{8} << 20;
};
ObpInput read_obp_file(const std::filesystem::path& path, const ObpReadOptions& options = {});

}  // namespace shoprl
