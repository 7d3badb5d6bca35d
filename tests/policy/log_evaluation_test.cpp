// Tests off-policy evaluation of a scoring policy on logs (src/policy/log_evaluation.cpp):
// the scorer sees each slate's history before it was shown; a policy that is the uniform
// policy in disguise (epsilon-greedy with epsilon 1) gives exactly the context-free uniform
// path's probabilities and estimates (an independent check); boltzmann over equal scores has
// the uniform policy's exact prefixes; the rounds do not depend on the batch size; the true
// value from the world agrees with /truth's value of the same policy; the report is complete;
// bad inputs are refused.
#include "policy/log_evaluation.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <vector>

#include "core/error.h"
#include "data/session_store_fixture.h"
#include "env/log_synthesis.h"
#include "env/statistics.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"
#include "eval/evaluation_policy.h"
#include "eval/store_rounds.h"

namespace shoprl {
namespace {

constexpr std::uint64_t kLogEvalSeed = 4321;
constexpr std::int64_t kLogEvalItems = 12;
constexpr int kLogEvalSlots = 3;

SlateRuleConfig log_eval_rule_of(const std::string& name, double epsilon = 0.1,
                                 double temperature = 1.0) {
  SlateRuleConfig rule;
  rule.rule = name;
  rule.epsilon = epsilon;
  rule.temperature = temperature;
  return rule;
}

ScoringFunction constant_scorer(std::int64_t items) {
  return [items](const SessionBatch& batch) { return torch::zeros({batch.size(), items}); };
}

// Logs of a tiny world: 200 sessions of at most 3 slates of 3 out of 12 items, logged by a
// Plackett-Luce policy; /truth values the uniform policy.
struct TinyLogs {
  WorldConfig world = testing::tiny_world_config(kLogEvalItems, 40);
  EnvConfig env = testing::tiny_env_config(kLogEvalSlots);
  SynthesizedLogs logs;
  TinyLogs() {
    env.max_steps = 3;
    PolicyConfig logging;
    logging.kind = "plackett_luce";
    logging.temperature = 0.7;
    logging.marginal_samples = 16;
    SynthConfig synth;
    synth.sessions = 200;
    synth.batch_size = 50;
    synth.value_episodes = 2000;
    synth.value_policies = {"uniform"};
    logs = synthesize_logs(world, env, logging, synth, kLogEvalSeed, "world:\n  items: 12\n");
  }
};

class LogEvaluation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { logs_ = new TinyLogs(); }
  static void TearDownTestSuite() {
    delete logs_;
    logs_ = nullptr;
  }
  static LogEvaluationOptions options() {
    LogEvaluationOptions o;
    o.split = "all";
    o.ope.bootstrap_resamples = 50;
    o.ope.magic_bootstrap = 20;
    o.ope.threads = 1;
    o.ope.reward_max = 1.2;  // a click and a purchase: 0.2 + 1.0
    o.reward_model.kind = "logistic";
    o.ranking = false;
    return o;
  }
  static const SessionStore& store() { return logs_->logs.store; }
  static TinyLogs* logs_;
};
TinyLogs* LogEvaluation::logs_ = nullptr;

TEST_F(LogEvaluation, EpsilonOneIsExactlyTheUniformPath) {
  const LogEvaluationOptions o = options();
  // The context-free path, as `shoprl evaluate` runs it for evaluate.policy.kind = uniform.
  const SlotDistributionPolicy uniform = make_evaluation_policy(EvaluationPolicyConfig{}, store());
  StoreRounds theirs = logged_rounds_from_store(store(), uniform, o.split);
  theirs.model_data.seed = reward_model_seed(kLogEvalSeed);
  const auto their_model = fit_reward_model(o.reward_model, theirs.model_data);
  add_reward_model_predictions(theirs, *their_model, uniform);
  // Ours, with the same fitted model (the model reads rows by index: the rows are the same).
  const StoreRounds ours = scoring_policy_rounds(
      store(), constant_scorer(kLogEvalItems), kLogEvalItems,
      log_eval_rule_of("epsilon_greedy", 1.0), kLogEvalSlots, o, their_model.get(), kLogEvalSeed);
  const LoggedRounds& a = ours.rounds;
  const LoggedRounds& b = theirs.rounds;
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 300u);
  EXPECT_EQ(ours.impression_row, theirs.impression_row);
  for (std::size_t r = 0; r < a.size(); ++r) {
    EXPECT_DOUBLE_EQ(a.target_pscore[r], b.target_pscore[r]) << r;
    EXPECT_DOUBLE_EQ(a.target_inclusion[r], b.target_inclusion[r]) << r;
    EXPECT_DOUBLE_EQ(a.prefix_target_pscore[r], b.prefix_target_pscore[r]) << r;
    EXPECT_DOUBLE_EQ(a.slate_target_pscore[r], b.slate_target_pscore[r]) << r;
    EXPECT_NEAR(a.q_target[r], b.q_target[r], 1e-12) << r;
    EXPECT_EQ(a.q_logged[r], b.q_logged[r]);
  }
  // And so every estimate (estimators read only these columns).
  const OpeResult x = run_estimators(a, o.ope, 7);
  const OpeResult y = run_estimators(b, o.ope, 7);
  ASSERT_EQ(x.estimates.size(), y.estimates.size());
  for (std::size_t e = 0; e < x.estimates.size(); ++e) {
    EXPECT_EQ(x.estimates[e].declined, y.estimates[e].declined) << x.estimates[e].estimator;
    if (!x.estimates[e].declined.empty()) continue;
    EXPECT_NEAR(x.estimates[e].value, y.estimates[e].value, 1e-9) << x.estimates[e].estimator;
  }
}

