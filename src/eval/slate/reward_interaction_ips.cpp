// Reward-interaction IPS (McInerney, Brost, Chandar, Mehrotra & Carterette 2020,
// "Counterfactual evaluation of slate recommendations with sequential reward interactions",
// the cascade estimator; OBP's SlateRewardInteractionIPS, without self-normalisation):
//   V_RIPS = (1/n) sum_slates sum_k r_k pi(s_0..s_k) / mu(s_0..s_k).
// Unbiased when slot k's reward depends only on the items down to slot k (a cascade).
#include <algorithm>
#include <cstddef>

#include "eval/slate/slate_estimators.h"

namespace shoprl {

EstimatorTerms rips_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  const std::size_t n = rounds.size();
  for (const std::string& reason :
       {slate_detail::missing_slates(rounds),
        missing_column(rounds.prefix_pscore, n, "prefix_pscore"),
        missing_column(rounds.prefix_target_pscore, n, "prefix_target_pscore")}) {
    if (!reason.empty()) {
      terms.declined = reason;
      return terms;
    }
  }
  slate_detail::fill_per_slot_weighted_terms(rounds, rounds.prefix_target_pscore,
                                             rounds.prefix_pscore, terms);
  return terms;
}

}  // namespace shoprl
