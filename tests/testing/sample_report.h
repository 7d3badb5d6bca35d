// A hand-built evaluation report for the report tests (tests/eval/report_writer_test.cpp and
// tests/e2e/report_chromium_test.cpp): every part present, NaNs where figures are undefined, a
// declined estimator and text that needs escaping. Estimates in three units (round, slate,
// session), logging values for two of them (none for session), true values for some estimates
// (one without a standard error) and none for others.
#pragma once

#include <vector>

#include "eval/evaluation_report.h"
#include "eval/weight_histogram.h"

namespace shoprl::testing {

inline Interval make_interval(double low, double high) { return Interval{low, high}; }

// 1000 weights: 990 positive ones spread over about four decades, and 10 zeros.
inline std::vector<double> sample_weights() {
  std::vector<double> weights;
  for (int i = 0; i < 990; ++i) weights.push_back(0.01 * (1.0 + (i % 97) * (i % 13) * 0.8));
  for (int i = 0; i < 10; ++i) weights.push_back(0.0);
  return weights;
}

inline EvaluationReport sample_evaluation_report() {
  EvaluationReport report;
  report.title = "OPE of <greedy> & friends";
  report.input = "/data/synth/logs.h5";
  report.evaluation_policy = "epsilon-greedy (epsilon = 0.1) over \"item values\"";
  report.logging_policy = "popularity";
  report.resolved_config = "ope:\n  interval: bootstrap\n  confidence: 0.95\n  seed: 42\n";
  report.seed = 42;
  report.rounds = 1000;
  report.confidence = 0.95;
  report.interval = "bootstrap";

  Estimate round_logging;
  round_logging.estimator = "logging";
  round_logging.unit = "round";
  round_logging.units = 1000;
  round_logging.value = 0.1;
  round_logging.std_error = 0.01;
  round_logging.ci = make_interval(0.08, 0.12);
  Estimate slate_logging = round_logging;
  slate_logging.unit = "slate";
  slate_logging.units = 200;
  slate_logging.value = 0.5;
  slate_logging.std_error = 0.04;
  slate_logging.ci = make_interval(0.42, 0.58);
  report.logging_values = {round_logging, slate_logging};  // none for "session"

  Estimate ipw;
  ipw.estimator = "ipw";
  ipw.unit = "round";
  ipw.units = 1000;
  ipw.value = 0.123456789;
  ipw.std_error = 0.0123;
  ipw.ci = ipw.ci_bootstrap = make_interval(0.0993, 0.1478);
  ipw.ci_t = make_interval(0.0993, 0.1476);
  ipw.ci_normal = make_interval(0.0994, 0.1475);
  ipw.ci_hoeffding = make_interval(-0.2, 0.45);
  ipw.ci_bernstein = make_interval(0.05, 0.2);
  ipw.effective_sample_size = 345.6;
  ipw.max_weight = 12.5;
  ipw.clipped_fraction = 0.0;
  ipw.true_value = 0.12;
  ipw.true_value_std_error = 0.002;

  Estimate snipw = ipw;
  snipw.estimator = "snipw";
  snipw.value = 0.118;
  snipw.std_error = 0.0101;
  snipw.ci = snipw.ci_bootstrap = make_interval(0.0985, 0.1381);
  snipw.ci_hoeffding = Interval{};  // undefined for a self-normalised estimator
  snipw.clipped_fraction = kNaN;

  Estimate dm;  // no true value
  dm.estimator = "dm";
  dm.unit = "round";
  dm.units = 1000;
  dm.value = 0.0512;
  dm.std_error = 0.0021;
  dm.ci = dm.ci_bootstrap = make_interval(0.0471, 0.0553);

  Estimate dr;
  dr.estimator = "dr";
  dr.declined = "needs a reward model (reward_model.kind is none)";

  Estimate sips;  // a true value without a standard error
  sips.estimator = "sips";
  sips.unit = "slate";
  sips.units = 200;
  sips.value = 0.62;
  sips.std_error = 0.05;
  sips.ci = sips.ci_bootstrap = make_interval(0.52, 0.72);
  sips.effective_sample_size = 80.5;
  sips.max_weight = 40;
  sips.clipped_fraction = 0.01;
  sips.true_value = 0.6;

  Estimate pdis;  // its unit has no logging value
  pdis.estimator = "pdis";
  pdis.unit = "session";
  pdis.units = 200;
  pdis.value = 1.75;
  pdis.std_error = 0.2;
  pdis.ci = pdis.ci_bootstrap = make_interval(1.36, 2.14);
  pdis.effective_sample_size = 50.25;
  pdis.max_weight = 300;
  pdis.true_value = 1.8;
  pdis.true_value_std_error = 0.01;

  // Units mixed in the configured order: the report sorts the forest plot's panels itself.
  report.estimates = {ipw, pdis, snipw, sips, dm, dr};
  report.weights = make_weight_histogram("ipw", sample_weights());

  RankingMetrics ranking;
  ranking.scorer = "popularity";
  ranking.clicks = {{5, 0.25, 0.1234}, {10, 0.375, 0.15}, {20, 0.5, 0.1875}};
  ranking.purchases = {{5, 0.3, 0.2}, {10, 0.4, 0.25}, {20, 0.6, 0.3}};
  ranking.click_events = 500;
  ranking.purchase_events = 40;
  report.ranking = ranking;
  report.notes = {"action_dist from the evaluation policy's slate probabilities",
                  "weights clipped at 100"};
  return report;
}

// The same report as real logs would give: no true values, histogram, ranking or notes.
inline EvaluationReport sample_report_without_optional_parts() {
  EvaluationReport report = sample_evaluation_report();
  for (Estimate& estimate : report.estimates) {
    estimate.true_value = kNaN;
    estimate.true_value_std_error = kNaN;
  }
  report.weights.reset();
  report.ranking.reset();
  report.notes.clear();
  return report;
}

}  // namespace shoprl::testing
