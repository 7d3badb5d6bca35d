// The popularity logging policy: Plackett–Luce over the items' popularity logits with a
// temperature, the same distribution for every user (what a "most popular" widget with some
// shuffling logs).
#include "env/policies/plackett_luce.h"
#include "env/policies/policies.h"
#include "env/synthetic_env.h"

namespace shoprl {
namespace {

class PopularityPolicy : public SlatePolicy {
 public:
  PopularityPolicy(const SyntheticWorld& world, int slots, double temperature, int samples)
      : slots_(slots), samples_(samples) {
    sampler_.set_logits(world.popularity_logit().data(), world.num_items(), temperature);
  }
  std::string name() const override { return "popularity"; }

  void act(const BatchEnv& env, std::size_t begin, std::size_t end, std::uint64_t seed,
           SlateDecision& out) const override {
    const int k = slots_;
    for (std::size_t i = begin; i < end; ++i) {
      RandomStream rng = policy_stream(env, i, seed);
      std::int32_t* slate = &out.items[i * k];
      sampler_.sample(k, rng, slate);
      out.slate_propensity[i] =
          sampler_.prefix_probabilities(slate, k, &out.prefix_propensity[i * k]);
      sampler_.marginals(slate, k, samples_, rng, &out.propensity[i * k]);
    }
  }

  double slate_probability(const BatchEnv&, std::size_t, const std::int32_t* slate) const override {
    return sampler_.prefix_probabilities(slate, slots_, nullptr);
  }

 private:
  int slots_;
  int samples_;
  PlackettLuceSampler sampler_;
};

}  // namespace

std::unique_ptr<SlatePolicy> make_popularity_policy(const SyntheticWorld& world, int slots,
                                                    double temperature, int marginal_samples) {
  return std::make_unique<PopularityPolicy>(world, slots, temperature, marginal_samples);
}

}  // namespace shoprl
