// The evaluation report's content, independent of its formats: written as report.json,
// report.md and a self-contained index.html (inline SVG, no network) by report_writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/estimate.h"
#include "eval/ranking_metrics.h"
#include "eval/weight_histogram.h"

namespace shoprl {

struct EvaluationReport {
  std::string title;
  std::string input;              // what was evaluated: file or store path
  std::string evaluation_policy;  // description
  std::string logging_policy;     // description
  std::string resolved_config;    // YAML
  std::uint64_t seed = 0;
  std::size_t rounds = 0;
  double confidence = 0.95;
  std::string interval;       // the kind in ci (shown_interval_kind)
  std::string interval_note;  // why it is not ope.interval; "" when it is
  // Estimators average over different units (OpeResult): a round's reward, a slate's summed
  // reward, a session's discounted return. Values are comparable only within a unit, so the
  // logging policy's own value (the on-policy mean of the logs, with its interval) is given per
  // unit that appears among the estimates, and each estimate carries its own true value
  // (Estimate::true_value, NaN when unknown: real logs, or no truth for that unit).
  std::vector<Estimate> logging_values;  // one per unit, Estimate::unit says which
  std::vector<Estimate> estimates;
  std::optional<WeightHistogram> weights;
  std::optional<RankingMetrics> ranking;
  std::vector<std::string> notes;  // said in every format (e.g. how action_dist was made)
  // What Estimate::true_value holds: "true value" (the synthetic world's) or "yardstick" (an
  // on-policy value of the evaluation policy's own logs: true_value.h).
  std::string true_value_label = "true value";
  // The evaluated policy's true value per session in the world that wrote the logs (a Monte
  // Carlo run), whatever units the estimates are in; NaN when unknown.
  double true_session_value = kNaN;
  double true_session_value_std_error = kNaN;
};

// Writes dir/report.json, dir/report.md and dir/index.html, each atomically; creates dir.
void write_evaluation_report(const EvaluationReport& report, const std::string& dir);

// The same content, as the strings written (tests compare them).
std::string report_json(const EvaluationReport& report);
std::string report_markdown(const EvaluationReport& report);
std::string report_html(const EvaluationReport& report);

}  // namespace shoprl
