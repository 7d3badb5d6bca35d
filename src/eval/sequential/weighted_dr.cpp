// Weighted doubly robust (Thomas & Brunskill 2016, WDR): sequential DR (sequential_dr.cpp) with
// each step's weights normalised over the sessions,
//   WDR = sum_s sum_t gamma^t [ v^s_t (R^s_t - Qhat^s_t) + v^s_{t-1} Vhat^s_t ],
//   v^s_t = w^s_{0:t} / D_t,  D_t = sum_s' w^s'_{0:t},  v^s_{-1} = 1/n.
// Unequal lengths as in WPDIS: an ended session keeps its final weight in D_t and adds nothing
// (step_weight_sums). Qhat, Vhat are immediate-reward models (see sequential_dr.cpp). A step
// whose weights are all 0 adds 0.
//
// Not a mean of per-session terms: `value` and an exact `resampled_value`, with `contribution`
// holding each session's share n sum_t gamma^t [...] (their mean is the estimate).
#include "eval/sequential/sequential_estimators.h"
#include "eval/sequential/session_steps.h"

namespace shoprl {
namespace {

double weighted_dr(const SessionSteps& steps, double gamma, const std::vector<double>& count,
                   std::vector<double>* share) {
  const std::vector<double> normaliser = step_weight_sums(steps, count);
  double drawn = 0.0;  // D_{-1}: each session's w_{0:-1} = 1, counted count[s] times
  for (const double c : count) drawn += c;
  const double units = static_cast<double>(steps.sessions());
  double value = 0.0;
  for (std::size_t s = 0; s < steps.sessions(); ++s) {
    double session_value = 0.0;
    if (count[s] != 0.0) {
      double discount = 1.0;
      double previous = 1.0 / drawn;  // v_{t-1}
      for (std::size_t t = 0; t < steps.length(s); ++t) {
        const std::size_t k = steps.step_offset[s] + t;
        const double current =
            normaliser[t] > 0.0 ? steps.cumulative_weight[k] / normaliser[t] : 0.0;
        session_value += discount * (current * (steps.reward[k] - steps.q_logged[k]) +
                                     previous * steps.q_target[k]);
        previous = current;
        discount *= gamma;
      }
    }
    value += count[s] * session_value;
    if (share != nullptr) share->push_back(units * session_value);
  }
  return value;
}

}  // namespace

EstimatorTerms wdr_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  return resampled_session_terms(rounds, config, /*needs_reward_model=*/true, &weighted_dr);
}

}  // namespace shoprl