TEST_F(LogEvaluation, BoltzmannOverEqualScoresHasTheUniformPrefixes) {
  const LogEvaluationOptions o = options();
  const SlotDistributionPolicy uniform = make_evaluation_policy(EvaluationPolicyConfig{}, store());
  const LoggedRounds b = logged_rounds_from_store(store(), uniform, o.split).rounds;
  const LoggedRounds a =
      scoring_policy_rounds(store(), constant_scorer(kLogEvalItems), kLogEvalItems,
                            log_eval_rule_of("boltzmann"), kLogEvalSlots, o, nullptr, kLogEvalSeed)
          .rounds;
  ASSERT_EQ(a.size(), b.size());
  double slot1_sum = 0;
  std::size_t slot1_rows = 0;
  for (std::size_t r = 0; r < a.size(); ++r) {
    EXPECT_NEAR(a.prefix_target_pscore[r], b.prefix_target_pscore[r], 1e-12);
    EXPECT_NEAR(a.slate_target_pscore[r], b.slate_target_pscore[r], 1e-12);
    if (a.position[r] == 0) {
      EXPECT_NEAR(a.target_pscore[r], 1.0 / kLogEvalItems, 1e-12);
    }
    if (a.position[r] == 1) {
      slot1_sum += a.target_pscore[r];
      ++slot1_rows;
    }
  }
  // Each sampled marginal term of an equal-weight catalogue is 0 or 1 / (I - 1): the mean over
  // rows of per-row means of 64 terms is 1/I within a few standard errors of that range.
  const double se = 0.5 / (kLogEvalItems - 1) / std::sqrt(64.0 * slot1_rows);
  EXPECT_NEAR(slot1_sum / slot1_rows, 1.0 / kLogEvalItems, testing::kSigmas * se * 4);
  EXPECT_TRUE(a.q_target.empty());
}

TEST_F(LogEvaluation, RoundsDoNotDependOnTheBatchSizeOrTheThreads) {
  LogEvaluationOptions small = options();
  small.batch_slates = 7;
  LogEvaluationOptions large = options();
  large.batch_slates = 1000;
  large.ope.threads = 3;
  const auto score = [](const SessionBatch& batch) {
    // Depends on the history: the last item's neighbours score high.
    const torch::Tensor last =
        batch.items.gather(1, (batch.lengths - 1).clamp_min(0).view({-1, 1}));
    const torch::Tensor items = torch::arange(kLogEvalItems).view({1, -1});
    return -(items - last).abs().to(torch::kFloat32) * 0.5;
  };
  const LoggedRounds a =
      scoring_policy_rounds(store(), score, kLogEvalItems, log_eval_rule_of("boltzmann"),
                            kLogEvalSlots, small, nullptr, 3)
          .rounds;
  const LoggedRounds b =
      scoring_policy_rounds(store(), score, kLogEvalItems, log_eval_rule_of("boltzmann"),
                            kLogEvalSlots, large, nullptr, 3)
          .rounds;
  EXPECT_EQ(a.target_pscore, b.target_pscore);
  EXPECT_EQ(a.prefix_target_pscore, b.prefix_target_pscore);
  EXPECT_EQ(a.target_inclusion, b.target_inclusion);
  EXPECT_EQ(a.slate_target_pscore, b.slate_target_pscore);
}

