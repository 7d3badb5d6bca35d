// Doubly robust with optimistic shrinkage (Su, Dimakopoulou, Krishnamurthy & Dudik 2020,
// "Doubly robust off-policy evaluation with shrinkage", eq. 8):
//   w_hat = lambda w / (w^2 + lambda),
//   V_DRos = (1/n) sum_i [ q(x_i, pi) + w_hat_i (r_i - q(x_i, a_i)) ].
// lambda = 0 gives the direct method; lambda -> infinity gives DR.
#include <cmath>
#include <cstddef>

#include "eval/bandit/bandit_estimators.h"

namespace shoprl {

EstimatorTerms dr_os_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  const double lambda = config.dr_os_lambda;
  bool model_in_range = true;
  bandit_detail::fill_dr_family_terms(
      rounds,
      [lambda](double w, bool& changed) {
        // lambda = 0 is the direct method; written out so that w = 0 does not give 0/0.
        const double shrunk = lambda > 0.0 ? lambda * w / (w * w + lambda) : 0.0;
        // "Clipped" counts the weights shrinkage more than halved: shrunk < w/2 exactly when
        // w^2 > lambda, i.e. w > sqrt(lambda), past the peak of w_hat (w_hat <= sqrt(lambda)/2).
        changed = shrunk < 0.5 * w;
        return shrunk;
      },
      terms, model_in_range);
  if (!terms.declined.empty()) return terms;
  // w_hat is at most sqrt(lambda)/2 (its maximum, at w = sqrt(lambda)): an a-priori bound.
  bandit_detail::set_dr_contribution_range(rounds, 0.5 * std::sqrt(lambda), model_in_range, terms);
  return terms;
}

}  // namespace shoprl
