// The off-policy gate (promotion_gate.h).
#include "eval/promotion_gate.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/json_number.h"
#include "eval/confidence_intervals.h"

namespace shoprl {

namespace {

// The decision's common part: the chosen estimate and the logs' own value in its unit.
PromotionDecision evidence_of(const EvaluationReport& report, const PromoteConfig& config) {
  PromotionDecision d;
  d.evidence = config.evidence;
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
  return d;
}

// Why the estimate cannot be read, "" when it can.
std::string unusable(const Estimate& candidate, const std::string& estimator) {
  if (!candidate.declined.empty())
    return fmt::format("refused: {} declined ({})", estimator, candidate.declined);
  if (!candidate.unreliable.empty())
    return fmt::format("refused: {} is unreliable here ({})", estimator, candidate.unreliable);
  return "";
}

}  // namespace

PromotionDecision decide_promotion(const EvaluationReport& report, const PromoteConfig& config) {
  PromotionDecision d = evidence_of(report, config);
  const Estimate& candidate = d.candidate;
  const Estimate& served = d.served;
  d.reason = unusable(candidate, config.estimator);
  if (!d.reason.empty()) return d;
  const double bar = config.rule == "lower_vs_upper" ? served.ci.high : served.value;
  d.threshold = bar + config.margin;
  const char* bar_name = config.rule == "lower_vs_upper" ? "upper bound" : "value";
  if (!candidate.ci.defined() || !std::isfinite(d.threshold)) {
    d.reason = fmt::format("refused: {} has no interval", config.estimator);
    return d;
  }
  d.publish = candidate.ci.low > d.threshold;
  d.reason = fmt::format(
      "{}: the candidate's lower bound {:.6f} ({}) is {} the served policy's {} {:.6f}{} per {}",
      d.publish ? "published" : "refused", candidate.ci.low, config.estimator,
      d.publish ? "above" : "not above", bar_name, bar,
      config.margin != 0 ? fmt::format(" + margin {:.6f}", config.margin) : "", candidate.unit);
  return d;
}

PromotionDecision decide_promotion_by_simulation(const EvaluationReport& report,
                                                 const PromoteConfig& config,
                                                 const PairedComparison& simulated,
                                                 double confidence) {
  if (!simulated.simulated) throw Error("promotion gate: no simulated comparison to decide on");
  const PairedPolicyValue& sim = *simulated.simulated;
  PromotionDecision d = evidence_of(report, config);
  d.paired = simulated;
  const Estimate* per_session = nullptr;
  for (const Estimate& e : report.logging_values)
    if (e.unit == "session") per_session = &e;
  if (per_session == nullptr)
    throw ConfigError(
        "promote.evidence: simulator compares values per session, and the logs give none (a "
        "store of sessions with impressions is needed)");
  d.served_session_value = per_session->value;
  d.simulator_gap =
      std::abs(sim.baseline.value - d.served_session_value) / std::abs(d.served_session_value);
  d.difference_ci = normal_interval(sim.difference, sim.difference_std_error, confidence);
  d.threshold = config.margin;

  d.reason = unusable(d.candidate, config.estimator);
  if (!d.reason.empty()) return d;
  if (!d.candidate.ci.defined() || d.candidate.ci.high < d.served.value) {
    d.reason = fmt::format(
        "refused: the logs place the candidate below the served policy ({} upper bound {:.6f} < "
        "{:.6f} per {})",
        config.estimator, d.candidate.ci.high, d.served.value, d.candidate.unit);
    return d;
  }
  if (!(d.simulator_gap <= config.simulator_tolerance)) {
    d.reason = fmt::format(
        "refused: the simulator values the served policy at {:.4f} per session and its logs at "
        "{:.4f} ({:.1f}% apart, tolerance {:.1f}%): it is not trusted to compare policies",
        sim.baseline.value, d.served_session_value, 100 * d.simulator_gap,
        100 * config.simulator_tolerance);
    return d;
  }
  d.publish = d.difference_ci.low > d.threshold;
  d.reason = fmt::format(
      "{}: in the simulator the candidate's lead over the served policy is {:+.4f} per session, "
      "lower bound {:+.4f}, {} the margin {:.4f}",
      d.publish ? "published" : "refused", sim.difference, d.difference_ci.low,
      d.publish ? "above" : "not above", config.margin);
  return d;
}

PromotionDecision decide_promotion_by_experiment(const ExperimentReadout& experiment,
                                                 const PromoteConfig& config, double confidence) {
  PromotionDecision d;
  d.evidence = config.evidence;
  d.rule = "lower_bound";
  d.margin = config.margin;
  d.threshold = config.margin;
  d.experiment = experiment;
  const auto arm_estimate = [confidence](const ArmValue& arm, const std::string& name) {
    Estimate e;
    e.estimator = name;
    e.unit = "session";
    e.units = static_cast<std::size_t>(arm.sessions);
    e.value = arm.mean;
    e.std_error = arm.std_error;
    e.effective_sample_size = static_cast<double>(arm.sessions);
    e.ci = student_t_interval(arm.mean, arm.std_error, e.units, confidence);
    return e;
  };
  d.candidate = arm_estimate(experiment.candidate, "canary");
  d.served = arm_estimate(experiment.served, "on-policy");
  d.publish = experiment.ci.defined() && experiment.ci.low > d.threshold;
  d.reason = fmt::format(
      "{}: served to its own units, the candidate's lead over the served model is {:+.4f} per "
      "session ({} against {} sessions), lower bound {:+.4f}, {} the margin {:.4f}",
      d.publish ? "published" : "refused", experiment.difference, experiment.candidate.sessions,
      experiment.served.sessions, experiment.ci.low, d.publish ? "above" : "not above",
      config.margin);
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
  out["evidence"] = d.evidence;
  const PairedComparison& c = d.paired;
  if (c.simulated) {
    const PairedPolicyValue& sim = *c.simulated;
    out["simulated"] = {{"simulator", c.simulator},
                        {"sessions", c.sessions},
                        {"candidate_value", json_number(sim.candidate.value)},
                        {"candidate_std_error", json_number(sim.candidate.std_error)},
                        {"baseline_value", json_number(sim.baseline.value)},
                        {"baseline_std_error", json_number(sim.baseline.std_error)},
                        {"baseline_session_length", json_number(sim.baseline.mean_session_length)},
                        {"difference", json_number(sim.difference)},
                        {"difference_std_error", json_number(sim.difference_std_error)},
                        {"difference_ci_low", json_number(d.difference_ci.low)},
                        {"difference_ci_high", json_number(d.difference_ci.high)},
                        {"correlation", json_number(sim.correlation)},
                        {"served_session_value_on_logs", json_number(d.served_session_value)},
                        {"simulator_gap", json_number(d.simulator_gap)}};
  }
  if (const auto& x = d.experiment) {
    const auto arm_json = [](const ArmValue& arm) {
      return nlohmann::json{{"sessions", arm.sessions},
                            {"value", json_number(arm.mean)},
                            {"std_error", json_number(arm.std_error)},
                            {"std_dev", json_number(arm.std_dev)}};
    };
    out["experiment"] = {{"served", arm_json(x->served)},
                         {"candidate", arm_json(x->candidate)},
                         {"difference", json_number(x->difference)},
                         {"std_error", json_number(x->std_error)},
                         {"degrees_of_freedom", json_number(x->degrees_of_freedom)},
                         {"ci_low", json_number(x->ci.low)},
                         {"ci_high", json_number(x->ci.high)}};
  }
  if (c.truth)
    out["true_lead"] = {
        {"sessions", c.sessions},
        {"difference", json_number(c.truth->difference)},
        {"std_error", json_number(c.truth->difference_std_error)},
        {"candidate_value", json_number(c.truth->candidate.value)},
        {"candidate_std_error", json_number(c.truth->candidate.std_error)},
        {"baseline_value", json_number(c.truth->baseline.value)},
        {"baseline_session_length", json_number(c.truth->baseline.mean_session_length)}};
  if (published_version > 0) out["published_version"] = published_version;
  return out.dump(2) + "\n";
}

}  // namespace shoprl