// Every estimate, the direct method's sampled slot expectations included, is the same number
// whether one thread or three compute the policy's probabilities and the bootstrap.
TEST_F(LogEvaluation, EstimatesDoNotDependOnTheThreads) {
  LogEvaluationOptions one = options();
  LogEvaluationOptions three = options();
  three.ope.threads = 3;
  three.batch_slates = 16;
  const SlateRuleConfig rule = log_eval_rule_of("boltzmann", 0.1, 0.5);
  const auto score = [](const SessionBatch& batch) {
    return (batch.lengths.view({-1, 1}) * torch::arange(kLogEvalItems).view({1, -1}))
        .remainder(5)
        .to(torch::kFloat32);
  };
  const EvaluationReport a =
      evaluate_scoring_policy_on_logs(store(), score, kLogEvalItems, rule, kLogEvalSlots, one, 9);
  const EvaluationReport b =
      evaluate_scoring_policy_on_logs(store(), score, kLogEvalItems, rule, kLogEvalSlots, three, 9);
  ASSERT_EQ(a.estimates.size(), b.estimates.size());
  std::size_t computed = 0;
  for (std::size_t i = 0; i < a.estimates.size(); ++i) {
    const Estimate& x = a.estimates[i];
    const Estimate& y = b.estimates[i];
    EXPECT_EQ(x.declined, y.declined) << x.estimator;
    if (!x.declined.empty()) continue;
    ++computed;
    EXPECT_EQ(x.value, y.value) << x.estimator;
    EXPECT_EQ(x.std_error, y.std_error) << x.estimator;
  }
  EXPECT_GE(computed, 10u);
}

TEST_F(LogEvaluation, ReportCarriesTheTrueValueFromTheWorld) {
  LogEvaluationOptions o = options();
  o.ranking = true;
  o.name = "uniform-network";
  const SyntheticWorld world(logs_->world, kLogEvalSlots, world_seed(kLogEvalSeed));
  o.world = &world;
  o.env = logs_->env;
  o.truth_episodes = 2000;
  const EvaluationReport report = evaluate_scoring_policy_on_logs(
      store(), constant_scorer(kLogEvalItems), kLogEvalItems,
      log_eval_rule_of("epsilon_greedy", 1.0), kLogEvalSlots, o, kLogEvalSeed);
  EXPECT_EQ(
      report.rounds,
      logged_rounds_from_store(store(), make_evaluation_policy({}, store()), "all").rounds.size());
  ASSERT_TRUE(report.ranking.has_value());
  EXPECT_EQ(report.ranking->scorer, "uniform-network");
  EXPECT_FALSE(report.logging_values.empty());
  // The report writers take it as they take `shoprl evaluate`'s.
  EXPECT_NE(report_json(report).find("uniform-network: slates of 3 by epsilon_greedy"),
            std::string::npos);
  // Our Monte Carlo value of the disguised uniform policy against /truth's, from independent
  // runs of 2000 sessions each: within kSigmas of the difference's standard error.
  const PolicyValue& truth = logs_->logs.truth.policy_values.at(0);
  ASSERT_EQ(truth.name, "uniform");
  int with_truth = 0;
  for (const Estimate& e : report.estimates) {
    if (e.unit != "session") continue;
    ASSERT_FALSE(std::isnan(e.true_value)) << e.estimator;
    const double se = std::hypot(e.true_value_std_error, truth.std_error);
    EXPECT_NEAR(e.true_value, truth.value, testing::kSigmas * se);
    ++with_truth;
  }
  EXPECT_GT(with_truth, 0);
  for (const Estimate& e : report.estimates) {
    if (e.estimator == "dm" || e.estimator == "ipw") {
      EXPECT_TRUE(e.declined.empty()) << e.estimator << ": " << e.declined;
    }
  }
}

