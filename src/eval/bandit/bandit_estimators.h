// The bandit off-policy estimators (issue 4): one function per estimator, each turning logged
// rounds into per-round terms for the shared aggregation (estimate.h). A unit is one row (one
// shown item in one slot, Open Bandit Pipeline's round); w_i = target_pscore_i / pscore_i.
#pragma once

#include <cstddef>

#include "eval/estimator_terms.h"
#include "eval/logged_rounds.h"
#include "eval/ope_config.h"

namespace shoprl {

// Direct method (Dudik et al. 2011, eq. 1): the reward model's value of the target policy.
EstimatorTerms dm_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Inverse propensity weighting, clipped at config.ipw_clip when it is positive.
EstimatorTerms ipw_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Self-normalised IPW (Swaminathan & Joachims 2015).
EstimatorTerms snipw_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Doubly robust (Dudik et al. 2011), clipped like IPW.
EstimatorTerms dr_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Self-normalised doubly robust (Kallus & Uehara 2019; OBP's SelfNormalizedDoublyRobust).
EstimatorTerms sndr_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Switch doubly robust (Wang et al. 2017), in Open Bandit Pipeline's form.
EstimatorTerms switch_dr_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Doubly robust with optimistic shrinkage (Su et al. 2020).
EstimatorTerms dr_os_terms(const LoggedRounds& rounds, const OpeConfig& config);

namespace bandit_detail {

// The reason the model-based estimators give when there is no reward model.
inline constexpr const char* kNeedsRewardModel =
    "needs a reward model: set reward_model.kind or give estimated_rewards_by_reg_model";

// Whether row i's model predictions lie in the reward range (checked in the estimators' one
// pass over the rows, so that the DR family can claim an a-priori range for its terms).
inline bool model_in_reward_range(const LoggedRounds& rounds, std::size_t i) {
  return rounds.q_logged[i] >= rounds.reward_min && rounds.q_logged[i] <= rounds.reward_max &&
         rounds.q_target[i] >= rounds.reward_min && rounds.q_target[i] <= rounds.reward_max;
}

// Range of one term q_target + w (r - q_logged) with 0 <= w <= max_weight: valid when the
// rewards and every model prediction lie in [reward_min, reward_max] (model_in_range); NaN
// bounds otherwise (then nothing bounds the term a priori). Shared by the DR family.
void set_dr_contribution_range(const LoggedRounds& rounds, double max_weight, bool model_in_range,
                               EstimatorTerms& terms);

// The loop the DR family shares: term i = q_target_i + u_i (r_i - q_logged_i), where
// u_i = weight_rule(w_i, changed) is the estimator's weight (clipped, switched or shrunk) and
// `changed` says whether the rule altered w_i (counted in terms.clipped). Returns the largest
// weight used; model_in_range receives whether every prediction lay in the reward range.
// Declines (and returns 0) without a reward model.
template <class WeightRule>
double fill_dr_family_terms(const LoggedRounds& rounds, WeightRule weight_rule,
                            EstimatorTerms& terms, bool& model_in_range) {
  model_in_range = true;
  if (!rounds.has_reward_model()) {
    terms.declined = kNeedsRewardModel;
    return 0.0;
  }
  const std::size_t n = rounds.size();
  terms.contribution.resize(n);
  terms.weights.resize(n);
  double max_used = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    model_in_range = model_in_range && model_in_reward_range(rounds, i);
    bool changed = false;
    const double used = weight_rule(rounds.target_pscore[i] / rounds.pscore[i], changed);
    if (changed) ++terms.clipped;
    terms.weights[i] = used;
    terms.contribution[i] = rounds.q_target[i] + used * (rounds.reward[i] - rounds.q_logged[i]);
    max_used = used > max_used ? used : max_used;
  }
  return max_used;
}

}  // namespace bandit_detail

}  // namespace shoprl
