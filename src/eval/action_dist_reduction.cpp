#include "eval/action_dist_reduction.h"

#include <cmath>

namespace shoprl {

namespace {

// Slot sums and dot products over actions, stride len_list. The common len_list = 1 case is
// a contiguous loop the compiler vectorises; four accumulators keep it from being bound by the
// latency of one running sum.
struct SlotSums {
  double probability = 0;
  double expected_reward = 0;
};

template <bool kWithReward>
SlotSums slot_sums(const double* dist, const double* q, std::size_t n_actions, std::size_t stride) {
  double p[4] = {0, 0, 0, 0}, e[4] = {0, 0, 0, 0};
  std::size_t a = 0;
  for (; a + 4 <= n_actions; a += 4) {
    for (int j = 0; j < 4; ++j) {
      const double d = dist[(a + j) * stride];
      p[j] += d;
      if constexpr (kWithReward) e[j] += d * q[(a + j) * stride];
    }
  }
  for (; a < n_actions; ++a) {
    p[0] += dist[a * stride];
    if constexpr (kWithReward) e[0] += dist[a * stride] * q[a * stride];
  }
  return {(p[0] + p[1]) + (p[2] + p[3]), (e[0] + e[1]) + (e[2] + e[3])};
}

// Locates the first entry of a row that is not finite or is negative (the fast path only
// learns that one exists: a sum that is NaN, or a minimum below 0).
ActionDistProblem find_bad_entry(const double* values, std::size_t row, std::size_t n_actions,
                                 std::size_t len_list, bool is_reward) {
  for (std::size_t a = 0; a < n_actions; ++a) {
    for (std::size_t k = 0; k < len_list; ++k) {
      const double v = values[a * len_list + k];
      if (!std::isfinite(v)) {
        return {is_reward ? ActionDistProblem::Kind::kRewardNotFinite
                          : ActionDistProblem::Kind::kNotFinite,
                row, a, k, v};
      }
      if (!is_reward && v < 0) return {ActionDistProblem::Kind::kNegative, row, a, k, v};
    }
  }
  return {};
}

bool has_negative(const double* values, std::size_t count) {
  bool negative = false;
  for (std::size_t i = 0; i < count; ++i) negative |= values[i] < 0;
  return negative;
}

template <bool kWithReward>
ActionDistProblem reduce(const ActionDistBlock& block, double* target_pscore, double* q_logged,
                         double* q_target, double* target_inclusion) {
  const std::size_t row_size = block.n_actions * block.len_list;
  const std::size_t stride = block.len_list;
  for (std::size_t i = 0; i < block.rows; ++i) {
    const double* dist = block.action_dist + i * row_size;
    const double* q = kWithReward ? block.reward_model + i * row_size : nullptr;
    // Every slot of the row is checked, not only the logged one: a distribution that is wrong
    // in another slot is a wrong input, whichever rows the estimators happen to read.
    for (std::size_t k = 0; k < block.len_list; ++k) {
      const SlotSums sums =
          slot_sums<kWithReward>(dist + k, kWithReward ? q + k : nullptr, block.n_actions, stride);
      if (!std::isfinite(sums.probability) ||
          (kWithReward && !std::isfinite(sums.expected_reward))) {
        ActionDistProblem bad = find_bad_entry(dist, i, block.n_actions, block.len_list, false);
        if (bad.kind == ActionDistProblem::Kind::kNone && kWithReward) {
          bad = find_bad_entry(q, i, block.n_actions, block.len_list, true);
        }
        if (bad.kind != ActionDistProblem::Kind::kNone) return bad;
      }
      if (std::abs(sums.probability - 1) > kSlotSumTolerance) {
        ActionDistProblem bad = find_bad_entry(dist, i, block.n_actions, block.len_list, false);
        if (bad.kind != ActionDistProblem::Kind::kNone) return bad;
        return {ActionDistProblem::Kind::kSlotSum, i, 0, k, sums.probability};
      }
      if (k == static_cast<std::size_t>(block.position[i]) && kWithReward) {
        q_target[i] = sums.expected_reward;
      }
    }
    // Negative entries can hide in a slot that still sums to 1.
    if (has_negative(dist, row_size)) {
      return find_bad_entry(dist, i, block.n_actions, block.len_list, false);
    }
    const std::size_t logged = static_cast<std::size_t>(block.action[i]) * stride +
                               static_cast<std::size_t>(block.position[i]);
    target_pscore[i] = dist[logged];
    if constexpr (kWithReward) q_logged[i] = q[logged];
    if (target_inclusion != nullptr) {
      const double* item = dist + static_cast<std::size_t>(block.action[i]) * stride;
      double inclusion = 0;
      for (std::size_t k = 0; k < block.len_list; ++k) inclusion += item[k];
      target_inclusion[i] = inclusion;
    }
  }
  return {};
}

}  // namespace

ActionDistProblem reduce_action_dist(const ActionDistBlock& block, double* target_pscore,
                                     double* q_logged, double* q_target, double* target_inclusion) {
  if (block.reward_model != nullptr) {
    return reduce<true>(block, target_pscore, q_logged, q_target, target_inclusion);
  }
  return reduce<false>(block, target_pscore, q_logged, q_target, target_inclusion);
}

}  // namespace shoprl
