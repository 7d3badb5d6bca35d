// Independent IPS (Li, Abbasi-Yadkori, Kveton, Muthukrishnan, Vinay & Wen 2018, "Offline
// evaluation of ranking policies with click models", the item-position estimator; OBP's
// SlateIndependentIPS):
//   V_IIPS = (1/n) sum_slates sum_k r_k pi_k(s_k) / mu_k(s_k),
// with the slot marginals of each row. Unbiased when each slot's reward depends on its own
// item only.
#include <algorithm>
#include <cstddef>

#include "eval/slate/slate_estimators.h"

namespace shoprl {

EstimatorTerms iips_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  terms.declined = slate_detail::missing_slates(rounds);
  if (!terms.declined.empty()) return terms;
  slate_detail::fill_per_slot_weighted_terms(rounds, rounds.target_pscore, rounds.pscore, terms);
  return terms;
}

}  // namespace shoprl
