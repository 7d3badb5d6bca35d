// The gate of the closed loop: from a candidate's evaluation on served logs, decide whether it
// may replace the served policy. The served policy's value is the logs' own on-policy mean in
// the chosen estimator's unit (it wrote them). With promote.evidence off_policy the candidate's
// evidence is that estimator's confidence interval; with evidence simulator it is the paired
// difference of the candidate and the served policy in a simulator fitted on the served
// traffic, and the estimator guards it; with evidence canary it is an A/B experiment, the
// candidate served to its own share of the units (docs/closed-loop.md). A declined or
// unreliable estimate never publishes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "env/paired_policy_value.h"
#include "eval/ab_experiment.h"
#include "eval/estimate.h"
#include "eval/evaluation_report.h"
#include "eval/promote_config.h"

namespace shoprl {

// Candidate and served policy (the baseline) played on the same sessions
// (env/paired_policy_value.h): in a simulator fitted on the served traffic (promote.evidence
// simulator), and where the logs' world is known, in that world (the true lead).
struct PairedComparison {
  std::int64_t sessions = 0;                   // per policy
  std::string simulator;                       // the fitted simulator's folder; "" without one
  std::optional<PairedPolicyValue> simulated;  // in the simulator
  std::optional<PairedPolicyValue> truth;      // in the world that wrote the logs
};

struct PromotionDecision {
  bool publish = false;
  std::string reason;  // one sentence: why published or refused
  std::string evidence = "off_policy";
  std::string rule;
  double margin = 0;
  double threshold = kNaN;  // what the candidate's lower bound had to exceed
  Estimate candidate;       // the chosen estimator's estimate
  Estimate served;          // the logs' own value in the same unit
  // The candidate's true value per session where the logs' world is known (NaN otherwise).
  double candidate_true_session_value = kNaN;
  double candidate_true_session_value_std_error = kNaN;
  // The paired comparison (promote.baseline given); with evidence simulator also the interval
  // on the simulated difference, the served policy's value per session on the logs and how far
  // the simulator's value of it is from that.
  PairedComparison paired;
  Interval difference_ci;
  double served_session_value = kNaN;
  double simulator_gap = kNaN;  // |simulated baseline - served_session_value| / served
  std::optional<ExperimentReadout> experiment;  // evidence canary: both arms, the lead's interval
};

// ConfigError naming promote.estimator when the report has no such estimate (not in
// ope.estimators) or no on-policy value in its unit.
PromotionDecision decide_promotion(const EvaluationReport& report, const PromoteConfig& config);

// promote.evidence simulator: refuses when the estimator declined, is unreliable or its upper
// bound is below the served policy's value (the logs must support the candidate and not place
// it below), when the simulator's value of the baseline is more than simulator_tolerance away
// from the served policy's value per session on the logs, and otherwise publishes when the
// lower end of the difference's interval (normal, at `confidence`) exceeds the margin.
// ConfigError when the logs give no per-session value (a store without sessions); Error when
// `paired` holds no simulated comparison.
PromotionDecision decide_promotion_by_simulation(const EvaluationReport& report,
                                                 const PromoteConfig& config,
                                                 const PairedComparison& paired, double confidence);

// promote.evidence canary: publishes when the lower end of the experiment's interval on the
// candidate's lead per session exceeds the margin. No off-policy estimate takes part (the
// decision's `candidate` and `served` estimates are the two arms' means per session, with
// Student t intervals at `confidence`).
PromotionDecision decide_promotion_by_experiment(const ExperimentReadout& experiment,
                                                 const PromoteConfig& config, double confidence);

// decision.json: the decision, the evidence (both estimates with intervals, true values where
// the logs' world knows them), what was compared, and the version published (0: none).
std::string promotion_decision_json(const PromotionDecision& decision, const std::string& candidate,
                                    const std::string& logs, double confidence,
                                    std::int64_t published_version);

}  // namespace shoprl
