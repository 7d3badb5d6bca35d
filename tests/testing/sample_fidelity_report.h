// A hand-made fidelity report (with a ground-truth result) for the tests of its formats: every
// section filled, an undefined AUC and click-through (NaN), an empty reliability bin.
#pragma once

#include <cmath>
#include <limits>

#include "sim/fidelity_report.h"
#include "sim/ground_truth_result.h"

namespace shoprl::testing {

inline GroundTruthResult sample_ground_truth() {
  GroundTruthResult g;
  const auto policy = [](const char* name, double truth, double simulated) {
    PolicyComparison p;
    p.name = name;
    p.truth = {truth, 0.01, 4.0, 0.3, 0.1};
    p.simulated = {simulated, 0.02, 4.5, 0.35, 0.12};
    return p;
  };
  g.policies = {policy("uniform", 0.5, 0.6), policy("popularity:temperature=1", 1.0, 0.9),
                policy("history_oracle:noise=0", 2.0, 2.5), policy("zero", 0.0, 0.1)};
  g.episodes = 1000;
  g.logged_sessions = 2000;
  g.logged_events = 9000;
  g.items = 200;
  g.logging_policy = "epsilon_greedy";
  g.ensemble = 2;
  g.store_hash = "abc123";
  g.seed = 7;
  g.fit_seconds = 1.5;
  g.evaluation_seconds = 2.5;
  summarize_ground_truth(g);
  return g;
}

inline FidelityReport sample_fidelity_report() {
  FidelityReport r;
  r.title = "Simulator fidelity: test <&>";
  r.simulator_directory = "runs/sim";
  r.store_path = "logs.h5";
  r.store_hash = "abc123";
  r.device = "cpu";
  r.seed = 3;
  r.items = 200;
  r.slate_size = 2;
  r.encoder = "gru";
  r.ensemble = 2;
  r.members = {{3, 5, true, 4.5, 0.3, 0.6}, {4, 6, false, 4.4, 0.31, 0.61}};
  r.calibration = {"impressions", -2.5, {0.0, 0.4}, 0.8, 0.1, 1500, -1.25, 0.625, "", {}};
  r.simulator_next_click = {"simulator",   {5, 10, 20}, {0.2, 0.3, 0.4}, {0.1, 0.15, 0.2}, -4.0,
                            std::exp(4.0), 800};
  r.popularity_next_click = {"popularity",  {5, 10, 20}, {0.1, 0.2, 0.3}, {0.05, 0.1, 0.15}, -5.0,
                             std::exp(5.0), 800};
  r.purchase.targets = 800;
  r.purchase.positives = 0;
  r.purchase.auc = std::numeric_limits<double>::quiet_NaN();  // no positives
  r.purchase.mean_predicted = 0.05;
  r.purchase.observed_rate = 0;
  r.purchase.bins = reliability_bins({0.05, 0.15, 0.12}, {0, 0, 0}, 10);
  r.purchase.expected_calibration_error = expected_calibration_error(r.purchase.bins);
  r.simulation_policy = "logged slates";
  r.real.lengths = {1, 2, 2, 5};
  r.real.click_through_rate = std::numeric_limits<double>::quiet_NaN();
  r.simulated.lengths = {2, 3};
  finish_session_side(r.real, {3, 1, 0});
  finish_session_side(r.simulated, {1, 1, 1});
  r.simulated.click_through_rate = 0.25;
  r.length_ks = ks_two_sample(r.real.lengths, r.simulated.lengths);
  r.ground_truth = sample_ground_truth();
  r.notes = {"a note"};
  r.resolved_config = "sim:\n  ensemble: 2\n";
  return r;
}

}  // namespace shoprl::testing
