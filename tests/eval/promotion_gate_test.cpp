// The gate (eval/promotion_gate.h): publishes only on a lower bound above the bar, by the
// off-policy estimate, by the simulated paired difference that the estimate guards, or by an
// A/B experiment's difference.
#include "eval/promotion_gate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace shoprl {
namespace {

Estimate gate_estimate(const std::string& name, const std::string& unit, double value, double low,
                       double high) {
  Estimate e;
  e.estimator = name;
  e.unit = unit;
  e.value = value;
  e.ci.low = low;
  e.ci.high = high;
  return e;
}

EvaluationReport gate_report(double candidate_low) {
  EvaluationReport report;
  report.logging_values.push_back(gate_estimate("on-policy", "round", 0.03, 0.029, 0.031));
  report.logging_values.push_back(gate_estimate("on-policy", "session", 2.0, 1.8, 2.2));
  report.estimates.push_back(gate_estimate("ipw", "round", 0.05, 0.04, 0.06));
  report.estimates.push_back(
      gate_estimate("seq-dr", "session", candidate_low + 0.3, candidate_low, candidate_low + 0.6));
  return report;
}

TEST(PromotionGate, PublishesOnlyWhenTheLowerBoundClearsTheServedValuePlusMargin) {
  PromoteConfig config;  // seq-dr, lower_bound, margin 0
  EXPECT_TRUE(decide_promotion(gate_report(2.01), config).publish);
  EXPECT_FALSE(decide_promotion(gate_report(1.99), config).publish);
  config.margin = 0.1;
  EXPECT_FALSE(decide_promotion(gate_report(2.05), config).publish);
  EXPECT_TRUE(decide_promotion(gate_report(2.11), config).publish);
  const PromotionDecision d = decide_promotion(gate_report(2.11), config);
  EXPECT_DOUBLE_EQ(d.threshold, 2.1);
  EXPECT_EQ(d.served.unit, "session");
  EXPECT_NE(d.reason.find("published"), std::string::npos) << d.reason;
}

TEST(PromotionGate, TheStricterRuleComparesWithTheServedUpperBound) {
  PromoteConfig config;
  config.rule = "lower_vs_upper";
  EXPECT_FALSE(decide_promotion(gate_report(2.1), config).publish);  // below 2.2
  EXPECT_TRUE(decide_promotion(gate_report(2.25), config).publish);
}

TEST(PromotionGate, TheUnitOfTheEstimatorChoosesTheServedValue) {
  PromoteConfig config;
  config.estimator = "ipw";
  const PromotionDecision d = decide_promotion(gate_report(0), config);
  EXPECT_EQ(d.served.unit, "round");
  EXPECT_TRUE(d.publish);  // 0.04 > 0.03
}

TEST(PromotionGate, DeclinedOrUnreliableEstimatesNeverPublish) {
  PromoteConfig config;
  EvaluationReport report = gate_report(5);
  report.estimates[1].unreliable = "effective sample size 2 of 500 sessions";
  PromotionDecision d = decide_promotion(report, config);
  EXPECT_FALSE(d.publish);
  EXPECT_NE(d.reason.find("unreliable"), std::string::npos) << d.reason;
  report = gate_report(5);
  report.estimates[1].declined = "no slate propensities";
  d = decide_promotion(report, config);
  EXPECT_FALSE(d.publish);
  EXPECT_NE(d.reason.find("declined"), std::string::npos) << d.reason;
}

TEST(PromotionGate, AnEstimatorThatDidNotRunIsAConfigError) {
  PromoteConfig config;
  config.estimator = "magic";
  EXPECT_THROW(decide_promotion(gate_report(1), config), ConfigError);
}

TEST(PromotionGate, TheDecisionJsonHoldsTheEvidence) {
  PromoteConfig config;
  PromotionDecision d = decide_promotion(gate_report(2.5), config);
  EXPECT_EQ(nlohmann::json::parse(promotion_decision_json(d, "m", "l", 0.95, 0)).count("true_lead"),
            0u);  // no paired comparison: no true lead
  d.paired.truth.emplace().difference = -0.2;
  const auto j =
      nlohmann::json::parse(promotion_decision_json(d, "models/c/1", "logs.h5", 0.95, 3));
  EXPECT_EQ(j.at("decision"), "published");
  EXPECT_DOUBLE_EQ(j.at("candidate_estimate").at("ci_low").get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j.at("served_value").at("value").get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(j.at("threshold").get<double>(), 2.0);
  EXPECT_EQ(j.at("candidate"), "models/c/1");
  EXPECT_EQ(j.at("published_version"), 3);
  EXPECT_EQ(j.at("evidence"), "off_policy");
  EXPECT_EQ(j.count("simulated"), 0u);
  EXPECT_DOUBLE_EQ(j.at("true_lead").at("difference").get<double>(), -0.2);
}

// The served policy is worth 2.0 per session on its logs; the simulator agrees within 5%.
PairedComparison simulated_lead(double difference, double std_error) {
  PairedComparison c;
  c.simulator = "sim";
  c.sessions = 20000;
  PairedPolicyValue& sim = c.simulated.emplace();
  sim.baseline.value = 2.1;
  sim.candidate.value = 2.1 + difference;
  sim.difference = difference;
  sim.difference_std_error = std_error;
  return c;
}

PromoteConfig simulator_gate() {
  PromoteConfig config;
  config.evidence = "simulator";
  config.estimator = "ipw";  // per round: served 0.03 on the logs, candidate [0.04, 0.06]
  return config;
}

TEST(PromotionGateBySimulation, PublishesWhenThePairedLeadClearsTheMargin) {
  PromoteConfig config = simulator_gate();
  // At 95% the lower bound is difference - 1.96 std_error.
  PromotionDecision d =
      decide_promotion_by_simulation(gate_report(0), config, simulated_lead(0.1, 0.04), 0.95);
  EXPECT_TRUE(d.publish) << d.reason;  // 0.1 - 0.078 > 0
  EXPECT_NEAR(d.difference_ci.low, 0.1 - 1.959964 * 0.04, 1e-6);
  EXPECT_DOUBLE_EQ(d.served_session_value, 2.0);
  EXPECT_NEAR(d.simulator_gap, 0.05, 1e-12);
  d = decide_promotion_by_simulation(gate_report(0), config, simulated_lead(0.1, 0.06), 0.95);
  EXPECT_FALSE(d.publish) << d.reason;  // 0.1 - 0.118 < 0
  config.margin = 0.05;
  d = decide_promotion_by_simulation(gate_report(0), config, simulated_lead(0.1, 0.02), 0.95);
  EXPECT_TRUE(d.publish) << d.reason;  // 0.1 - 0.039 > 0.05
  EXPECT_DOUBLE_EQ(d.threshold, 0.05);
  d = decide_promotion_by_simulation(gate_report(0), config, simulated_lead(0.1, 0.03), 0.95);
  EXPECT_FALSE(d.publish) << d.reason;  // 0.1 - 0.059 < 0.05
}

TEST(PromotionGateBySimulation, TheLogsMustSupportTheCandidate) {
  const PromoteConfig config = simulator_gate();
  EvaluationReport report = gate_report(0);
  report.estimates[0].unreliable = "effective sample size 3 of 9000 slates";
  PromotionDecision d =
      decide_promotion_by_simulation(report, config, simulated_lead(1.0, 0.01), 0.95);
  EXPECT_FALSE(d.publish);
  EXPECT_NE(d.reason.find("unreliable"), std::string::npos) << d.reason;
  report = gate_report(0);
  report.estimates[0].ci = {0.01, 0.029};  // the whole interval below the served 0.03
  d = decide_promotion_by_simulation(report, config, simulated_lead(1.0, 0.01), 0.95);
  EXPECT_FALSE(d.publish);
  EXPECT_NE(d.reason.find("below the served policy"), std::string::npos) << d.reason;
}

TEST(PromotionGateBySimulation, ASimulatorThatMissesTheServedValueIsNotTrusted) {
  PromoteConfig config = simulator_gate();  // tolerance 10%
  PairedComparison off = simulated_lead(1.0, 0.01);
  off.simulated->baseline.value = 2.3;  // 15% above the logs' 2.0
  PromotionDecision d = decide_promotion_by_simulation(gate_report(0), config, off, 0.95);
  EXPECT_FALSE(d.publish);
  EXPECT_NE(d.reason.find("not trusted"), std::string::npos) << d.reason;
  config.simulator_tolerance = 0.2;
  d = decide_promotion_by_simulation(gate_report(0), config, off, 0.95);
  EXPECT_TRUE(d.publish) << d.reason;
}

TEST(PromotionGateBySimulation, LogsWithoutSessionsAreAConfigError) {
  EvaluationReport report = gate_report(0);
  report.logging_values.pop_back();  // the per-session value
  EXPECT_THROW(
      decide_promotion_by_simulation(report, simulator_gate(), simulated_lead(1, 0.1), 0.95),
      ConfigError);
}

TEST(PromotionGateBySimulation, TheDecisionJsonHoldsTheSimulatedEvidence) {
  PairedComparison c = simulated_lead(0.1, 0.04);
  c.truth.emplace().difference = 0.08;
  const PromotionDecision d =
      decide_promotion_by_simulation(gate_report(0), simulator_gate(), c, 0.95);
  const auto j =
      nlohmann::json::parse(promotion_decision_json(d, "models/c/1", "logs.h5", 0.95, 2));
  EXPECT_EQ(j.at("evidence"), "simulator");
  EXPECT_EQ(j.at("decision"), "published");
  const auto& sim = j.at("simulated");
  EXPECT_DOUBLE_EQ(sim.at("difference").get<double>(), 0.1);
  EXPECT_NEAR(sim.at("difference_ci_low").get<double>(), 0.1 - 1.959964 * 0.04, 1e-6);
  EXPECT_DOUBLE_EQ(sim.at("served_session_value_on_logs").get<double>(), 2.0);
  EXPECT_EQ(sim.at("sessions"), 20000);
  EXPECT_DOUBLE_EQ(j.at("true_lead").at("difference").get<double>(), 0.08);
}

ExperimentReadout experiment_with_lead(double lead) {
  // Two arms of 10,000 sessions, standard deviation 8 each: the difference's standard error is
  // 8 * sqrt(2 / 10,000) = 0.113, and its 95% interval +-0.222.
  const ArmValue served{10000, 7.5, 0.08, 8};
  const ArmValue candidate{10000, 7.5 + lead, 0.08, 8};
  return read_experiment(served, candidate, 0.95);
}

TEST(PromotionGateByExperiment, PublishesWhenTheLeadsLowerBoundClearsTheMargin) {
  PromoteConfig config;
  config.evidence = "canary";
  EXPECT_TRUE(decide_promotion_by_experiment(experiment_with_lead(0.3), config, 0.95).publish);
  EXPECT_FALSE(decide_promotion_by_experiment(experiment_with_lead(0.2), config, 0.95).publish);
  EXPECT_FALSE(decide_promotion_by_experiment(experiment_with_lead(-0.5), config, 0.95).publish);
  config.margin = 0.1;
  const PromotionDecision d =
      decide_promotion_by_experiment(experiment_with_lead(0.3), config, 0.95);
  EXPECT_FALSE(d.publish) << d.reason;
  EXPECT_NE(d.reason.find("not above the margin 0.1000"), std::string::npos) << d.reason;
}

TEST(PromotionGateByExperiment, TheDecisionJsonHoldsBothArms) {
  PromoteConfig config;
  config.evidence = "canary";
  const PromotionDecision d =
      decide_promotion_by_experiment(experiment_with_lead(0.5), config, 0.95);
  EXPECT_EQ(d.candidate.unit, "session");
  EXPECT_DOUBLE_EQ(d.candidate.value, 8.0);
  EXPECT_NEAR(d.served.ci.high - d.served.value, 1.96 * 0.08, 1e-3);
  const auto j =
      nlohmann::json::parse(promotion_decision_json(d, "models/c/1", "logs.h5", 0.95, 3));
  EXPECT_EQ(j.at("evidence"), "canary");
  EXPECT_EQ(j.at("decision"), "published");
  EXPECT_EQ(j.at("published_version"), 3);
  const auto& x = j.at("experiment");
  EXPECT_DOUBLE_EQ(x.at("difference").get<double>(), 0.5);
  EXPECT_EQ(x.at("candidate").at("sessions"), 10000);
  EXPECT_NEAR(x.at("std_error").get<double>(), 0.08 * std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(x.at("ci_low").get<double>(), 0.5 - 1.96 * 0.08 * std::sqrt(2.0), 1e-3);
}

}  // namespace
}  // namespace shoprl
