#include "env/synthetic_world.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/seeding.h"

namespace shoprl {
namespace {

// Stream ids of the world's construction, so that changing one part (say, the number of
// users) leaves the others (the catalogue) as they were.
enum WorldStream : std::uint64_t {
  kTopicStream = 1,
  kItemStream = 2,
  kUserStream = 3,
  kPopularityStream = 4,
  kPriceStream = 5,
};

// A unit vector: topic + noise * gaussian / sqrt(d), normalised so that affinities lie in
// [-1, 1] whatever the dimension.
void draw_factor(const float* topic, double noise, int dim, RandomStream& rng, float* out) {
  double norm = 0;
  for (int j = 0; j < dim; ++j) {
    out[j] = static_cast<float>(topic[j] + noise * rng.normal() / std::sqrt(dim));
    norm += static_cast<double>(out[j]) * out[j];
  }
  const double inverse = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
  for (int j = 0; j < dim; ++j) out[j] = static_cast<float>(out[j] * inverse);
}

}  // namespace

SyntheticWorld::SyntheticWorld(const WorldConfig& config, int slate_size, std::uint64_t seed)
    : config_(config),
      choice_(config.choice, slate_size),
      num_items_(config.items),
      num_users_(config.users),
      dim_(config.factor_dim) {
  const int topics = config.topics;
  std::vector<float> topic_factors(static_cast<std::size_t>(topics) * dim_);
  RandomStream topic_rng(derive_seed(seed, kTopicStream));
  const std::vector<float> origin(dim_, 0.0f);
  for (int t = 0; t < topics; ++t)
    draw_factor(origin.data(), std::sqrt(dim_), dim_, topic_rng, &topic_factors[t * dim_]);

  item_factors_.resize(static_cast<std::size_t>(num_items_) * dim_);
  item_topic_.resize(num_items_);
  RandomStream item_rng(derive_seed(seed, kItemStream));
  for (std::int64_t i = 0; i < num_items_; ++i) {
    item_topic_[i] = static_cast<std::int32_t>(item_rng.index(topics));
    draw_factor(&topic_factors[item_topic_[i] * dim_], config.item_topic_noise, dim_, item_rng,
                &item_factors_[i * dim_]);
  }

  user_factors_.resize(static_cast<std::size_t>(num_users_) * dim_);
  user_topic_.resize(num_users_);
  price_sensitivity_.resize(num_users_);
  RandomStream user_rng(derive_seed(seed, kUserStream));
  for (std::int64_t u = 0; u < num_users_; ++u) {
    user_topic_[u] = static_cast<std::int32_t>(user_rng.index(topics));
    draw_factor(&topic_factors[user_topic_[u] * dim_], config.user_topic_noise, dim_, user_rng,
                &user_factors_[u * dim_]);
    price_sensitivity_[u] =
        config.price_sensitivity * std::exp(config.price_sensitivity_log_sd * user_rng.normal());
  }

  // Popularity: a random rank per item, logit -w ln(rank), centred to mean zero.
  std::vector<std::int64_t> rank(num_items_);
  std::iota(rank.begin(), rank.end(), 1);
  RandomStream popularity_rng(derive_seed(seed, kPopularityStream));
  for (std::int64_t i = num_items_ - 1; i > 0; --i)
    std::swap(rank[i], rank[popularity_rng.index(i + 1)]);
  popularity_logit_.resize(num_items_);
  for (std::int64_t i = 0; i < num_items_; ++i)
    popularity_logit_[i] = -config.popularity_weight * std::log(static_cast<double>(rank[i]));
  const double mean =
      std::accumulate(popularity_logit_.begin(), popularity_logit_.end(), 0.0) / num_items_;
  std::vector<double> popularity_weight(num_items_);
  for (std::int64_t i = 0; i < num_items_; ++i) {
    popularity_logit_[i] -= mean;
    popularity_weight[i] = std::exp(popularity_logit_[i]);
  }
  popularity_table_ = AliasTable(popularity_weight);

  price_.resize(num_items_);
  log_price_ratio_.resize(num_items_);
  RandomStream price_rng(derive_seed(seed, kPriceStream));
  for (std::int64_t i = 0; i < num_items_; ++i) {
    log_price_ratio_[i] = config.price_log_sd * price_rng.normal();
    // Cents, as shops price: the logged price is what the purchase model uses.
    price_[i] =
        std::max(0.01, std::round(config.price_median * std::exp(log_price_ratio_[i]) * 100) / 100);
    log_price_ratio_[i] = std::log(price_[i] / config.price_median);
  }
}

double SyntheticWorld::expected_reward(const float* interest, double price_sensitivity,
                                       const std::int32_t* slate, int slots, double click_reward,
                                       double purchase_reward, double* click_probability,
                                       double* purchase_probability) const {
  double utilities[kMaxSlateSize];
  double clicks[kMaxSlateSize];
  for (int k = 0; k < slots; ++k) utilities[k] = utility(interest, slate[k]);
  click_probabilities(choice_, utilities, slots, clicks);
  double value = 0;
  for (int k = 0; k < slots; ++k) {
    const double buy = this->purchase_probability(interest, price_sensitivity, slate[k]);
    value += clicks[k] * (click_reward + purchase_reward * buy);
    if (click_probability) click_probability[k] = clicks[k];
    if (purchase_probability) purchase_probability[k] = buy;
  }
  return value;
}

}  // namespace shoprl
