// The history oracle: the oracle's item values (item_values.h) for an interest it estimates
// from what any recommender can see, the session's history. In the synthetic world a user's
// interest drifts toward what she clicks, so the mean factor of her session's items points
// where her interest is; her own factor and price sensitivity stay hidden (the population's
// median sensitivity stands in). Because it needs no hidden state it acts in the learned
// simulator too, which is what the simulator's ground-truth check needs of a strong policy.
// Deterministic given the history: the slate has probability 1.
#include <algorithm>
#include <vector>

#include "env/batch_env.h"
#include "env/policies/item_values.h"
#include "env/policies/policies.h"

namespace shoprl {
namespace {

class HistoryOraclePolicy : public SlatePolicy {
 public:
  HistoryOraclePolicy(const SyntheticWorld& world, const EnvConfig& env, double noise,
                      std::uint64_t seed)
      : values_(world, env, noise, seed),
        items_(world.num_items()),
        dim_(world.dim()),
        slots_(env.slate_size),
        price_sensitivity_(world.config().price_sensitivity) {}
  std::string name() const override { return "history_oracle"; }

  void act(const BatchEnv& env, std::size_t begin, std::size_t end, std::uint64_t,
           SlateDecision& out) const override {
    const int k = slots_;
    Scratch scratch(items_, dim_);
    for (std::size_t i = begin; i < end; ++i) {
      std::int32_t* slate = &out.items[i * k];
      greedy_slate(env, i, scratch, slate);
      for (int s = 0; s < k; ++s) {
        out.propensity[i * k + s] = 1.0;
        out.prefix_propensity[i * k + s] = 1.0;
      }
      out.slate_propensity[i] = 1.0;
    }
  }

  double slate_probability(const BatchEnv& env, std::size_t i,
                           const std::int32_t* slate) const override {
    Scratch scratch(items_, dim_);
    std::int32_t greedy[32];
    greedy_slate(env, i, scratch, greedy);
    return std::equal(slate, slate + slots_, greedy) ? 1.0 : 0.0;
  }

 private:
  struct Scratch {
    Scratch(std::int64_t items, int dim) : values(items), interest(dim) {}
    ItemValueBuffers values;
    std::vector<float> interest;
    std::vector<std::int32_t> order;
  };

  void greedy_slate(const BatchEnv& env, std::size_t i, Scratch& scratch, std::int32_t* out) const {
    std::fill(scratch.interest.begin(), scratch.interest.end(), 0.0f);
    const int length = env.history_lengths()[i];
    const std::int64_t* items = env.history_items() + i * env.history_length();
    for (int e = 0; e < length; ++e) {
      const float* factor = values_.item_factor(items[e]);
      for (int j = 0; j < dim_; ++j) scratch.interest[j] += factor[j] / length;
    }
    values_.compute(scratch.interest.data(), price_sensitivity_, scratch.values.value.data(),
                    scratch.values.affinity.data());
    top_k(scratch.values.value.data(), items_, slots_, out, scratch.order);
  }

  ItemValues values_;
  std::int64_t items_;
  int dim_;
  int slots_;
  double price_sensitivity_;
};

}  // namespace

std::unique_ptr<SlatePolicy> make_history_oracle_policy(const SyntheticWorld& world,
                                                        const EnvConfig& env, double noise,
                                                        std::uint64_t seed) {
  return std::make_unique<HistoryOraclePolicy>(world, env, noise, seed);
}

}  // namespace shoprl
