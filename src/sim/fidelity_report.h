// The simulator's fidelity report, independent of its formats (free of LibTorch): filled by
// evaluate_fidelity (sim/fidelity.h), written as report.json, report.md and a self-contained
// index.html (inline SVG, no scripts or URLs) in the evaluation report's style.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/fidelity_metrics.h"
#include "sim/ground_truth_result.h"
#include "sim/session_comparison.h"

namespace shoprl {

// Next-click prediction on the test split: one entry per cutoff.
struct NextClickScores {
  std::string model;  // "simulator (ensemble mixture)", "popularity (train clicks, add-one)"
  std::vector<int> cutoffs;
  std::vector<double> hit_rate;
  std::vector<double> ndcg;
  double mean_log_likelihood = 0;  // nats per target
  double perplexity = 0;
  std::int64_t targets = 0;
};

// P(purchase | clicked item) on the test click targets.
struct PurchaseScores {
  std::int64_t targets = 0;
  std::int64_t positives = 0;
  double auc = 0;  // NaN without positives or negatives
  double mean_predicted = 0;
  double observed_rate = 0;
  std::vector<ReliabilityBin> bins;
  double expected_calibration_error = 0;
};

struct MemberSummary {
  int best_epoch = 0;
  int epochs = 0;
  bool stopped_early = false;
  double valid_next_item_nll = 0;
  double valid_purchase_nll = 0;
  double valid_end_nll = 0;
};

struct CalibrationSummary {
  std::string source;  // "impressions" or "config"
  double no_click_utility = 0;
  std::vector<double> position_bias;
  double organic_rate = 0;
  double quiet_leave = 0;
  std::int64_t slates_used = 0;
  double log_likelihood = 0;
  double preference_scale = 1;
  std::string leave;                  // who leaves when (sim/leave_hazard.h, leave_rule_text)
  std::vector<double> leave_weights;  // the fitted hazard's weights; empty for the end head
};

struct FidelityReport {
  std::string title;
  std::string simulator_directory;
  std::string store_path;
  std::string store_hash;
  std::string device;
  std::uint64_t seed = 0;
  std::int64_t items = 0;
  int slate_size = 0;
  std::string encoder;
  int ensemble = 0;
  std::vector<MemberSummary> members;
  CalibrationSummary calibration;

  NextClickScores simulator_next_click;
  NextClickScores popularity_next_click;
  PurchaseScores purchase;

  std::string simulation_policy;  // how the simulated sessions were shown slates
  SessionSide real;
  SessionSide simulated;
  KsResult length_ks;

  std::optional<GroundTruthResult> ground_truth;
  std::vector<std::string> notes;
  std::string resolved_config;
};

// "fitted from N impression slates (log-likelihood L per slate)" or "taken from config".
std::string calibration_source_text(const CalibrationSummary& calibration);

// The session-length histograms of both sides on shared bins of whole lengths: bin b holds
// lengths [edges[b], edges[b + 1]); one length per bin while the longest session allows at most
// `max_bins` bins, else equal widths. Fractions are of each side's own sessions (the sides
// differ in size).
struct LengthHistogram {
  std::vector<std::int64_t> edges;
  std::vector<std::int64_t> real_count, simulated_count;
  std::vector<double> real_fraction, simulated_fraction;
};
LengthHistogram length_histogram(const std::vector<std::int64_t>& real,
                                 const std::vector<std::int64_t>& simulated, int max_bins = 40);

// Whether the ground-truth JSON beside a simulator was made with the same logs (its store hash
// is the simulator's), so that the report may show it.
bool ground_truth_matches(const GroundTruthResult& ground_truth, const std::string& store_hash);

// Writes dir/report.json, dir/report.md and dir/index.html, each atomically; creates dir.
void write_fidelity_report(const FidelityReport& report, const std::string& dir);
std::string fidelity_report_json(const FidelityReport& report);
std::string fidelity_report_markdown(const FidelityReport& report);
std::string fidelity_report_html(const FidelityReport& report);

}  // namespace shoprl
