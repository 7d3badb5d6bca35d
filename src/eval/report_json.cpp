// report.json: every figure of the report at full precision; NaN (undefined) is null. The
// logging policy's value is given per unit, and each estimate carries its own true value and is
// compared only with the logging value of its own unit.
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "eval/evaluation_report.h"
#include "eval/report_format.h"

namespace shoprl {

namespace {

using nlohmann::json;

json number_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json interval_or_null(const Interval& interval) {
  if (!interval.defined()) return nullptr;
  return json::array({interval.low, interval.high});
}

json estimate_json(const Estimate& estimate, const EvaluationReport& report) {
  json intervals = json::object();
  for (const IntervalKind& kind : interval_kinds()) {
    intervals[kind.name] = interval_or_null(estimate.*kind.interval);
  }
  json out = {
      {"value", number_or_null(estimate.value)},
      {"std_error", number_or_null(estimate.std_error)},
      {"ci_low", number_or_null(estimate.ci.low)},
      {"ci_high", number_or_null(estimate.ci.high)},
      {"unit", estimate.unit},
      {"units", estimate.units},
      {"intervals", intervals},
      {"effective_sample_size", number_or_null(estimate.effective_sample_size)},
      {"max_weight", number_or_null(estimate.max_weight)},
      {"clipped_fraction", number_or_null(estimate.clipped_fraction)},
      {"relative_to_logging", number_or_null(relative_to_logging(estimate, report.logging_values))},
      {"true_value", number_or_null(estimate.true_value)},
      {"true_value_std_error", number_or_null(estimate.true_value_std_error)},
      {"true_value_error", number_or_null(true_value_error(estimate))},
      {"unreliable", estimate.unreliable.empty() ? json(nullptr) : json(estimate.unreliable)},
  };
  return out;
}

// The logging policy's on-policy value per unit; values in different units are not comparable.
json logging_values_json(const std::vector<Estimate>& logging_values) {
  json out = json::object();
  for (const Estimate& logging : logging_values) {
    if (out.contains(logging.unit)) continue;  // the first one per unit, as logging_value_for
    out[logging.unit] = {{"value", number_or_null(logging.value)},
                         {"std_error", number_or_null(logging.std_error)},
                         {"ci_low", number_or_null(logging.ci.low)},
                         {"ci_high", number_or_null(logging.ci.high)},
                         {"units", logging.units}};
  }
  return out;
}

json ranking_json(const RankingMetrics& ranking) {
  const auto cutoffs = [](const std::vector<RankingAtK>& rows) {
    json out = json::array();
    for (const RankingAtK& row : rows) {
      out.push_back({{"k", row.k},
                     {"hit_rate", number_or_null(row.hit_rate)},
                     {"ndcg", number_or_null(row.ndcg)}});
    }
    return out;
  };
  return {{"scorer", ranking.scorer},
          {"clicks", cutoffs(ranking.clicks)},
          {"purchases", cutoffs(ranking.purchases)},
          {"click_events", ranking.click_events},
          {"purchase_events", ranking.purchase_events}};
}

json histogram_json(const WeightHistogram& histogram) {
  return {{"estimator", histogram.estimator},
          {"bin_edges_log10", histogram.bin_edges},
          {"counts", histogram.counts},
          {"zero_weights", histogram.zero_weights}};
}

// The estimate the report leads with (report_format.h: headline_estimate), or null.
json headline_json(const EvaluationReport& report) {
  const Estimate* e = headline_estimate(report.estimates);
  if (e == nullptr) return nullptr;
  const Estimate* logging = logging_value_for(report.logging_values, e->unit);
  return {{"estimator", e->estimator},
          {"unit", e->unit},
          {"value", number_or_null(e->value)},
          {"ci_low", number_or_null(e->ci.low)},
          {"ci_high", number_or_null(e->ci.high)},
          {"logging_value", logging ? number_or_null(logging->value) : json(nullptr)},
          {"true_value", number_or_null(e->true_value)}};
}

}  // namespace

std::string report_json(const EvaluationReport& report) {
  json estimates = json::object();
  json declined = json::object();
  for (const Estimate& estimate : report.estimates) {
    if (estimate.declined.empty()) {
      estimates[estimate.estimator] = estimate_json(estimate, report);
    } else {
      declined[estimate.estimator] = estimate.declined;
    }
  }
  // Optional parts are null when absent, so that the keys are the same for every report.
  const json out = {
      {"title", report.title},
      {"input", report.input},
      {"evaluation_policy", report.evaluation_policy},
      {"logging_policy", report.logging_policy},
      {"seed", report.seed},
      {"rounds", report.rounds},
      {"confidence", report.confidence},
      {"interval", report.interval},
      {"interval_note", report.interval_note},
      {"config", report.resolved_config},
      {"headline", headline_json(report)},
      {"true_value_label", report.true_value_label},
      {"logging_policy_values", logging_values_json(report.logging_values)},
      {"estimates", estimates},
      {"declined", declined},
      {"weight_histogram", report.weights ? histogram_json(*report.weights) : json(nullptr)},
      {"ranking", report.ranking ? ranking_json(*report.ranking) : json(nullptr)},
      {"notes", report.notes},
  };
  return out.dump(2) + "\n";
}

}  // namespace shoprl
