// Logged bandit feedback reduced to what the estimators read, one row per shown (item, slot):
// Open Bandit Pipeline's convention, where a "round" is one impression. Every input (an OBP
// HDF5 file, a session store plus an evaluation policy) is reduced to this once, in one pass,
// so that no estimator ever touches an [n, actions, slots] array (docs/ope.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace shoprl {

struct LoggedRounds {
  // --- Always present, one entry per row. ---
  std::vector<double> reward;          // r_i
  std::vector<double> pscore;          // mu(a_i | x_i, pos_i): the logging policy's slot marginal
  std::vector<double> target_pscore;   // pi(a_i | x_i, pos_i): the evaluation policy's
  std::vector<std::int32_t> position;  // 0-based slot
  int len_list = 1;                    // slots per slate (OBP's len_list)

  // --- Present when a reward model was given or fitted (empty otherwise). ---
  std::vector<double> q_logged;  // q(x_i, a_i, pos_i)
  std::vector<double> q_target;  // sum_a pi(a | x_i, pos_i) q(x_i, a, pos_i)

  // --- Slate structure (empty when unknown). Rows of one slate are contiguous and share the
  // id; the joint and prefix probabilities are repeated on each row of the slate. ---
  std::vector<std::int64_t> slate_id;
  std::vector<double> slate_pscore;          // mu(s): the whole logged slate
  std::vector<double> slate_target_pscore;   // pi(s)
  std::vector<double> prefix_pscore;         // mu(s_0..s_pos): the slate down to this row's slot
  std::vector<double> prefix_target_pscore;  // pi(s_0..s_pos)
  // sum_k pi(a_i | x_i, k): how often, in expectation, the evaluation policy shows this row's
  // item in any slot (action_dist[i, a_i, :] summed). The pseudoinverse estimator needs it.
  std::vector<double> target_inclusion;
  // For the pseudoinverse estimator: the number of items the logging policy drew slates from
  // without replacement, uniformly (0 = the logging policy is not uniform; the estimator then
  // declines, naming why).
  std::int64_t uniform_logging_items = 0;

  // --- Session structure (empty when unknown). Slates of one session are contiguous, in time
  // order, and share the id. ---
  std::vector<std::int64_t> session_id;

  // The range rewards are known to lie in (for Hoeffding and empirical-Bernstein bounds).
  double reward_min = 0.0;
  double reward_max = 1.0;

  std::size_t size() const { return reward.size(); }
  bool has_reward_model() const { return !q_logged.empty(); }
  bool has_slates() const { return !slate_id.empty(); }
  bool has_sessions() const { return !session_id.empty(); }
};

// Where each slate (or session) starts: offsets into rows, size = units + 1. `ids` must be
// contiguous runs (DataError naming `what` and the first row that breaks a run otherwise).
std::vector<std::size_t> group_offsets(const std::vector<std::int64_t>& ids, const char* what);

// The reason an estimator declines for lack of `column` (named `name`): empty, or a NaN (the
// input does not know the probability), naming the first such row. "" when usable.
std::string missing_column(const std::vector<double>& column, std::size_t rows, const char* name);

// The first row whose reward lies outside [reward_min, reward_max], beyond single-precision
// rounding (rounds.size() when none):
// the bounded-reward intervals rely on that range, so inputs refuse such a row.
std::size_t first_reward_outside_range(const LoggedRounds& rounds);

}  // namespace shoprl
