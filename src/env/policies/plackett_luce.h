// Plackett–Luce slates (Plackett 1975; Luce 1959): items are drawn one slot at a time without
// replacement, each with probability proportional to its weight among the items left,
//   P(slate) = prod_k w_{s_k} / (W - sum_{j<k} w_{s_j}).
// Whole-slate and prefix probabilities are exact. The marginal of an item at slot k > 0 sums
// over all prefixes, which no catalogue of thousands allows; it is estimated by
// Rao–Blackwellised Monte Carlo over sampled prefixes,
//   P(i at k) = E_prefix[ 1{i not in prefix} w_i / (W - w(prefix)) ],
// which is unbiased and, because each term is already a probability, of low variance. The
// term of the shown slate's own prefix is exact (it is P(slots 0..k = slate[0..k])), so it is
// added as such and left out of the sampled terms: still unbiased, and never below the shown
// prefix's probability, so a shown item never gets propensity 0 (which IPS would divide by).
#pragma once

#include <cstdint>
#include <vector>

#include "env/random_stream.h"

namespace shoprl {

class PlackettLuceSampler {
 public:
  // Weights exp((logit - max) / temperature).
  void set_logits(const double* logits, std::int64_t items, double temperature);
  void set_logits(const float* logits, std::int64_t items, double temperature);

  std::int64_t items() const { return static_cast<std::int64_t>(weight_.size()); }
  double weight(std::int32_t item) const { return weight_[item]; }
  double total() const { return total_; }

  // Draws `slots` distinct items in slot order.
  void sample(int slots, RandomStream& rng, std::int32_t* out) const;
  // prefix[k] = P(slots 0..k hold slate[0..k]); returns the whole-slate probability.
  double prefix_probabilities(const std::int32_t* slate, int slots, double* prefix) const;
  // marginal[k] = P(slate[k] in slot k): exact for k = 0, else from `samples` prefixes;
  // in [P(slots 0..k hold slate[0..k]), 1].
  void marginals(const std::int32_t* slate, int slots, int samples, RandomStream& rng,
                 double* marginal) const;

 private:
  template <typename T>
  void assign_logits(const T* logits, std::int64_t items, double temperature);
  // An item drawn from those not in chosen[0..count); `sorted` holds the same items in index
  // order and `removed` their total weight.
  std::int32_t draw_excluding(RandomStream& rng, const std::int32_t* chosen,
                              const std::int32_t* sorted, int count, double removed) const;

  std::vector<double> weight_;
  std::vector<double> cumulative_;  // inclusive prefix sums of weight_
  double total_ = 0;
};

}  // namespace shoprl
