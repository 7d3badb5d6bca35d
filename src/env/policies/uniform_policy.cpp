// The uniform logging policy: the baseline of bandit logs (the Open Bandit Dataset's random
// campaign), with exact marginal, prefix and slate probabilities.
#include "env/policies/policies.h"
#include "env/synthetic_env.h"

namespace shoprl {

void draw_uniform_slate(std::int64_t items, int slots, RandomStream& rng, std::int32_t* out) {
  for (int k = 0; k < slots; ++k) {
    bool repeated = true;
    while (repeated) {
      out[k] = static_cast<std::int32_t>(rng.index(items));
      repeated = false;
      for (int j = 0; j < k; ++j) repeated |= out[j] == out[k];
    }
  }
}

void uniform_prefix_probabilities(std::int64_t items, int slots, double* prefix) {
  double probability = 1;
  for (int k = 0; k < slots; ++k) {
    probability /= static_cast<double>(items - k);
    prefix[k] = probability;
  }
}

namespace {

class UniformPolicy : public SlatePolicy {
 public:
  UniformPolicy(std::int64_t items, int slots) : items_(items), slots_(slots) {}
  std::string name() const override { return "uniform"; }

  void act(const BatchEnv& env, std::size_t begin, std::size_t end, std::uint64_t seed,
           SlateDecision& out) const override {
    const int k = slots_;
    for (std::size_t i = begin; i < end; ++i) {
      RandomStream rng = policy_stream(env, i, seed);
      draw_uniform_slate(items_, k, rng, &out.items[i * k]);
      uniform_prefix_probabilities(items_, k, &out.prefix_propensity[i * k]);
      for (int s = 0; s < k; ++s) out.propensity[i * k + s] = 1.0 / static_cast<double>(items_);
      out.slate_propensity[i] = out.prefix_propensity[i * k + k - 1];
    }
  }

  double slate_probability(const BatchEnv&, std::size_t, const std::int32_t*) const override {
    double prefix[32];
    uniform_prefix_probabilities(items_, slots_, prefix);
    return prefix[slots_ - 1];
  }

 private:
  std::int64_t items_;
  int slots_;
};

}  // namespace

std::unique_ptr<SlatePolicy> make_uniform_policy(std::int64_t items, int slots) {
  return std::make_unique<UniformPolicy>(items, slots);
}

}  // namespace shoprl
