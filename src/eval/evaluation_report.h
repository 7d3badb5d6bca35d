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
  std::string interval;  // the kind in ci
  // The logging policy's own value: the mean logged reward per round, with its interval.
  Estimate logging_value;
  std::vector<Estimate> estimates;
  // Synthetic logs: the evaluation policy's true value per round (from /truth or a Monte Carlo
  // run in the true world), with its standard error. Absent for real logs.
  std::optional<double> true_value;
  std::optional<double> true_value_std_error;
  std::optional<WeightHistogram> weights;
  std::optional<RankingMetrics> ranking;
  std::vector<std::string> notes;  // said in every format (e.g. how action_dist was made)
};

// Writes dir/report.json, dir/report.md and dir/index.html, each atomically; creates dir.
void write_evaluation_report(const EvaluationReport& report, const std::string& dir);

// The same content, as the strings written (tests compare them).
std::string report_json(const EvaluationReport& report);
std::string report_markdown(const EvaluationReport& report);
std::string report_html(const EvaluationReport& report);

}  // namespace shoprl
