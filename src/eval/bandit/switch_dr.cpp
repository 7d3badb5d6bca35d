// Switch doubly robust (Wang, Agarwal & Dudik 2017, eq. 6), in Open Bandit Pipeline's form
// (SwitchDoublyRobust): DR's correction only where the weight is at most lambda,
//   V_SwitchDR = (1/n) sum_i [ q(x_i, pi) + 1{w_i <= lambda} w_i (r_i - q(x_i, a_i)) ].
// (The paper switches to the model on the actions with large weight, which for the logged
// action is the same indicator; OBP keeps the DM term on every round, as here.)
#include <cstddef>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms switch_dr_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  const double lambda = config.switch_lambda;
  bool model_in_range = true;
  // The weight used is 0 where the estimator switched to the model (reported as such).
  bandit_detail::fill_dr_family_terms(
      rounds,
      [lambda](double w, bool& changed) {
        changed = w > lambda;
        return changed ? 0.0 : w;
      },
      terms, model_in_range);
  if (!terms.declined.empty()) return terms;
  // lambda bounds every weight used, a priori.
  bandit_detail::set_dr_contribution_range(rounds, lambda, model_in_range, terms);
  return terms;
}

}  // namespace shoprl
