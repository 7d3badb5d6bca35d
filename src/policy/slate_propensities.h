// What a policy that builds slates from item scores by a slate rule (slate_rule.h) would log:
// for one row of scores, the probability of each shown item at its slot (the marginal), of
// each prefix of the slate, of the whole slate, and the per-slot action distribution
// pi(item | slot) that off-policy evaluation needs (action_dist in OBP's terms).
//   top_k:          deterministic: probabilities are 0 or 1.
//   epsilon_greedy: P(i at k) = (1 - eps) 1{i = g_k} + eps / I,
//                   P(prefix 0..k) = (1 - eps) 1{prefix = g_0..g_k} + eps / (I (I-1) ... (I-k)),
//                   with g the top-k slate (a uniform slate with probability eps).
//   boltzmann:      Plackett-Luce over softmax(score / T): prefixes and slot 0 exact, later
//                   slots' marginals by Rao-Blackwellised sampling of prefixes
//                   (env/policies/plackett_luce.h).
// Ties between scores are broken towards the lower item index, the same everywhere here.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "env/policies/plackett_luce.h"
#include "env/random_stream.h"
#include "policy/slate_rule.h"

namespace shoprl {

// The longest slate the row-level code handles (the environment's click masks are 32 bits).
inline constexpr int kMaxSlateSlots = 32;

// ConfigError naming the rule for an unknown rule name, a slate size outside
// [1, min(items, kMaxSlateSlots)], or marginal_samples < 1.
void validate_slate_rule(const SlateRuleConfig& rule, std::int64_t items, int slots,
                         int marginal_samples);

// Error naming `policy` when scores hold NaN or +inf (no probability can be made of them);
// -inf is allowed (an item the policy never shows), as long as each row keeps at least a
// slate's worth of finite scores.
void check_scores(const torch::Tensor& scores, const std::string& policy);

// The slate rule applied to one row of scores. Cheap to re-point at another row (buffers are
// reused), so keep one per thread.
class ScoredSlateRule {
 public:
  ScoredSlateRule(const SlateRuleConfig& rule, int slots, int marginal_samples);

  // Points at `scores` (I entries; read, not kept: the row is copied where needed).
  void set_scores(const float* scores, std::int64_t items);

  int slots() const { return slots_; }
  std::int64_t items() const { return items_; }
  // top_k and epsilon_greedy: the greedy slate (slots items).
  const std::int32_t* greedy() const { return greedy_.data(); }

  // Draws a slate (slots distinct items, slot order) from rng.
  void sample(RandomStream& rng, std::int32_t* slate) const;
  // prefix[k] = P(slots 0..k hold slate[0..k]) for k < length (prefix may be null); returns
  // P(the first `length` slots hold slate[0..length)).
  double prefix_probabilities(const std::int32_t* slate, int length, double* prefix) const;
  // marginal[k] = P(slate[k] at slot k), k < length; exact but for boltzmann slots > 0, which
  // are sampled (unbiased, never below the shown prefix's own probability).
  void marginals(const std::int32_t* slate, int length, RandomStream& rng, double* marginal) const;
  // out[j * slots + k] = P(items[j] at slot k) for every slot k < slots: the inclusion
  // probabilities of a few given items (the pseudoinverse estimator sums them over k).
  void item_slot_marginals(const std::int32_t* items, int count, RandomStream& rng,
                           double* out) const;
  // sum_i pi(i | slot) values[i]: the expectation of `values` (I entries) under the slot's
  // action distribution (the direct method's q_target).
  double slot_expectation(const double* values, int slot, RandomStream& rng) const;
  // out[k * I + i] = pi(i | slot k) for every slot and item (each row sums to 1).
  void slot_distributions(RandomStream& rng, double* out) const;

 private:
  bool is_greedy_prefix(const std::int32_t* slate, int length) const;

  SlateRuleConfig rule_;
  int slots_;
  int samples_;
  std::int64_t items_ = 0;
  std::vector<std::int32_t> greedy_;
  std::vector<std::int32_t> order_;  // scratch of the top-k selection
  PlackettLuceSampler sampler_;      // boltzmann
};

// Probabilities of given slates under the rule, for a batch.
struct SlatePropensities {
  torch::Tensor marginal;  // [B, K] float64: P(slates[b, k] at slot k)
  torch::Tensor prefix;    // [B, K] float64: P(slots 0..k hold slates[b, 0..k])
  torch::Tensor slate;     // [B] float64: P(the whole slate) = prefix[:, K - 1]
};

// scores [B, I] (any device, any floating type), slates [B, K] int64 of distinct items. Row b
// samples from RandomStream(derive_seed(seed, b)) (boltzmann marginals only). Results on CPU.
SlatePropensities slate_propensities(const torch::Tensor& scores, const torch::Tensor& slates,
                                     const SlateRuleConfig& rule, int marginal_samples,
                                     std::uint64_t seed);

// pi(item | slot k, row b): [B, K, I] float64 on CPU, each [b, k, :] summing to 1. Exact for
// top_k, epsilon_greedy and boltzmann slot 0; later boltzmann slots are the mean of
// marginal_samples Rao-Blackwellised terms. [B, K, I] doubles: small catalogues only.
torch::Tensor slot_action_distribution(const torch::Tensor& scores, int slots,
                                       const SlateRuleConfig& rule, int marginal_samples,
                                       std::uint64_t seed);

}  // namespace shoprl
