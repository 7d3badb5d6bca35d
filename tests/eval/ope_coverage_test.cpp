// The estimators against the truth of the synthetic world: logs of a one-step bandit world
// (pbm clicks, so a slate's reward is the sum of per-slot rewards and every estimator here is
// unbiased), repeated over seeds. Unbiased estimators' intervals cover the exact true value at
// close to the nominal rate, and their mean error shrinks like 1/sqrt(n).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "env/log_synthesis.h"
#include "env/policy_value.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"
#include "eval/evaluation_policy.h"
#include "eval/ope_run.h"
#include "eval/store_rounds.h"

namespace shoprl {
namespace {

constexpr int kCoverageSlots = 2;
constexpr std::int64_t kCoverageItems = 8;

WorldConfig coverage_world() {
  WorldConfig world = testing::gentle_world_config(kCoverageItems, 50);
  world.entry_event = false;
  world.choice.model = "pbm";
  return world;
}

EnvConfig coverage_env() {
  EnvConfig env = testing::tiny_env_config(kCoverageSlots);
  env.max_steps = 1;
  return env;
}

PolicyConfig coverage_policy(const std::string& kind) {
  PolicyConfig config;
  config.kind = kind;
  config.temperature = 1.0;
  return config;
}

struct Replicate {
  LoggedRounds rounds;
  double true_session_value = 0;  // exact, per session (= per slate here)
};

// Logs `sessions` sessions of `logging` in the world of `seed`; the evaluation policy is
// `target` (a world policy that ignores the user), given to the estimators by its slot
// marginals and, where `with_slates`, its slate probabilities.
Replicate replicate(const std::string& logging, const std::string& target, bool with_slates,
                    std::int64_t sessions, std::uint64_t seed) {
  SynthConfig synth;
  synth.sessions = sessions;
  synth.value_episodes = 0;
  synth.value_policies.clear();
  const SynthesizedLogs logs =
      synthesize_logs(coverage_world(), coverage_env(), coverage_policy(logging), synth, seed, "");
  const SyntheticWorld world(coverage_world(), kCoverageSlots, world_seed(seed));
  const SyntheticEnv env(world, coverage_env());
  const auto target_policy = make_policy(coverage_policy(target), env, 7, "target");

  // The target's slot marginals, by enumerating every ordered slate (56 of them).
  std::vector<double> marginal(kCoverageSlots * kCoverageItems, 0.0);
  for (std::int32_t a = 0; a < kCoverageItems; ++a) {
    for (std::int32_t b = 0; b < kCoverageItems; ++b) {
      if (a == b) continue;
      const std::int32_t slate[kCoverageSlots] = {a, b};
      const double p = target_policy->slate_probability(env, 0, slate);
      marginal[a] += p;
      marginal[kCoverageItems + b] += p;
    }
  }
  const SlotDistributionPolicy policy(
      target,
      with_slates ? SlotDistributionPolicy::Structure::kUniformWithoutReplacement
                  : SlotDistributionPolicy::Structure::kMarginalsOnly,
      kCoverageSlots, kCoverageItems, marginal);
  Replicate out;
  out.rounds = logged_rounds_from_store(logs.store, policy, "all").rounds;
  out.rounds.reward_min = 0.0;
  out.rounds.reward_max = 1.2;  // click 0.2 + purchase 1.0
  // A constant reward model: DR stays unbiased whatever q is.
  out.rounds.q_logged.assign(out.rounds.size(), 0.05);
  out.rounds.q_target.assign(out.rounds.size(), 0.05);
  out.true_session_value = exact_one_step_value(world, coverage_env(), *target_policy);
  return out;
}

double truth_in_unit(const Estimate& estimate, double session_value) {
  return estimate.unit == "round" ? session_value / kCoverageSlots : session_value;
}

struct Tally {
  int covered_t = 0;
  int covered_bootstrap = 0;
  int runs = 0;
  double abs_error = 0;
};

std::map<std::string, Tally> run_replicates(const std::string& logging, const std::string& target,
                                            bool with_slates, const std::vector<std::string>& names,
                                            std::int64_t sessions, int replicates, int resamples) {
  OpeConfig config;
  config.estimators = names;
  config.bootstrap_resamples = resamples;
  config.threads = 1;
  std::map<std::string, Tally> tally;
  for (int r = 0; r < replicates; ++r) {
    const std::uint64_t seed = 1000 + r;
    const Replicate rep = replicate(logging, target, with_slates, sessions, seed);
    const OpeResult result = run_estimators(rep.rounds, config, seed);
    for (const Estimate& e : result.estimates) {
      EXPECT_TRUE(e.declined.empty()) << e.estimator << ": " << e.declined;
      const double truth = truth_in_unit(e, rep.true_session_value);
      Tally& t = tally[e.estimator];
      t.covered_t += e.ci_t.low <= truth && truth <= e.ci_t.high;
      if (resamples > 0)
        t.covered_bootstrap += e.ci_bootstrap.low <= truth && truth <= e.ci_bootstrap.high;
      t.abs_error += std::abs(e.value - truth);
      ++t.runs;
    }
  }
  // The figures docs/ope.md quotes.
  for (const auto& [name, t] : tally) {
    std::printf("coverage %-9s n=%lld: t %.3f, bootstrap %.3f, mean |error| %.5f\n", name.c_str(),
                static_cast<long long>(sessions), static_cast<double>(t.covered_t) / t.runs,
                static_cast<double>(t.covered_bootstrap) / t.runs, t.abs_error / t.runs);
  }
  return tally;
}

// Coverage over R = 200 replicates of a nominal 95% interval: the count is Binomial(200, p)
// with p ≈ 0.95 for an unbiased estimator whose interval is right, standard deviation
// sqrt(200 · 0.95 · 0.05) ≈ 3.1. We require at least 179 of 200 (p̂ ≥ 0.895, 3.5 standard
// deviations below nominal: false failure ≈ 2e-4 per estimator if the true coverage is 0.95;
// a t interval at n = 2000 loses well under 1% to skewness). An interval that ignores the
// weights' variance, or an estimator biased by a wrong weight, falls far below this.
constexpr int kReplicates = 200;
constexpr int kMinCovered = 179;

TEST(OpeCoverage, IntervalsCoverTheTruthWhenTheLoggerIsNotUniform) {
  const std::vector<std::string> names = {"ipw",    "snipw", "dr",   "sndr", "switch-dr", "sips",
                                          "snsips", "iips",  "rips", "pdis", "seq-dr"};
  // Popularity sampling logs, the uniform policy is evaluated (its slate probabilities are
  // known, so the slate estimators apply).
  const auto tally = run_replicates("popularity", "uniform", true, names, 2000, kReplicates, 200);
  for (const std::string& name : names) {
    const Tally& t = tally.at(name);
    EXPECT_EQ(t.runs, kReplicates) << name;
    EXPECT_GE(t.covered_t, kMinCovered) << name << ": t interval";
    EXPECT_GE(t.covered_bootstrap, kMinCovered) << name << ": bootstrap interval";
  }
}

TEST(OpeCoverage, PseudoinverseCoversTheTruthUnderUniformLogging) {
  // Uniform logging, the popularity-sampling policy is evaluated by its slot marginals only:
  // the pseudoinverse and the per-slot estimators apply, the whole-slate ones decline.
  const std::vector<std::string> names = {"ipw", "iips", "pi"};
  const auto tally = run_replicates("uniform", "popularity", false, names, 2000, kReplicates, 200);
  for (const std::string& name : names) {
    const Tally& t = tally.at(name);
    EXPECT_GE(t.covered_t, kMinCovered) << name << ": t interval";
    EXPECT_GE(t.covered_bootstrap, kMinCovered) << name << ": bootstrap interval";
  }
}

TEST(OpeCoverage, MeanErrorShrinksLikeOneOverRootN) {
  // 16 times the data should cut the mean absolute error by sqrt(16) = 4. Over 60 replicates
  // the ratio of two mean absolute errors has a relative spread of about 0.13 each, so a
  // ratio below 2.5 (4 standard deviations short of 4) means the error is not shrinking.
  const std::vector<std::string> names = {"ipw", "dr", "sips", "iips"};
  const auto small = run_replicates("popularity", "uniform", true, names, 250, 60, 0);
  const auto large = run_replicates("popularity", "uniform", true, names, 4000, 60, 0);
  for (const std::string& name : names) {
    const double ratio = small.at(name).abs_error / large.at(name).abs_error;
    EXPECT_GT(ratio, 2.5) << name;
    EXPECT_LT(ratio, 6.5) << name;
  }
}

}  // namespace
}  // namespace shoprl
