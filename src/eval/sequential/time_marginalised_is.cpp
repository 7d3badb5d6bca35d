// Time-marginalised importance sampling: the marginalised importance sampling of Xie, Ma and
// Wang (2019) with the state abstracted to "alive at step t". Where PDIS weights the reward of
// step t by the product of every ratio before it, this estimator re-weights one step at a time
// and carries the policy's effect forward through one number, the share of sessions still
// there:
//   D_t = sum_{s alive at t} c_s rho_{s,t},
//   r_t = sum c_s rho_{s,t} R_{s,t} / D_t                (the step's reward under the policy)
//   q_t = sum c_s rho_{s,t} [session s goes on after t] / D_t  (its chance to go on)
//   S_0 = 1, S_{t+1} = S_t q_t,   TMIS = sum_t gamma^t S_t r_t.
// Its variance grows with the horizon like a per-step estimator's, not like a product's. Its
// assumption: at each step, the sessions the target policy keeps look like those the logging
// policy kept (the step index and survival carry all that the policy changes about the state).
// It sees a policy that keeps users longer through what its own slates earn and whether users
// stay after them, not one that changes who the survivors are (docs/ope.md). On-policy (every
// rho = 1) it is exactly the mean return.
//
// Not a mean of per-session terms: the bootstrap resamples sessions (resampled_value);
// `contribution` holds each session's share n sum_t gamma^t S_t rho_{s,t} R_{s,t} / D_t (their
// mean is the estimate), `weights` each session's mean step ratio (the estimator never
// multiplies them; their spread is its overlap diagnostic).
#include <vector>

#include "eval/sequential/sequential_estimators.h"
#include "eval/sequential/session_steps.h"

namespace shoprl {
namespace {

double time_marginalised_is(const SessionSteps& steps, double gamma,
                            const std::vector<double>& count, std::vector<double>* share) {
  const std::size_t longest = steps.longest();
  std::vector<double> mass(longest, 0.0), reward(longest, 0.0), going_on(longest, 0.0);
  for (std::size_t s = 0; s < steps.sessions(); ++s) {
    if (count[s] == 0.0) continue;
    const std::size_t length = steps.length(s);
    for (std::size_t t = 0; t < length; ++t) {
      const std::size_t k = steps.step_offset[s] + t;
      const double w = count[s] * steps.step_weight[k];
      mass[t] += w;
      reward[t] += w * steps.reward[k];
      if (t + 1 < length) going_on[t] += w;
    }
  }
  // scale[t] = gamma^t S_t / D_t: what one unit of weighted reward at step t is worth.
  std::vector<double> scale(longest, 0.0);
  double value = 0.0;
  double survival = 1.0;
  double discount = 1.0;
  for (std::size_t t = 0; t < longest && mass[t] > 0.0; ++t) {
    scale[t] = discount * survival / mass[t];
    value += scale[t] * reward[t];
    survival *= going_on[t] / mass[t];
    discount *= gamma;
  }
  if (share != nullptr) {
    const double units = static_cast<double>(steps.sessions());
    for (std::size_t s = 0; s < steps.sessions(); ++s) {
      double session_share = 0.0;
      for (std::size_t t = 0; t < steps.length(s); ++t) {
        const std::size_t k = steps.step_offset[s] + t;
        session_share += scale[t] * steps.step_weight[k] * steps.reward[k];
      }
      share->push_back(units * count[s] * session_share);
    }
  }
  return value;
}

// The session's weights diagnostic: its mean step ratio.
double mean_step_weight(const SessionSteps& steps, std::size_t s) {
  double sum = 0.0;
  for (std::size_t k = steps.step_offset[s]; k < steps.step_offset[s + 1]; ++k)
    sum += steps.step_weight[k];
  return sum / static_cast<double>(steps.length(s));
}

}  // namespace

EstimatorTerms tmis_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  return resampled_session_terms(rounds, config, /*needs_reward_model=*/false,
                                 &time_marginalised_is, &mean_step_weight);
}

}  // namespace shoprl
