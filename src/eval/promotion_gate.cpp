// The off-policy gate (promotion_gate.h).
#include "eval/promotion_gate.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/json_number.h"

namespace shoprl {

PromotionDecision decide_promotion(const EvaluationReport& report, const PromoteConfig& config) {
  PromotionDecision d;
  d.candidate_true_session_value = report.true_session_value;
  d.candidate_true_session_value_std_error = report.true_session_value_std_error;
  d.rule = config.rule;
  d.margin = config.margin;
  const Estimate* candidate = nullptr;
  for (const Estimate& e : report.estimates)
    if (e.estimator == config.estimator) candidate = &e;
  if (candidate == nullptr)
    throw ConfigError(
        fmt::format("promote.estimator: '{}' is not among the evaluation's estimates (add it to "
                    "ope.estimators)",
                    config.estimator));
  d.candidate = *candidate;
  const Estimate* served = nullptr;
  for (const Estimate& e : report.logging_values)
    if (e.unit == candidate->unit) served = &e;
  if (served == nullptr)
    throw ConfigError(fmt::format(
        "promote.estimator: '{}' estimates per {}, and the logs give no on-policy value per {}",
        config.estimator, candidate->unit, candidate->unit));
  d.served = *served;

  if (!candidate->declined.empty()) {
    d.reason = fmt::format("refused: {} declined ({})", config.estimator, candidate->declined);
    return d;
  }
  if (!candidate->unreliable.empty()) {
    d.reason =
        fmt::format("refused: {} is unreliable here ({})", config.estimator, candidate->unreliable);
    return d;
  }
  const double bar = config.rule == "lower_vs_upper" ? served->ci.high : served->value;
  d.threshold = bar + config.margin;
  const char* bar_name = config.rule == "lower_vs_upper" ? "upper bound" : "value";
  if (!candidate->ci.defined() || !std::isfinite(d.threshold)) {
    d.reason = fmt::format("refused: {} has no interval", config.estimator);
    return d;
  }
  d.publish = candidate->ci.low > d.threshold;
  d.reason = fmt::format(
      "{}: the candidate's lower bound {:.6f} ({}) is {} the served policy's {} {:.6f}{} per {}",
      d.publish ? "published" : "refused", candidate->ci.low, config.estimator,
      d.publish ? "above" : "not above", bar_name, bar,
      config.margin != 0 ? fmt::format(" + margin {:.6f}", config.margin) : "", candidate->unit);
  return d;
}

namespace {

nlohmann::json estimate_json(const Estimate& e) {
  return {{"estimator", e.estimator},
          {"unit", e.unit},
          {"units", e.units},
          {"value", json_number(e.value)},
          {"std_error", json_number(e.std_error)},
          {"ci_low", json_number(e.ci.low)},
          {"ci_high", json_number(e.ci.high)},
          {"effective_sample_size", json_number(e.effective_sample_size)},
          {"true_value", json_number(e.true_value)},
          {"true_value_std_error", json_number(e.true_value_std_error)}};
}

}  // namespace

std::string promotion_decision_json(const PromotionDecision& d, const std::string& candidate,
                                    const std::string& logs, double confidence,
                                    std::int64_t published_version) {
  nlohmann::json out = {
      {"decision", d.publish ? "published" : "refused"},
      {"reason", d.reason},
      {"candidate", candidate},
      {"logs", logs},
      {"rule", d.rule},
      {"margin", d.margin},
      {"threshold", json_number(d.threshold)},
      {"confidence", confidence},
      {"candidate_estimate", estimate_json(d.candidate)},
      {"served_value", estimate_json(d.served)},
      {"candidate_true_session_value", json_number(d.candidate_true_session_value)},
      {"candidate_true_session_value_std_error",
       json_number(d.candidate_true_session_value_std_error)}};
  if (published_version > 0) out["published_version"] = published_version;
  return out.dump(2) + "\n";
}

}  // namespace shoprl
