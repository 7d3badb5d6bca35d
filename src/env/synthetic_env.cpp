#include "env/synthetic_env.h"

#include <algorithm>
#include <cmath>

namespace shoprl {

SyntheticEnv::SyntheticEnv(const SyntheticWorld& world, const EnvConfig& config)
    : BatchEnv(config, world.num_items()), world_(world) {}

void SyntheticEnv::allocate(std::int64_t batch_size) {
  user_.assign(batch_size, 0);
  interest_.assign(static_cast<std::size_t>(batch_size) * world_.dim(), 0.0f);
  satisfaction_.assign(batch_size, 0.0);
}

double SyntheticEnv::expected_reward(std::size_t i, const std::int32_t* slate,
                                     double* click_probability,
                                     double* purchase_probability) const {
  return world_.expected_reward(interest(i), price_sensitivity(i), slate, slate_size(),
                                env_config().click_reward, env_config().purchase_reward,
                                click_probability, purchase_probability);
}

void SyntheticEnv::place_user(std::size_t i, std::int32_t user) {
  user_[i] = user;
  const float* factor = world_.user_factor(user);
  std::copy_n(factor, world_.dim(), &interest_[i * world_.dim()]);
  satisfaction_[i] = 0;
}

// Organic browsing (RecoGym's organic sessions, made cheap for big catalogues): the user
// looks at `organic_candidates` items drawn by popularity and clicks one of them with
// probability proportional to exp(affinity_scale * affinity).
std::int32_t SyntheticEnv::draw_organic_item(const float* interest, RandomStream& rng) const {
  const int candidates = world_.config().organic_candidates;
  std::int32_t items[4096];
  double weights[4096];
  for (int c = 0; c < candidates; ++c) items[c] = world_.draw_popular_item(rng);
  world_.affinities(interest, items, candidates, weights);  // then exp() in place
  double total = 0;
  for (int c = 0; c < candidates; ++c) {
    weights[c] = std::exp(world_.config().affinity_scale * weights[c]);
    total += weights[c];
  }
  double u = rng.uniform() * total;
  for (int c = 0; c < candidates - 1; ++c) {
    if (u < weights[c]) return items[c];
    u -= weights[c];
  }
  return items[candidates - 1];
}

void SyntheticEnv::drift_toward(float* interest, std::int32_t item) const {
  const float drift = static_cast<float>(world_.config().interest_drift);
  const float* v = world_.item_factor(item);
  for (int j = 0; j < world_.dim(); ++j) interest[j] += drift * (v[j] - interest[j]);
}

void SyntheticEnv::begin_sessions(std::size_t begin, std::size_t end,
                                  const std::uint8_t* starting) {
  const int dim = world_.dim();
  for (std::size_t i = begin; i < end; ++i) {
    if (!starting[i]) continue;
    RandomStream& r = rng(i);
    user_[i] = static_cast<std::int32_t>(r.index(world_.num_users()));
    float* state = &interest_[i * dim];
    const float* factor = world_.user_factor(user_[i]);
    for (int j = 0; j < dim; ++j) state[j] = factor[j];
    satisfaction_[i] = 0;
    if (world_.config().entry_event) {
      entry_item_[i] = draw_organic_item(state, r);
      drift_toward(state, entry_item_[i]);
    }
  }
}

void SyntheticEnv::respond(std::size_t begin, std::size_t end, const std::int32_t* slates) {
  const WorldConfig& w = world_.config();
  const ChoiceParams& choice = world_.choice();
  const int k = slate_size();
  const int dim = world_.dim();
  double affinity[kMaxSlateSize];
  double utility[kMaxSlateSize];
  double click_probability[kMaxSlateSize];
  for (std::size_t i = begin; i < end; ++i) {
    RandomStream& r = rng(i);
    float* state = &interest_[i * dim];
    const std::int32_t* slate = slates + i * k;
    world_.affinities(state, slate, k, affinity);
    for (int s = 0; s < k; ++s) utility[s] = world_.utility_from_affinity(affinity[s], slate[s]);
    click_probabilities(choice, utility, k, click_probability);
    const std::uint32_t clicks = draw_clicks(choice, click_probability, k, r);

    // Purchases are decided on the interest the user had when she saw the slate.
    std::uint32_t purchases = 0;
    for (std::uint32_t rest = clicks; rest; rest &= rest - 1) {
      const int s = __builtin_ctz(rest);
      if (r.uniform() < world_.purchase_probability(state, price_sensitivity(i), slate[s]))
        purchases |= 1u << s;
    }
    std::int32_t organic = -1;
    if (clicks == 0 && r.uniform() < w.organic_rate) organic = draw_organic_item(state, r);

    for (std::uint32_t rest = clicks; rest; rest &= rest - 1)
      drift_toward(state, slate[__builtin_ctz(rest)]);
    if (organic >= 0) drift_toward(state, organic);

    // Satisfaction (RecSim's time budget, KuaiSim's temper): good slates keep users.
    double& satisfaction = satisfaction_[i];
    satisfaction = w.satisfaction_decay * satisfaction +
                   (clicks ? w.click_satisfaction : -w.boredom) +
                   (purchases ? w.purchase_satisfaction : 0.0);
    const double leave = sigmoid(w.leave_bias - w.leave_satisfaction_weight * satisfaction);

    click_mask_[i] = clicks;
    purchase_mask_[i] = purchases;
    organic_item_[i] = organic;
    leaving_[i] = r.uniform() < leave;
  }
}

}  // namespace shoprl
