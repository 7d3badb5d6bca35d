// The value of every item for one user: its expected reward if shown alone in the top slot,
// sigmoid(x - no_click_utility) * (click_reward + purchase_reward * P(purchase | click)),
// which is the top-slot click probability under all three choice models (b_0 = 0, e_0 = 1).
// With noise > 0 the values are those of a noisy oracle: a model of the world whose item
// factors carry a fixed Gaussian error, as a learned recommender's would.
#pragma once

#include <cstdint>
#include <vector>

#include "env/synthetic_world.h"

namespace shoprl {

class SyntheticEnv;

// The buffers compute() fills, one set per thread: the values and the affinities behind them.
struct ItemValueBuffers {
  explicit ItemValueBuffers(std::int64_t items) : value(items), affinity(items) {}
  std::vector<float> value;
  std::vector<float> affinity;
};

class ItemValues {
 public:
  ItemValues(const SyntheticWorld& world, const EnvConfig& env, double noise, std::uint64_t seed);

  // out[i] for every item; `affinity` is scratch of num_items floats. Single precision and
  // Eigen's vectorised exp: this is O(items) per user and step, the cost of every
  // world-aware policy.
  void compute(const float* interest, double price_sensitivity, float* out, float* affinity) const;
  // The values for user slot i of env in her current state, into buffers.value.
  void compute(const SyntheticEnv& env, std::size_t i, ItemValueBuffers& buffers) const;
  // The factor of `item` as this model believes it (the noisy one when noise > 0).
  const float* item_factor(std::int64_t item) const;

 private:
  const SyntheticWorld& world_;
  double click_reward_;
  double purchase_reward_;
  std::vector<float> noisy_factors_;  // empty: the true factors
  std::vector<float> popularity_logit_;
  std::vector<float> log_price_ratio_;
};

// The k items of largest value, best first; ties go to the smaller index.
void top_k(const float* values, std::int64_t items, int k, std::int32_t* out,
           std::vector<std::int32_t>& scratch);

}  // namespace shoprl
