// report.json of the fidelity report: every figure at full precision, NaN as null. The HTML
// page names each number it shows by its path here (data-key), so that a test can compare them.
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json_number.h"
#include "sim/fidelity_report.h"

namespace shoprl {

namespace {

using nlohmann::json;

json next_click_json(const NextClickScores& scores) {
  json cutoffs = json::array();
  for (std::size_t c = 0; c < scores.cutoffs.size(); ++c) {
    cutoffs.push_back({{"k", scores.cutoffs[c]},
                       {"hit_rate", json_number(scores.hit_rate[c])},
                       {"ndcg", json_number(scores.ndcg[c])}});
  }
  return {{"model", scores.model},
          {"targets", scores.targets},
          {"mean_log_likelihood", json_number(scores.mean_log_likelihood)},
          {"perplexity", json_number(scores.perplexity)},
          {"cutoffs", cutoffs}};
}

json purchase_json(const PurchaseScores& scores) {
  json bins = json::array();
  for (const ReliabilityBin& bin : scores.bins) {
    bins.push_back({{"low", bin.low},
                    {"high", bin.high},
                    {"mean_predicted", json_number(bin.mean_predicted)},
                    {"observed_rate", json_number(bin.observed_rate)},
                    {"count", bin.count}});
  }
  return {{"targets", scores.targets},
          {"positives", scores.positives},
          {"auc", json_number(scores.auc)},
          {"mean_predicted", json_number(scores.mean_predicted)},
          {"observed_rate", json_number(scores.observed_rate)},
          {"expected_calibration_error", json_number(scores.expected_calibration_error)},
          {"reliability_bins", bins}};
}

json side_json(const SessionSide& side) {
  return {
      {"sessions", side.sessions},
      {"mean_length", json_number(side.mean_length)},
      {"slates", side.slates},
      {"clicked_slates", side.clicked_slates},
      {"click_through_rate", json_number(side.click_through_rate)},
      {"converted_sessions", side.converted_sessions},
      {"conversion_rate", json_number(side.conversion_rate)},
      {"clicks", side.clicks},
      {"click_gini", json_number(side.click_gini)},
      {"click_top1_share", json_number(side.click_top1_share)},
      // length_counts[n] = sessions of n events.
      {"length_counts", side.lengths.empty() ? json::array() : json(value_counts(side.lengths))}};
}

}  // namespace

std::string fidelity_report_json(const FidelityReport& report) {
  json members = json::array();
  for (const MemberSummary& m : report.members) {
    members.push_back({{"best_epoch", m.best_epoch},
                       {"epochs", m.epochs},
                       {"stopped_early", m.stopped_early},
                       {"valid_next_item_nll", json_number(m.valid_next_item_nll)},
                       {"valid_purchase_nll", json_number(m.valid_purchase_nll)},
                       {"valid_end_nll", json_number(m.valid_end_nll)}});
  }
  const CalibrationSummary& c = report.calibration;
  json position_bias = json::array();
  for (const double b : c.position_bias) position_bias.push_back(json_number(b));
  json leave_weights = json::array();
  for (const double w : c.leave_weights) leave_weights.push_back(json_number(w));
  const LengthHistogram histogram = length_histogram(report.real.lengths, report.simulated.lengths);
  json out = {
      {"title", report.title},
      {"simulator_directory", report.simulator_directory},
      {"store", report.store_path},
      {"store_hash", report.store_hash},
      {"device", report.device},
      {"seed", report.seed},
      {"items", report.items},
      {"slate_size", report.slate_size},
      {"encoder", report.encoder},
      {"ensemble", report.ensemble},
      {"members", members},
      {"calibration",
       {{"source", c.source},
        {"source_text", calibration_source_text(c)},
        {"no_click_utility", json_number(c.no_click_utility)},
        {"preference_scale", json_number(c.preference_scale)},
        {"position_bias", position_bias},
        {"organic_rate", json_number(c.organic_rate)},
        {"quiet_leave", json_number(c.quiet_leave)},
        {"slates_used", c.slates_used},
        {"log_likelihood", json_number(c.log_likelihood)},
        {"leave", c.leave},
        {"leave_weights", leave_weights}}},
      {"next_click",
       {{"simulator", next_click_json(report.simulator_next_click)},
        {"popularity", next_click_json(report.popularity_next_click)}}},
      {"purchase", purchase_json(report.purchase)},
      {"sessions",
       {{"policy", report.simulation_policy},
        {"real", side_json(report.real)},
        {"simulated", side_json(report.simulated)},
        {"length_ks",
         {{"statistic", json_number(report.length_ks.statistic)},
          {"p_value", json_number(report.length_ks.p_value)}}},
        {"length_histogram",
         {{"edges", histogram.edges},
          {"real_fraction", histogram.real_fraction},
          {"simulated_fraction", histogram.simulated_fraction}}}}},
      {"ground_truth",
       report.ground_truth ? json::parse(ground_truth_json(*report.ground_truth)) : json(nullptr)},
      {"notes", report.notes},
      {"config", report.resolved_config}};
  return out.dump(2) + "\n";
}

}  // namespace shoprl