TEST(LogEvaluationHistory, ScorerSeesTheEventsBeforeEachSlate) {
  SessionStore store = testing::tiny_store(true);
  // Slate 10 (session 0) after its first event; slate 11 (session 2) after its first two.
  store.impressions.time_ms = {1500, 1500, 4000, 4000};
  std::vector<SessionBatch> seen;
  const ScoringFunction recorder = [&seen](const SessionBatch& batch) {
    seen.push_back(batch);
    return torch::zeros({batch.size(), 3});
  };
  LogEvaluationOptions o;
  o.split = "all";
  o.history_length = 4;
  scoring_policy_rounds(store, recorder, 3, log_eval_rule_of("top_k"), 2, o, nullptr, 1);
  ASSERT_EQ(seen.size(), 1u);
  const SessionBatch& b = seen[0];
  ASSERT_EQ(b.size(), 2);
  EXPECT_EQ(b.lengths[0].item<std::int64_t>(), 1);
  EXPECT_EQ(b.lengths[1].item<std::int64_t>(), 1);  // the event at 4000 is not before 4000
  EXPECT_EQ(b.items[0][0].item<std::int64_t>(), 0);
  EXPECT_EQ(b.types[0][0].item<std::int64_t>(), 0);
  EXPECT_EQ(b.items[1][0].item<std::int64_t>(), 2);
  EXPECT_EQ(b.types[1][0].item<std::int64_t>(), 2);
  EXPECT_EQ(b.items[0][1].item<std::int64_t>(), -1);  // right-padded
  // A window of one keeps the most recent event.
  store.impressions.time_ms = {1500, 1500, 5000, 5000};
  o.history_length = 1;
  seen.clear();
  scoring_policy_rounds(store, recorder, 3, log_eval_rule_of("top_k"), 2, o, nullptr, 1);
  EXPECT_EQ(seen[0].items[1][0].item<std::int64_t>(), 2);
  EXPECT_EQ(seen[0].types[1][0].item<std::int64_t>(), 0);
}

TEST(LogEvaluationHistory, TopKProbabilitiesFollowTheScores) {
  SessionStore store = testing::tiny_store(true);
  // Item 0 best, then 1: slate 10 shows (0, 1) = the greedy slate; slate 11 shows (2, 0).
  const ScoringFunction scorer = [](const SessionBatch& batch) {
    return torch::tensor({3.0f, 2.0f, 1.0f}).view({1, -1}).expand({batch.size(), -1});
  };
  LogEvaluationOptions o;
  o.split = "all";
  const LoggedRounds r =
      scoring_policy_rounds(store, scorer, 3, log_eval_rule_of("top_k"), 2, o, nullptr, 1).rounds;
  EXPECT_EQ(r.target_pscore, (std::vector<double>{1, 1, 0, 0}));
  EXPECT_EQ(r.prefix_target_pscore, (std::vector<double>{1, 1, 0, 0}));
  EXPECT_EQ(r.slate_target_pscore, (std::vector<double>{1, 1, 0, 0}));
  EXPECT_EQ(r.target_inclusion, (std::vector<double>{1, 1, 0, 1}));
}

TEST(LogEvaluationHistory, RefusesBadInput) {
  const SessionStore store = testing::tiny_store(true);
  LogEvaluationOptions o;
  o.split = "all";
  EXPECT_THROW(scoring_policy_rounds(store, constant_scorer(4), 4, log_eval_rule_of("top_k"), 2, o,
                                     nullptr, 1),
               ConfigError);  // not the store's catalogue
  EXPECT_THROW(scoring_policy_rounds(store, constant_scorer(3), 3, log_eval_rule_of("top_k"), 4, o,
                                     nullptr, 1),
               ConfigError);  // slate larger than the catalogue
  EXPECT_THROW(scoring_policy_rounds(store, constant_scorer(3), 3, log_eval_rule_of("argmax"), 2, o,
                                     nullptr, 1),
               ConfigError);
  EXPECT_THROW(scoring_policy_rounds(store, ScoringFunction(), 3, log_eval_rule_of("top_k"), 2, o,
                                     nullptr, 1),
               ConfigError);
  EXPECT_THROW(scoring_policy_rounds(store, constant_scorer(2), 3, log_eval_rule_of("top_k"), 2, o,
                                     nullptr, 1),
               Error);  // scores of the wrong width
  o.split = "holdout";
  EXPECT_THROW(scoring_policy_rounds(store, constant_scorer(3), 3, log_eval_rule_of("top_k"), 2, o,
                                     nullptr, 1),
               ConfigError);
}

}  // namespace
}  // namespace shoprl
