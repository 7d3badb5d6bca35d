// The one pass that reduces Open Bandit Pipeline's [rounds, actions, slots] arrays (the
// evaluation policy's action_dist and the reward model's estimated rewards) to the per-row
// numbers the estimators read, checking every value on the way, so that memory stays O(rows).
#pragma once

#include <cstddef>
#include <cstdint>

namespace shoprl {

// One block of consecutive rounds, row-major [rows, n_actions, len_list] (OBP's layout).
struct ActionDistBlock {
  const double* action_dist = nullptr;
  const double* reward_model = nullptr;  // null when there is none
  std::size_t rows = 0;
  std::size_t n_actions = 0;
  std::size_t len_list = 1;
  // The logged action and slot of each row, already checked to be in range.
  const std::int64_t* action = nullptr;
  const std::int64_t* position = nullptr;
};

// The first bad value of a block (row relative to the block).
struct ActionDistProblem {
  enum class Kind {
    kNone,
    kNotFinite,        // action_dist entry NaN or infinite
    kNegative,         // action_dist entry below 0
    kSlotSum,          // sum_a action_dist[i, a, slot] is not 1 within kSlotSumTolerance
    kRewardNotFinite,  // estimated reward NaN or infinite
  };
  Kind kind = Kind::kNone;
  std::size_t row = 0;
  std::size_t action = 0;
  std::size_t slot = 0;
  double value = 0;  // the entry, or the slot's sum
};

inline constexpr double kSlotSumTolerance = 1e-6;

// For each row i of the block, with a = action[i] and k = position[i]:
//   target_pscore[i] = pi(a | x_i, k) = action_dist[i, a, k]
//   q_logged[i] = q(x_i, a, k),  q_target[i] = sum_b action_dist[i, b, k] q(x_i, b, k)
//   target_inclusion[i] = sum_k action_dist[i, a, k]
// (the direct-method term of Dudik et al. 2011, eq. 2, per slot as in OBP; the inclusion is
// what the pseudoinverse estimator weighs by). q_logged and q_target may be null when the
// block has no reward model; target_inclusion may be null. Stops at the first problem and
// returns it (outputs past it are unspecified).
ActionDistProblem reduce_action_dist(const ActionDistBlock& block, double* target_pscore,
                                     double* q_logged, double* q_target,
                                     double* target_inclusion = nullptr);

}  // namespace shoprl
