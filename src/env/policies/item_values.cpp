#include "env/policies/item_values.h"

#include <Eigen/Core>
#include <algorithm>
#include <numeric>

#include "core/seeding.h"
#include "env/synthetic_env.h"

namespace shoprl {

ItemValues::ItemValues(const SyntheticWorld& world, const EnvConfig& env, double noise,
                       std::uint64_t seed)
    : world_(world),
      click_reward_(env.click_reward),
      purchase_reward_(env.purchase_reward),
      popularity_logit_(world.popularity_logit().begin(), world.popularity_logit().end()),
      log_price_ratio_(world.log_price_ratio().begin(), world.log_price_ratio().end()) {
  if (noise <= 0) return;
  noisy_factors_ = world.item_factors();
  RandomStream rng(derive_seed(seed, 0x6E6F697365ULL));
  // Per-component sd noise / sqrt(d): the error vector's norm is about `noise`.
  const double scale = noise / std::sqrt(static_cast<double>(world.dim()));
  for (float& x : noisy_factors_) x = static_cast<float>(x + scale * rng.normal());
}

const float* ItemValues::item_factor(std::int64_t item) const {
  const float* factors =
      noisy_factors_.empty() ? world_.item_factors().data() : noisy_factors_.data();
  return factors + item * world_.dim();
}

void ItemValues::compute(const float* interest, double price_sensitivity, float* out,
                         float* affinity) const {
  using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const std::int64_t items = world_.num_items();
  const int dim = world_.dim();
  const float* factors =
      noisy_factors_.empty() ? world_.item_factors().data() : noisy_factors_.data();
  Eigen::Map<const RowMatrix> v(factors, items, dim);
  Eigen::Map<const Eigen::VectorXf> u(interest, dim);
  Eigen::Map<Eigen::VectorXf> a(affinity, items);
  a.noalias() = v * u;

  const WorldConfig& w = world_.config();
  Eigen::Map<const Eigen::ArrayXf> popularity(popularity_logit_.data(), items);
  Eigen::Map<const Eigen::ArrayXf> log_price(log_price_ratio_.data(), items);
  Eigen::Map<Eigen::ArrayXf> value(out, items);
  const auto threshold = static_cast<float>(world_.choice().no_click_utility);
  const Eigen::ArrayXf click_logit =
      static_cast<float>(w.affinity_scale) * a.array() + popularity - threshold;
  const Eigen::ArrayXf buy_logit = static_cast<float>(w.purchase_bias) +
                                   static_cast<float>(w.purchase_affinity) * a.array() -
                                   static_cast<float>(price_sensitivity) * log_price;
  const Eigen::ArrayXf click = 1.0f / (1.0f + (-click_logit).exp());
  const Eigen::ArrayXf buy = 1.0f / (1.0f + (-buy_logit).exp());
  value = click * (static_cast<float>(click_reward_) + static_cast<float>(purchase_reward_) * buy);
}

void ItemValues::compute(const SyntheticEnv& env, std::size_t i, ItemValueBuffers& buffers) const {
  compute(env.interest(i), env.price_sensitivity(i), buffers.value.data(), buffers.affinity.data());
}

void top_k(const float* values, std::int64_t items, int k, std::int32_t* out,
           std::vector<std::int32_t>& scratch) {
  scratch.resize(items);
  std::iota(scratch.begin(), scratch.end(), 0);
  auto better = [values](std::int32_t a, std::int32_t b) {
    return values[a] > values[b] || (values[a] == values[b] && a < b);
  };
  std::nth_element(scratch.begin(), scratch.begin() + (k - 1), scratch.end(), better);
  std::sort(scratch.begin(), scratch.begin() + k, better);
  std::copy_n(scratch.begin(), k, out);
}

}  // namespace shoprl
