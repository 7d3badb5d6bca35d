// The off-policy gate (eval/promotion_gate.h): publishes only on a lower bound above the bar.
#include "eval/promotion_gate.h"

#include <gtest/gtest.h>

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
  const PromotionDecision d = decide_promotion(gate_report(2.5), config);
  const auto j =
      nlohmann::json::parse(promotion_decision_json(d, "models/c/1", "logs.h5", 0.95, 3));
  EXPECT_EQ(j.at("decision"), "published");
  EXPECT_DOUBLE_EQ(j.at("candidate_estimate").at("ci_low").get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j.at("served_value").at("value").get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(j.at("threshold").get<double>(), 2.0);
  EXPECT_EQ(j.at("candidate"), "models/c/1");
  EXPECT_EQ(j.at("published_version"), 3);
}

}  // namespace
}  // namespace shoprl
