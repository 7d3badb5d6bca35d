// Plackett–Luce over a noisy oracle: each user's slate is sampled with logits
// ln(value_i) / temperature, where value_i is the noisy oracle's expected reward of item i in
// the top slot. A stochastic, personalised logging policy with full support, the setting in
// which slate off-policy estimators are usually studied.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "env/policies/item_values.h"
#include "env/policies/plackett_luce.h"
#include "env/policies/policies.h"
#include "env/synthetic_env.h"

namespace shoprl {
namespace {

class PlackettLucePolicy : public SlatePolicy {
 public:
  PlackettLucePolicy(const SyntheticWorld& world, const EnvConfig& env, double temperature,
                     double noise, int samples, std::uint64_t seed)
      : values_(world, env, noise, seed),
        items_(world.num_items()),
        slots_(env.slate_size),
        temperature_(temperature),
        samples_(samples) {}
  std::string name() const override { return "plackett_luce"; }

  void act(const BatchEnv& observed, std::size_t begin, std::size_t end, std::uint64_t seed,
           SlateDecision& out) const override {
    const SyntheticEnv& env = synthetic_env_of(observed, name());
    const int k = slots_;
    Scratch scratch(items_);
    for (std::size_t i = begin; i < end; ++i) {
      set_user(env, i, scratch);
      RandomStream rng = policy_stream(env, i, seed);
      std::int32_t* slate = &out.items[i * k];
      scratch.sampler.sample(k, rng, slate);
      out.slate_propensity[i] =
          scratch.sampler.prefix_probabilities(slate, k, &out.prefix_propensity[i * k]);
      scratch.sampler.marginals(slate, k, samples_, rng, &out.propensity[i * k]);
    }
  }

  double slate_probability(const BatchEnv& observed, std::size_t i,
                           const std::int32_t* slate) const override {
    const SyntheticEnv& env = synthetic_env_of(observed, name());
    Scratch scratch(items_);
    set_user(env, i, scratch);
    return scratch.sampler.prefix_probabilities(slate, slots_, nullptr);
  }

 private:
  struct Scratch {
    explicit Scratch(std::int64_t items) : values(items) {}
    ItemValueBuffers values;
    PlackettLuceSampler sampler;
  };

  void set_user(const SyntheticEnv& env, std::size_t i, Scratch& scratch) const {
    values_.compute(env, i, scratch.values);
    // Values are positive (sigmoids); the floor keeps the log finite if one underflows.
    Eigen::Map<Eigen::ArrayXf> value(scratch.values.value.data(), items_);
    value = value.max(std::numeric_limits<float>::min()).log();
    scratch.sampler.set_logits(scratch.values.value.data(), items_, temperature_);
  }

  ItemValues values_;
  std::int64_t items_;
  int slots_;
  double temperature_;
  int samples_;
};

}  // namespace

std::unique_ptr<SlatePolicy> make_plackett_luce_policy(const SyntheticWorld& world,
                                                       const EnvConfig& env, double temperature,
                                                       double noise, int marginal_samples,
                                                       std::uint64_t seed) {
  return std::make_unique<PlackettLucePolicy>(world, env, temperature, noise, marginal_samples,
                                              seed);
}

}  // namespace shoprl
