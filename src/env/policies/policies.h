// The built-in policies of the synthetic world, one file each; make_policy() (slate_policy.h)
// builds them from config.
#pragma once

#include <cstdint>
#include <memory>

#include "env/policies/slate_policy.h"
#include "env/synthetic_world.h"

namespace shoprl {

// Distinct items uniformly at random: every item has marginal 1/I in every slot.
std::unique_ptr<SlatePolicy> make_uniform_policy(std::int64_t items, int slots);
// Plackett–Luce over popularity_logit / temperature, the same for every user.
std::unique_ptr<SlatePolicy> make_popularity_policy(const SyntheticWorld& world, int slots,
                                                    double temperature, int marginal_samples);
// Top-k of a noisy oracle's item values; with probability epsilon a uniform slate instead.
// epsilon = 0 and noise = 0 is the (greedy, myopic) oracle.
std::unique_ptr<SlatePolicy> make_epsilon_greedy_policy(const SyntheticWorld& world,
                                                        const EnvConfig& env, double epsilon,
                                                        double noise, std::uint64_t seed);
// Plackett–Luce over log(noisy oracle value) / temperature, per user.
std::unique_ptr<SlatePolicy> make_plackett_luce_policy(const SyntheticWorld& world,
                                                       const EnvConfig& env, double temperature,
                                                       double noise, int marginal_samples,
                                                       std::uint64_t seed);

// Top-k of the oracle's item values for an interest estimated from the observation alone: the
// mean factor (noisy factors with noise > 0) of the items in the session's history, and the
// population's median price sensitivity. Acts in any BatchEnv.
std::unique_ptr<SlatePolicy> make_history_oracle_policy(const SyntheticWorld& world,
                                                        const EnvConfig& env, double noise,
                                                        std::uint64_t seed);

// Draws `slots` distinct items uniformly (rejection; slots <= items).
void draw_uniform_slate(std::int64_t items, int slots, RandomStream& rng, std::int32_t* out);
// prefix[k] = 1 / (I (I-1) ... (I-k)), the uniform policy's prefix probabilities.
void uniform_prefix_probabilities(std::int64_t items, int slots, double* prefix);

}  // namespace shoprl
