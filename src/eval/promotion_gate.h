// The off-policy gate of the closed loop: from a candidate's evaluation on served logs, decide
// whether it may replace the served policy. The served policy's value is the logs' own
// on-policy mean in the chosen estimator's unit (it wrote them); the candidate's evidence is
// that estimator's confidence interval. A declined or unreliable estimate never publishes.
#pragma once

#include <cstdint>
#include <string>

#include "eval/estimate.h"
#include "eval/evaluation_report.h"
#include "eval/promote_config.h"

namespace shoprl {

struct PromotionDecision {
  bool publish = false;
  std::string reason;  // one sentence: why published or refused
  std::string rule;
  double margin = 0;
  double threshold = kNaN;  // what the candidate's lower bound had to exceed
  Estimate candidate;       // the chosen estimator's estimate
  Estimate served;          // the logs' own value in the same unit
  // The candidate's true value per session where the logs' world is known (NaN otherwise).
  double candidate_true_session_value = kNaN;
  double candidate_true_session_value_std_error = kNaN;
};

// ConfigError naming promote.estimator when the report has no such estimate (not in
// ope.estimators) or no on-policy value in its unit.
PromotionDecision decide_promotion(const EvaluationReport& report, const PromoteConfig& config);

// decision.json: the decision, the evidence (both estimates with intervals, true values where
// the logs' world knows them), what was compared, and the version published (0: none).
std::string promotion_decision_json(const PromotionDecision& decision, const std::string& candidate,
                                    const std::string& logs, double confidence,
                                    std::int64_t published_version);

}  // namespace shoprl
