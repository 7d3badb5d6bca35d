// Epsilon-greedy over a noisy oracle: the top-k items by a noisy model's values, replaced by a
// uniform slate with probability epsilon. The greedy slate is a deterministic function of the
// state, so every probability is exact:
//   P(i in slot k)    = (1 - eps) 1{i = g_k} + eps / I
//   P(prefix 0..k)    = (1 - eps) 1{prefix = g_0..g_k} + eps / (I (I-1) ... (I-k)).
#include <vector>

#include "env/policies/item_values.h"
#include "env/policies/policies.h"
#include "env/synthetic_env.h"

namespace shoprl {
namespace {

class EpsilonGreedyPolicy : public SlatePolicy {
 public:
  EpsilonGreedyPolicy(const SyntheticWorld& world, const EnvConfig& env, double epsilon,
                      double noise, std::uint64_t seed)
      : values_(world, env, noise, seed),
        items_(world.num_items()),
        slots_(env.slate_size),
        epsilon_(epsilon),
        oracle_(epsilon == 0 && noise == 0) {}
  std::string name() const override { return oracle_ ? "oracle" : "epsilon_greedy"; }

  void act(const BatchEnv& observed, std::size_t begin, std::size_t end, std::uint64_t seed,
           SlateDecision& out) const override {
    const SyntheticEnv& env = synthetic_env_of(observed, name());
    const int k = slots_;
    Scratch scratch(items_);
    double uniform_prefix[32];
    uniform_prefix_probabilities(items_, k, uniform_prefix);
    for (std::size_t i = begin; i < end; ++i) {
      std::int32_t greedy[32];
      greedy_slate(env, i, scratch, greedy);
      RandomStream rng = policy_stream(env, i, seed);
      std::int32_t* slate = &out.items[i * k];
      if (epsilon_ > 0 && rng.uniform() < epsilon_) {
        draw_uniform_slate(items_, k, rng, slate);
      } else {
        std::copy_n(greedy, k, slate);
      }
      bool same_prefix = true;
      for (int s = 0; s < k; ++s) {
        same_prefix = same_prefix && slate[s] == greedy[s];
        out.propensity[i * k + s] =
            (1 - epsilon_) * (slate[s] == greedy[s]) + epsilon_ / static_cast<double>(items_);
        out.prefix_propensity[i * k + s] =
            (1 - epsilon_) * same_prefix + epsilon_ * uniform_prefix[s];
      }
      out.slate_propensity[i] = out.prefix_propensity[i * k + k - 1];
    }
  }

  double slate_probability(const BatchEnv& observed, std::size_t i,
                           const std::int32_t* slate) const override {
    const SyntheticEnv& env = synthetic_env_of(observed, name());
    Scratch scratch(items_);
    std::int32_t greedy[32];
    greedy_slate(env, i, scratch, greedy);
    double uniform_prefix[32];
    uniform_prefix_probabilities(items_, slots_, uniform_prefix);
    const bool same = std::equal(slate, slate + slots_, greedy);
    return (1 - epsilon_) * same + epsilon_ * uniform_prefix[slots_ - 1];
  }

 private:
  struct Scratch {
    explicit Scratch(std::int64_t items) : values(items) {}
    ItemValueBuffers values;
    std::vector<std::int32_t> order;
  };

  void greedy_slate(const SyntheticEnv& env, std::size_t i, Scratch& scratch,
                    std::int32_t* out) const {
    values_.compute(env, i, scratch.values);
    top_k(scratch.values.value.data(), items_, slots_, out, scratch.order);
  }

  ItemValues values_;
  std::int64_t items_;
  int slots_;
  double epsilon_;
  bool oracle_;
};

}  // namespace

std::unique_ptr<SlatePolicy> make_epsilon_greedy_policy(const SyntheticWorld& world,
                                                        const EnvConfig& env, double epsilon,
                                                        double noise, std::uint64_t seed) {
  return std::make_unique<EpsilonGreedyPolicy>(world, env, epsilon, noise, seed);
}

}  // namespace shoprl
