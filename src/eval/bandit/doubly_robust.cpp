// Doubly robust (Dudik, Langford & Li 2011, eq. 3):
//   V_DR = (1/n) sum_i [ q(x_i, pi) + w_i (r_i - q(x_i, a_i)) ],
// with w_i clipped at ipw_clip when it is positive, as in IPW (OBP's DoublyRobust).
#include <algorithm>
#include <cstddef>
#include <limits>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

namespace bandit_detail {

void set_dr_contribution_range(const LoggedRounds& rounds, double max_weight, bool model_in_range,
                               EstimatorTerms& terms) {
  // q_target + w (r - q_logged) with q_target, r, q_logged in [a, b] and 0 <= w <= W lies in
  // [a - W (b - a), b + W (b - a)]. That holds only if the model predicts inside the reward
  // range, which the caller checked rather than assumed (a linear model need not).
  if (!model_in_range) {
    terms.contribution_min = std::numeric_limits<double>::quiet_NaN();
    terms.contribution_max = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const double a = rounds.reward_min;
  const double b = rounds.reward_max;
  terms.contribution_min = a - max_weight * (b - a);
  terms.contribution_max = b + max_weight * (b - a);
}

}  // namespace bandit_detail

EstimatorTerms dr_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  const bool clipping = config.ipw_clip > 0.0;
  bool model_in_range = true;
  const double max_weight = bandit_detail::fill_dr_family_terms(
      rounds,
      [&](double w, bool& changed) {
        changed = clipping && w > config.ipw_clip;
        return changed ? config.ipw_clip : w;
      },
      terms, model_in_range);
  if (!terms.declined.empty()) return terms;
  // Unclipped, the largest observed weight stands in for the bound (data-dependent, as in IPW).
  bandit_detail::set_dr_contribution_range(rounds, clipping ? config.ipw_clip : max_weight,
                                           model_in_range, terms);
  return terms;
}

}  // namespace shoprl
