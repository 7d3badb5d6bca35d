// report.md of the fidelity report: the same tables as index.html, numbers to four significant
// digits (report.json has them in full).
#include <fmt/format.h>

#include <cmath>

#include "eval/report_format.h"
#include "sim/fidelity_report.h"

namespace shoprl {

namespace {

std::string num(double value) { return format_report_number(value); }

// value / baseline, "n/a" when either is missing or the baseline is 0.
std::string ratio(double value, double baseline) {
  return std::isfinite(value) && std::isfinite(baseline) && baseline != 0
             ? num(value / baseline) + "x"
             : "n/a";
}

std::string next_click_section(const FidelityReport& r) {
  const NextClickScores& model = r.simulator_next_click;
  const NextClickScores& base = r.popularity_next_click;
  std::string out = fmt::format(
      "## Next-click prediction (test split)\n\n{} next-click targets; the simulator's "
      "next-item distribution is the mean of its members' softmax probabilities. Ties are broken "
      "at random (expected HR and NDCG).\n\n| Metric | Simulator | Popularity | Simulator / "
      "popularity |\n|---|---:|---:|---:|\n",
      model.targets);
  for (std::size_t c = 0; c < model.cutoffs.size(); ++c) {
    out += fmt::format("| HR@{} | {} | {} | {} |\n", model.cutoffs[c], num(model.hit_rate[c]),
                       num(base.hit_rate[c]), ratio(model.hit_rate[c], base.hit_rate[c]));
  }
  for (std::size_t c = 0; c < model.cutoffs.size(); ++c) {
    out += fmt::format("| NDCG@{} | {} | {} | {} |\n", model.cutoffs[c], num(model.ndcg[c]),
                       num(base.ndcg[c]), ratio(model.ndcg[c], base.ndcg[c]));
  }
  out += fmt::format("| Log-likelihood per target (nats) | {} | {} | |\n",
                     num(model.mean_log_likelihood), num(base.mean_log_likelihood));
  out += fmt::format("| Perplexity | {} | {} | {} |\n\n", num(model.perplexity),
                     num(base.perplexity), ratio(model.perplexity, base.perplexity));
  return out;
}

std::string purchase_section(const PurchaseScores& p) {
  std::string out = fmt::format(
      "## Purchase given a click (test split)\n\n{} click targets, {} followed by a purchase of "
      "the clicked item. AUC {}; expected calibration error {}; mean predicted {} against an "
      "observed rate of {}.\n\n| Bin | Mean predicted | Observed rate | Count |\n"
      "|---|---:|---:|---:|\n",
      p.targets, p.positives, num(p.auc), num(p.expected_calibration_error), num(p.mean_predicted),
      num(p.observed_rate));
  for (std::size_t b = 0; b < p.bins.size(); ++b) {
    const ReliabilityBin& bin = p.bins[b];
    out += fmt::format("| [{}, {}{} | {} | {} | {} |\n", num(bin.low), num(bin.high),
                       b + 1 == p.bins.size() ? "]" : ")",  // the last bin holds 1
                       num(bin.mean_predicted), num(bin.observed_rate), bin.count);
  }
  return out + "\n";
}

std::string sessions_section(const FidelityReport& r) {
  std::string out = fmt::format(
      "## Simulated against real sessions\n\nReal: the test split's sessions. Simulated: the "
      "learned environment, policy {}.\n\n| | Real | Simulated |\n|---|---:|---:|\n",
      r.simulation_policy);
  const auto row = [&](const char* label, const std::string& real, const std::string& sim) {
    out += fmt::format("| {} | {} | {} |\n", label, real, sim);
  };
  row("Sessions", std::to_string(r.real.sessions), std::to_string(r.simulated.sessions));
  row("Mean length (events)", num(r.real.mean_length), num(r.simulated.mean_length));
  row("Click-through (clicked slates / slates)", num(r.real.click_through_rate),
      num(r.simulated.click_through_rate));
  row("Conversion (sessions with a purchase)", num(r.real.conversion_rate),
      num(r.simulated.conversion_rate));
  row("Clicks", std::to_string(r.real.clicks), std::to_string(r.simulated.clicks));
  row("Gini of item clicks", num(r.real.click_gini), num(r.simulated.click_gini));
  row("Share of clicks on the top 1% of items", num(r.real.click_top1_share),
      num(r.simulated.click_top1_share));
  out += fmt::format(
      "\nSession lengths: Kolmogorov-Smirnov distance {} (asymptotic p-value {}, conservative "
      "for whole-number lengths).\n\n| Length (events) | Real | Simulated |\n|---|---:|---:|\n",
      num(r.length_ks.statistic), num(r.length_ks.p_value));
  const LengthHistogram h = length_histogram(r.real.lengths, r.simulated.lengths);
  for (std::size_t b = 0; b + 1 < h.edges.size(); ++b) {
    const std::string label = h.edges[b + 1] - h.edges[b] == 1
                                  ? std::to_string(h.edges[b])
                                  : fmt::format("{}-{}", h.edges[b], h.edges[b + 1] - 1);
    out += fmt::format("| {} | {} | {} |\n", label, num(h.real_fraction[b]),
                       num(h.simulated_fraction[b]));
  }
  return out + "\nFractions of each side's sessions.\n\n";
}

std::string simulator_section(const FidelityReport& r) {
  const CalibrationSummary& c = r.calibration;
  std::string bias;
  for (std::size_t k = 0; k < c.position_bias.size(); ++k)
    bias += (k ? ", " : "") + num(c.position_bias[k]);
  std::string out = fmt::format(
      "## The simulator\n\nAn ensemble of {} {} user models over {} items, slates of {}.\n\n"
      "Slate response, {}: no-click utility {}, preference scale {}, position bias per slot [{}], "
      "organic rate {}, quiet leave {}. Leaving: {}.\n\n"
      "| Member | Best epoch | Epochs | Stopped early | Valid next-item NLL | Valid purchase NLL "
      "| Valid end NLL |\n|---|---:|---:|---|---:|---:|---:|\n",
      r.ensemble, r.encoder, r.items, r.slate_size, calibration_source_text(c),
      num(c.no_click_utility), num(c.preference_scale), bias, num(c.organic_rate),
      num(c.quiet_leave), c.leave);
  for (std::size_t k = 0; k < r.members.size(); ++k) {
    const MemberSummary& m = r.members[k];
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", k, m.best_epoch, m.epochs,
                       m.stopped_early ? "yes" : "no", num(m.valid_next_item_nll),
                       num(m.valid_purchase_nll), num(m.valid_end_nll));
  }
  return out + "\n";
}

}  // namespace

std::string fidelity_report_markdown(const FidelityReport& r) {
  std::string out = fmt::format(
      "# {}\n\n- Simulator: `{}`\n- Store: `{}` (events hash `{}`)\n- Device: {}\n- Seed: {}\n\n"
      "Numbers have {} significant digits (report.json has them in full); n/a: undefined.\n\n",
      r.title, r.simulator_directory, r.store_path, r.store_hash, r.device, r.seed,
      kReportSignificantDigits);
  out += next_click_section(r) + purchase_section(r.purchase) + sessions_section(r) +
         simulator_section(r);
  if (r.ground_truth) {
    // Its own markdown, one heading level down.
    std::string table = ground_truth_markdown(*r.ground_truth);
    out += "#" + table + "\n";
  }
  if (!r.notes.empty()) {
    out += "## Notes\n\n";
    for (const std::string& note : r.notes) out += "- " + note + "\n";
    out += "\n";
  }
  return out;
}

}  // namespace shoprl
