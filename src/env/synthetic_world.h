// The synthetic ground-truth shopping world: a catalogue and a user population with latent
// factors, popularity and prices, and the true response functions (choice, purchase). It is
// built once from (WorldConfig, seed) and never changes: the environment steps users through
// it, and anything that needs the truth (expected rewards, the oracle, policy values) asks it.
#pragma once

#include <cstdint>
#include <vector>

#include "env/alias_table.h"
#include "env/choice_model.h"
#include "env/world_config.h"

namespace shoprl {

class SyntheticWorld {
 public:
  SyntheticWorld(const WorldConfig& config, int slate_size, std::uint64_t seed);

  const WorldConfig& config() const { return config_; }
  const ChoiceParams& choice() const { return choice_; }
  std::int64_t num_items() const { return num_items_; }
  std::int64_t num_users() const { return num_users_; }
  int dim() const { return dim_; }

  // Row-major [I, d] and [U, d].
  const std::vector<float>& item_factors() const { return item_factors_; }
  const std::vector<float>& user_factors() const { return user_factors_; }
  const float* item_factor(std::int32_t item) const { return &item_factors_[item * dim_]; }
  const float* user_factor(std::int32_t user) const { return &user_factors_[user * dim_]; }
  const std::vector<double>& popularity_logit() const { return popularity_logit_; }
  const std::vector<double>& price() const { return price_; }
  const std::vector<double>& log_price_ratio() const { return log_price_ratio_; }
  const std::vector<std::int32_t>& item_topic() const { return item_topic_; }
  double user_price_sensitivity(std::int32_t user) const { return price_sensitivity_[user]; }

  // <interest, item factor>.
  double affinity(const float* interest, std::int32_t item) const {
    const float* v = item_factor(item);
    float sum = 0;
    for (int j = 0; j < dim_; ++j) sum += interest[j] * v[j];
    return sum;
  }
  // affinity(interest, items[c]) for c < count, bit for bit: every sum runs over j in the same
  // order, but the sums of up to eight items advance together, so that their add chains
  // overlap instead of each waiting on its own (the step's hot loop: slate and organic items).
  void affinities(const float* interest, const std::int32_t* items, int count, double* out) const {
    int c = 0;
    for (; c + 8 <= count; c += 8) affinity_block<8>(interest, items + c, out + c);
    if (c + 4 <= count) affinity_block<4>(interest, items + c, out + c), c += 4;
    if (c + 2 <= count) affinity_block<2>(interest, items + c, out + c), c += 2;
    if (c < count) out[c] = affinity(interest, items[c]);
  }
  // The choice utility of an item for a user with this interest.
  double utility(const float* interest, std::int32_t item) const {
    return utility_from_affinity(affinity(interest, item), item);
  }
  // The same from an affinity already computed.
  double utility_from_affinity(double affinity, std::int32_t item) const {
    return config_.affinity_scale * affinity + popularity_logit_[item];
  }
  // P(purchase | click on item).
  double purchase_probability(const float* interest, double price_sensitivity,
                              std::int32_t item) const {
    return sigmoid(config_.purchase_bias + config_.purchase_affinity * affinity(interest, item) -
                   price_sensitivity * log_price_ratio_[item]);
  }
  // An item drawn with probability proportional to its popularity (organic browsing).
  std::int32_t draw_popular_item(RandomStream& rng) const { return popularity_table_.draw(rng); }

  // The true expected reward of showing `slate` (slots items) to a user in this state:
  // sum_k P(click k) * (click_reward + purchase_reward * P(purchase | click k)).
  // When `click_probability`/`purchase_probability` are given they receive the per-slot terms.
  double expected_reward(const float* interest, double price_sensitivity, const std::int32_t* slate,
                         int slots, double click_reward, double purchase_reward,
                         double* click_probability = nullptr,
                         double* purchase_probability = nullptr) const;

 private:
  template <int kCount>
  void affinity_block(const float* interest, const std::int32_t* items, double* out) const {
    const float* v[kCount];
    float sum[kCount];
    for (int c = 0; c < kCount; ++c) v[c] = item_factor(items[c]), sum[c] = 0;
    for (int j = 0; j < dim_; ++j)
      for (int c = 0; c < kCount; ++c) sum[c] += interest[j] * v[c][j];
    for (int c = 0; c < kCount; ++c) out[c] = sum[c];
  }

  WorldConfig config_;
  ChoiceParams choice_;
  std::int64_t num_items_;
  std::int64_t num_users_;
  int dim_;
  std::vector<float> item_factors_;
  std::vector<float> user_factors_;
  std::vector<std::int32_t> item_topic_;
  std::vector<std::int32_t> user_topic_;
  std::vector<double> popularity_logit_;
  std::vector<double> price_;
  std::vector<double> log_price_ratio_;  // ln(price / price_median)
  std::vector<double> price_sensitivity_;
  AliasTable popularity_table_;
};

}  // namespace shoprl
