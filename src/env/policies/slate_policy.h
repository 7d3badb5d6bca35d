// Policies that act in a batched environment: the logging policies of log generation, the
// oracle, and the reference policies of the simulator's ground-truth check. A policy fills
// slates for a range of users together with the probabilities it used, which log generation
// records as propensities and off-policy evaluation divides by. Policies that read only the
// observation (uniform, popularity, history_oracle) act in any BatchEnv, the learned simulator
// included; those that read the synthetic user's hidden state (oracle, epsilon_greedy,
// plackett_luce) act only in the synthetic world.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config_field.h"
#include "env/random_stream.h"

namespace shoprl {

class BatchEnv;
class SyntheticEnv;
class SyntheticWorld;
struct EnvConfig;

// Slates for a batch and their probabilities under the policy that chose them.
struct SlateDecision {
  int slate_size = 0;
  std::vector<std::int32_t> items;        // [N, K]
  std::vector<double> propensity;         // [N, K]: P(this item in this slot)
  std::vector<double> prefix_propensity;  // [N, K]: P(slots 0..k hold exactly these)
  std::vector<double> slate_propensity;   // [N]: P(this whole slate) = prefix at K - 1

  void resize(std::int64_t batch_size, int slots);
};

// The policy kinds make_policy() builds, in the order the docs list them.
const std::vector<std::string>& policy_kinds();
// Whether policies of `kind` read only the observation, and so act in any BatchEnv (the learned
// simulator included); the others read the synthetic user's hidden state.
bool acts_in_any_environment(const std::string& kind);

struct PolicyConfig {
  std::string kind = "uniform";
  double temperature = 1.0;
  double epsilon = 0.1;
  double noise = 0.5;
  int marginal_samples = 64;

  void visit(ConfigVisitor& v) {
    v.field("kind", kind,
            "uniform (random distinct items), popularity (Plackett-Luce over popularity / "
            "temperature), epsilon_greedy (top-k of a noisy oracle, a uniform slate with "
            "probability epsilon), plackett_luce (Plackett-Luce over a noisy oracle's log "
            "expected reward / temperature), oracle (top-k of the true expected reward), "
            "history_oracle (top-k of the expected reward for an interest estimated from the "
            "observed history: the mean factor of the session's items; acts in any environment)",
            one_of(policy_kinds()));
    v.field("temperature", temperature, "Softmax temperature (popularity, plackett_luce)",
            at_least(1e-6));
    v.field("epsilon", epsilon, "Chance of a uniform slate (epsilon_greedy)", in_range(0, 1));
    v.field("noise", noise,
            "Error of the noisy oracle (epsilon_greedy, plackett_luce, history_oracle): its item "
            "factors are the true ones plus this much "
            "Gaussian noise (norm, in expectation)",
            at_least(0));
    v.field("marginal_samples", marginal_samples,
            "Plackett-Luce: prefixes sampled per slate for the slot marginals of slots > 0 "
            "(Rao-Blackwellised; slot 0 and whole-slate probabilities are exact)",
            in_range(1, 1 << 20));
  }
};

class SlatePolicy {
 public:
  virtual ~SlatePolicy() = default;
  virtual std::string name() const = 0;

  // Chooses slates for users [begin, end) of env's batch into out (sized for the batch).
  // Randomness comes from the stream of (seed, slot, episode, step), so a user's slate never
  // depends on the range it was chosen in.
  virtual void act(const BatchEnv& env, std::size_t begin, std::size_t end, std::uint64_t seed,
                   SlateDecision& out) const = 0;

  // The probability that user i is shown exactly `slate` now (the one-step closed form).
  virtual double slate_probability(const BatchEnv& env, std::size_t i,
                                   const std::int32_t* slate) const = 0;
};

// The random stream a policy uses for user slot i of env at its current step.
RandomStream policy_stream(const BatchEnv& env, std::size_t i, std::uint64_t seed);

// env as the synthetic world, for the policies that read its hidden state. ConfigError naming
// the policy when env is another world (a learned simulator).
const SyntheticEnv& synthetic_env_of(const BatchEnv& env, const std::string& policy);

// Builds the policy `config.kind` for `world` and env_config's slates; `seed` fixes the noisy
// oracle's error. ConfigError naming `key` for a bad combination (e.g. epsilon_greedy needs a
// slate no larger than the catalogue).
std::unique_ptr<SlatePolicy> make_policy(const PolicyConfig& config, const SyntheticWorld& world,
                                         const EnvConfig& env_config, std::uint64_t seed,
                                         const std::string& key);
// The same for env's world and config.
std::unique_ptr<SlatePolicy> make_policy(const PolicyConfig& config, const SyntheticEnv& env,
                                         std::uint64_t seed, const std::string& key);

}  // namespace shoprl
