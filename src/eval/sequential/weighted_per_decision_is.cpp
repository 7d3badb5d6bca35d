// Weighted per-decision importance sampling (Precup et al. 2000; Thomas 2015):
// each step's weights are normalised over the sessions,
//   WPDIS = sum_t gamma^t (sum_s w^s_{0:t} R^s_t) / D_t,   D_t = sum_s w^s_{0:t}.
// Sessions of unequal length: one that ended before t keeps its final cumulative weight in D_t
// and adds reward 0 (the absorbing-state padding of Thomas 2015 and Thomas & Brunskill 2016;
// step_weight_sums in session_steps.h). A step where every weight is 0 adds 0 (0/0 := 0).
//
// Not a mean of per-session terms, so the terms carry `value` and an exact `resampled_value`;
// `contribution` holds each session's share n sum_t gamma^t w^s_{0:t} R^s_t / D_t (their mean
// is the estimate) so that units() counts sessions.
#include "eval/sequential/sequential_estimators.h"
#include "eval/sequential/session_steps.h"

namespace shoprl {
namespace {

// The estimate with session s counted count[s] times; also each session's share when asked.
double weighted_pdis(const SessionSteps& steps, double gamma, const std::vector<double>& count,
                     std::vector<double>* share) {
  const std::vector<double> normaliser = step_weight_sums(steps, count);
  const double units = static_cast<double>(steps.sessions());
  double value = 0.0;
  for (std::size_t s = 0; s < steps.sessions(); ++s) {
    double session_value = 0.0;
    if (count[s] != 0.0) {
      double discount = 1.0;
      for (std::size_t t = 0; t < steps.length(s); ++t) {
        const std::size_t k = steps.step_offset[s] + t;
        if (normaliser[t] > 0.0) {
          session_value += discount * steps.cumulative_weight[k] * steps.reward[k] / normaliser[t];
        }
        discount *= gamma;
      }
    }
    value += count[s] * session_value;
    if (share != nullptr) share->push_back(units * session_value);
  }
  return value;
}

}  // namespace

EstimatorTerms wpdis_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  return resampled_session_terms(rounds, config, /*needs_reward_model=*/false, &weighted_pdis);
}

}  // namespace shoprl
