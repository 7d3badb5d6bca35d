// The slate off-policy estimators (issue 4): one function per estimator, each turning logged
// rounds into per-slate terms for the shared aggregation (estimate.h). A unit is one slate (the
// contiguous rows sharing a slate_id); its reward is the sum of its rows' rewards, so every
// estimate is of the expected slate reward sum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "eval/estimator_terms.h"
#include "eval/logged_rounds.h"
#include "eval/ope_config.h"

namespace shoprl {

// Standard slate IPS (Swaminathan et al. 2017, eq. 2; OBP's SlateStandardIPS): the whole
// slate's joint weight pi(s) / mu(s).
EstimatorTerms sips_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Self-normalised SIPS: sum_s w_s R_s / sum_s w_s with SIPS's weights.
EstimatorTerms snsips_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Independent IPS (Li et al. 2018): each slot's reward weighted by its own slot marginals.
EstimatorTerms iips_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Reward-interaction IPS (McInerney et al. 2020): each slot's reward weighted by the slate's
// prefix down to that slot.
EstimatorTerms rips_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Pseudoinverse estimator (Swaminathan et al. 2017, eq. 5) for a logging policy drawing
// K-slates uniformly without replacement from uniform_logging_items items.
EstimatorTerms pi_terms(const LoggedRounds& rounds, const OpeConfig& config);

// The pseudoinverse weight q_pi^T Gamma^+ 1_s of a K-slate s (K = slots) when the logging
// policy draws K-slates uniformly without replacement from m = items items (1 <= K <= m):
//   K < m:  1 + (m - 1) [ A + (C - K) / (m - K) ]
//   K = m:  1 + (m - 1) (A - 1)
// where A = sum_k pi_k(s_k) (the target's slot marginals of the logged items in their slots)
// and C = sum_k sum_k' pi_k'(s_k) (how often, in expectation, the target shows the logged
// items in any slot). Derivation in pseudoinverse.cpp.
double pseudoinverse_uniform_weight(double sum_slot_marginals, double sum_item_inclusion,
                                    std::size_t slots, std::int64_t items);

namespace slate_detail {

// The reason a slate estimator declines when the input has no slates ("" when it has).
std::string missing_slates(const LoggedRounds& rounds);
// Sets the a-priori range of a slate term sum_k r_k v_k, where each slate has at most
// max_slots rows, r_k lies in the reward range and v_k in [weight_min, weight_max].
void set_weighted_reward_range(const LoggedRounds& rounds, std::size_t max_slots, double weight_min,
                               double weight_max, EstimatorTerms& terms);
// Terms sum_k r_k target_k / logging_k per slate, the shape IIPS (slot marginals) and RIPS
// (prefix probabilities) share. The diagnostic weight of a slate is the mean of its slots'
// weights (each has expectation 1 under the logging policy, so the mean does too); the range
// uses the largest weight observed, so it is data-dependent.
void fill_per_slot_weighted_terms(const LoggedRounds& rounds, const std::vector<double>& target,
                                  const std::vector<double>& logging, EstimatorTerms& terms);

}  // namespace slate_detail

}  // namespace shoprl
