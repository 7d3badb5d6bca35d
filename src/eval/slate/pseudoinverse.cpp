// Pseudoinverse estimator (Swaminathan, Krishnamurthy, Agarwal, Dudik, Langford, Jose & Zitouni
// 2017, "Off-policy evaluation for slate recommendation", eq. 5):
//   V_PI = (1/n) sum_slates [ q_pi^T Gamma^+ 1_s ] sum_k r_k,
// where 1_s in {0,1}^{K m} marks (slot k, item j) pairs of slate s, Gamma = E_mu[1_s 1_s^T]
// and q_pi = E_pi[1_s] holds the target's slot marginals pi_k(j). Unbiased when the slate
// reward is additive over (slot, item) pairs and q_pi lies in the range of Gamma.
//
// Closed form for mu uniform over ordered K-slates drawn WITHOUT replacement from m items.
// Entries of Gamma: P(s_k = j) = 1/m on the diagonal; 0 for (k,j),(k,j') (one item per slot)
// and for (k,j),(k',j) (no item twice); 1/(m(m-1)) for k != k', j != j'. So
//   Gamma = (1/m) I_K (x) I_m + 1/(m(m-1)) (J_K - I_K) (x) (J_m - I_m)    (J = all-ones)
// and with P = J/size, Q = I - P on each factor its eigenspaces are
//   P (x) P: K/m;   P (x) Q: (m-K)/(m(m-1));   Q (x) P: 0;   Q (x) Q: 1/(m-1).
// Q (x) P is null because every slot holds exactly one item; for K = m, P (x) Q is null too
// (every item is shown exactly once). Using that the rows of q_pi and of 1_s each sum to 1,
// with A = sum_k pi_k(s_k) and C = sum_{j in s} sum_k pi_k(j):
//   q^T (P(x)P) 1_s = K/m,  q^T (P(x)Q) 1_s = C/K - K/m,  q^T (Q(x)Q) 1_s = A - C/K,
// and inverting the non-zero eigenvalues gives
//   K < m:  w = 1 + (m-1) (A - C/K) + m(m-1)/(m-K) (C/K - K/m) = 1 + (m-1) [A + (C-K)/(m-K)]
//   K = m:  w = 1 + (m-1) (A - C/K) = 1 + (m-1) (A - 1)        (C = K: each row of q sums to 1)
// (K = 1 gives m pi(s_0), plain IPS; pi = mu gives 1.) So the weight needs C as well as A:
// the target's inclusion probability of each logged item, LoggedRounds::target_inclusion.
//
// With-versus-without replacement: a logger drawing slots independently (with replacement)
// would have 1/m^2 off the diagonal including at (k,j),(k',j), no Q (x) P null space, and
// weight sum_k m pi_k(s_k) - (K-1). Without replacement the (k,j),(k',j) entries vanish and the
// formula above results. For K < m the range of Gamma is every q whose slot rows have equal sums,
// so PI is unbiased for any target slot marginals (even a target that repeats items). For
// K = m it also needs every item's marginals to sum to 1 over slots (a target that never
// repeats an item); otherwise it estimates the projection of q_pi and is biased.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "eval/slate/slate_estimators.h"

namespace shoprl {

double pseudoinverse_uniform_weight(double sum_slot_marginals, double sum_item_inclusion,
                                    std::size_t slots, std::int64_t items) {
  const double m = static_cast<double>(items);
  const double k = static_cast<double>(slots);
  if (static_cast<std::int64_t>(slots) == items)
    return 1.0 + (m - 1.0) * (sum_slot_marginals - 1.0);
  return 1.0 + (m - 1.0) * (sum_slot_marginals + (sum_item_inclusion - k) / (m - k));
}

EstimatorTerms pi_terms(const LoggedRounds& rounds, const OpeConfig& /*config*/) {
  EstimatorTerms terms;
  terms.declined = slate_detail::missing_slates(rounds);
  if (!terms.declined.empty()) return terms;
  const std::int64_t m = rounds.uniform_logging_items;
  if (m <= 0) {
    terms.declined =
        "needs a logging policy that draws slates uniformly without replacement "
        "(uniform_logging_items); the input's logging policy is not known to be one";
    return terms;
  }
  const std::vector<std::size_t> offsets = group_offsets(rounds.slate_id, "slate_id");
  const std::size_t slates = offsets.size() - 1;
  // The logged slot marginals must be those of that logger (1/m); relative tolerance 1e-6
  // admits propensities stored as float32.
  for (std::size_t row = 0; row < rounds.size(); ++row) {
    if (std::abs(rounds.pscore[row] * static_cast<double>(m) - 1.0) > 1e-6) {
      terms.declined = fmt::format(
          "needs a uniform logging policy over {} items, but row {} has pscore {} (not 1/{})", m,
          row, rounds.pscore[row], m);
      return terms;
    }
  }
  std::size_t max_slots = 0;
  for (std::size_t s = 0; s < slates; ++s) {
    const std::size_t slots = offsets[s + 1] - offsets[s];
    if (static_cast<std::int64_t>(slots) > m) {
      terms.declined = fmt::format(
          "slate at row {} has {} slots, more than the {} items the logging policy draws from",
          offsets[s], slots, m);
      return terms;
    }
    max_slots = std::max(max_slots, slots);
  }
  // Only slates shorter than m need the inclusion sums (for K = m it is K by construction).
  bool needs_inclusion = false;
  for (std::size_t s = 0; s < slates && !needs_inclusion; ++s) {
    needs_inclusion = static_cast<std::int64_t>(offsets[s + 1] - offsets[s]) < m;
  }
  if (needs_inclusion) {
    terms.declined = missing_column(rounds.target_inclusion, rounds.size(), "target_inclusion");
    if (!terms.declined.empty()) return terms;
  }
  terms.contribution.resize(slates);
  terms.weights.resize(slates);
  double min_weight = std::numeric_limits<double>::infinity();
  double max_weight = -std::numeric_limits<double>::infinity();
  for (std::size_t s = 0; s < slates; ++s) {
    const std::size_t slots = offsets[s + 1] - offsets[s];
    double sum_slot_marginals = 0.0;
    double sum_item_inclusion = 0.0;
    double reward_sum = 0.0;
    for (std::size_t row = offsets[s]; row < offsets[s + 1]; ++row) {
      sum_slot_marginals += rounds.target_pscore[row];
      if (static_cast<std::int64_t>(slots) < m) sum_item_inclusion += rounds.target_inclusion[row];
      reward_sum += rounds.reward[row];
    }
    const double w = pseudoinverse_uniform_weight(sum_slot_marginals, sum_item_inclusion, slots, m);
    terms.weights[s] = w;
    terms.contribution[s] = w * reward_sum;
    min_weight = std::min(min_weight, w);
    max_weight = std::max(max_weight, w);
  }
  // PI weights can be negative; the observed extremes stand in for the bounds (data-dependent).
  if (slates > 0) {
    slate_detail::set_weighted_reward_range(rounds, max_slots, min_weight, max_weight, terms);
  }
  return terms;
}

}  // namespace shoprl
