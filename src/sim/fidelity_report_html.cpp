// index.html of the fidelity report: one self-contained page in the evaluation report's style
// (inline CSS and SVG; no scripts, fonts or URLs). Every number shown carries
// data-key="<path in report.json>" and every plotted mark its value, and each <svg> states its
// linear axes as data attributes (LinearAxis), so that a test can check the page against
// report.json, as tests/e2e/report_chromium_test.cpp does for the evaluation report.
#include <algorithm>
#include <cmath>
#include <string>

#include "eval/report_format.h"
#include "eval/svg_plot.h"
#include "sim/fidelity_report.h"

namespace shoprl {

namespace {

// This report's own rules, after the reports' shared style (svg_plot.h).
constexpr const char* kStyle = R"css(
tr.baseline td { color: #555; font-style: italic; }
svg .diagonal { stroke: #888; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .bar.real { fill: #888; }
svg .bar.simulated { fill: #5b8cc8; }
svg .legend-real { fill: #888; } svg .legend-simulated { fill: #5b8cc8; }
)css";

std::string num(double value) { return format_report_number(value); }

std::string number_cell(const std::string& key, double value) {
  return keyed_element("td", key, num(value), "num");
}
std::string count_cell(const std::string& key, std::int64_t value) {
  return keyed_element("td", key, std::to_string(value), "num");
}

std::string svg_open(const std::string& id, double width, double height, const LinearAxis& x,
                     const LinearAxis& y, const std::string& label) {
  return "<svg id=\"" + id + "\" width=\"" + format_pixel(width) + "\" height=\"" +
         format_pixel(height) + "\" viewBox=\"0 0 " + format_pixel(width) + " " +
         format_pixel(height) + "\"" + x.data_attributes("x") + y.data_attributes("y") +
         " role=\"img\" aria-label=\"" + xml_escape(label) + "\">\n";
}

std::string line(const char* css_class, double x1, double y1, double x2, double y2) {
  return std::string("<line class=\"") + css_class + "\" x1=\"" + format_pixel(x1) + "\" y1=\"" +
         format_pixel(y1) + "\" x2=\"" + format_pixel(x2) + "\" y2=\"" + format_pixel(y2) +
         "\"/>\n";
}

std::string text_at(double x, double y, const char* anchor, const std::string& text,
                    const char* extra = "") {
  return "<text x=\"" + format_pixel(x) + "\" y=\"" + format_pixel(y) + "\" text-anchor=\"" +
         anchor + "\"" + extra + ">" + xml_escape(text) + "</text>\n";
}

std::string header_section(const FidelityReport& r) {
  std::string out = keyed_element("h1", "title", r.title) + "\n<dl class=\"meta\">\n";
  const auto item = [&](const char* label, const std::string& body) {
    out += std::string("<dt>") + label + "</dt><dd>" + body + "</dd>\n";
  };
  item("Simulator", keyed_element("code", "simulator_directory", r.simulator_directory));
  item("Store", keyed_element("code", "store", r.store_path) + " (events hash " +
                    keyed_element("code", "store_hash", r.store_hash) + ")");
  item("Device", keyed_element("span", "device", r.device));
  item("Seed", keyed_element("span", "seed", std::to_string(r.seed)));
  item("Catalogue", keyed_element("span", "items", std::to_string(r.items)) + " items, slates of " +
                        keyed_element("span", "slate_size", std::to_string(r.slate_size)));
  out += "</dl>\n<p>Numbers have " + std::to_string(kReportSignificantDigits) +
         " significant digits (report.json has them in full); n/a: undefined.</p>\n";
  return out;
}

std::string next_click_section(const FidelityReport& r) {
  const NextClickScores& model = r.simulator_next_click;
  const NextClickScores& base = r.popularity_next_click;
  std::string out =
      "<h2>Next-click prediction (test split)</h2>\n<p>" +
      keyed_element("span", "next_click.simulator.targets", std::to_string(model.targets)) +
      " next-click targets. The simulator's next-item distribution is the mean of its members' "
      "softmax probabilities; the baseline ranks by train-split clicks (add-one). Ties are "
      "broken at random (expected HR@k and NDCG@k).</p>\n<table id=\"next-click\">\n"
      "<tr><th>Model</th>";
  for (const int k : model.cutoffs) out += "<th>HR@" + std::to_string(k) + "</th>";
  for (const int k : model.cutoffs) out += "<th>NDCG@" + std::to_string(k) + "</th>";
  out += "<th>Log-likelihood (nats)</th><th>Perplexity</th></tr>\n";
  const auto row = [&](const NextClickScores& scores, const std::string& name,
                       const char* css_class) {
    const std::string key = "next_click." + name + ".";
    out += std::string("<tr class=\"") + css_class + "\">" +
           keyed_element("td", key + "model", scores.model);
    for (std::size_t c = 0; c < scores.cutoffs.size(); ++c)
      out += number_cell(key + "cutoffs." + std::to_string(c) + ".hit_rate", scores.hit_rate[c]);
    for (std::size_t c = 0; c < scores.cutoffs.size(); ++c)
      out += number_cell(key + "cutoffs." + std::to_string(c) + ".ndcg", scores.ndcg[c]);
    out += number_cell(key + "mean_log_likelihood", scores.mean_log_likelihood) +
           number_cell(key + "perplexity", scores.perplexity) + "</tr>\n";
  };
  row(model, "simulator", "model");
  row(base, "popularity", "baseline");
  return out + "</table>\n";
}

// The reliability diagram: observed purchase rate against mean predicted probability per bin,
// with the diagonal of perfect calibration; each dot carries its bin's figures.
std::string reliability_plot(const PurchaseScores& p) {
  constexpr double kSize = 360, kLeft = 56, kRight = 20, kTop = 16, kBottom = 48;
  const LinearAxis x{0, 1, kLeft, kSize - kRight};
  const LinearAxis y{0, 1, kSize - kBottom, kTop};
  std::string out = svg_open("reliability-diagram", kSize, kSize, x, y, "reliability diagram");
  for (const double tick : nice_ticks(0, 1, 5)) {
    out += line("grid", x.to_pixel(tick), y.range_low, x.to_pixel(tick), y.range_high);
    out += line("grid", x.range_low, y.to_pixel(tick), x.range_high, y.to_pixel(tick));
    out += text_at(x.to_pixel(tick), y.range_low + 16, "middle", num(tick), " class=\"tick\"");
    out += text_at(x.range_low - 6, y.to_pixel(tick), "end", num(tick), " class=\"tick\" dy=\"4\"");
  }
  out += line("axis", x.range_low, y.range_low, x.range_high, y.range_low);
  out += line("axis", x.range_low, y.range_low, x.range_low, y.range_high);
  out += line("diagonal", x.to_pixel(0), y.to_pixel(0), x.to_pixel(1), y.to_pixel(1));
  for (std::size_t b = 0; b < p.bins.size(); ++b) {
    const ReliabilityBin& bin = p.bins[b];
    if (bin.count == 0) continue;
    out += "<circle class=\"point\" data-bin=\"" + std::to_string(b) + "\" data-count=\"" +
           std::to_string(bin.count) + "\" data-mean-predicted=\"" +
           format_exact(bin.mean_predicted) + "\" data-observed-rate=\"" +
           format_exact(bin.observed_rate) + "\" cx=\"" +
           format_pixel(x.to_pixel(bin.mean_predicted)) + "\" cy=\"" +
           format_pixel(y.to_pixel(bin.observed_rate)) + "\" r=\"4\"><title>" +
           std::to_string(bin.count) + " targets: predicted " + num(bin.mean_predicted) +
           ", observed " + num(bin.observed_rate) + "</title></circle>\n";
  }
  out += text_at((x.range_low + x.range_high) / 2, kSize - 10, "middle",
                 "mean predicted P(purchase | click)");
  out += "<text transform=\"rotate(-90)\" x=\"" + format_pixel(-(y.range_low + y.range_high) / 2) +
         "\" y=\"14\" text-anchor=\"middle\">observed purchase rate</text>\n";
  return out + "</svg>\n";
}

std::string purchase_section(const PurchaseScores& p) {
  std::string out =
      "<h2>Purchase given a click (test split)</h2>\n<table id=\"purchase\">\n"
      "<tr><th>Targets</th><th>Purchases</th><th>AUC</th><th>Expected calibration error</th>"
      "<th>Mean predicted</th><th>Observed rate</th></tr>\n<tr>" +
      count_cell("purchase.targets", p.targets) + count_cell("purchase.positives", p.positives) +
      number_cell("purchase.auc", p.auc) +
      number_cell("purchase.expected_calibration_error", p.expected_calibration_error) +
      number_cell("purchase.mean_predicted", p.mean_predicted) +
      number_cell("purchase.observed_rate", p.observed_rate) + "</tr>\n</table>\n";
  if (p.positives == 0)
    out += "<p>No test click is followed by a purchase of its item: the AUC is undefined.</p>\n";
  out += "<h3>Reliability diagram</h3>\n" + reliability_plot(p) +
         "<p>Dots: the bins of 0.1 of predicted probability that hold targets; dashed: perfect "
         "calibration.</p>\n<table id=\"reliability-bins\">\n<tr><th>Bin</th><th>Mean "
         "predicted</th><th>Observed rate</th><th>Count</th></tr>\n";
  for (std::size_t b = 0; b < p.bins.size(); ++b) {
    const ReliabilityBin& bin = p.bins[b];
    const std::string key = "purchase.reliability_bins." + std::to_string(b) + ".";
    out += "<tr><td>[" + keyed_element("span", key + "low", num(bin.low)) + ", " +
           keyed_element("span", key + "high", num(bin.high)) +
           (b + 1 == p.bins.size() ? "]" : ")") + "</td>" +
           number_cell(key + "mean_predicted", bin.mean_predicted) +
           number_cell(key + "observed_rate", bin.observed_rate) +
           count_cell(key + "count", bin.count) + "</tr>\n";
  }
  return out + "</table>\n";
}

// Real and simulated session lengths side by side, as fractions of each side's sessions.
std::string length_histogram_plot(const LengthHistogram& h) {
  if (h.edges.size() < 2) return "<p>No session to plot.</p>\n";
  constexpr double kWidth = 760, kHeight = 300, kLeft = 60, kRight = 20, kTop = 28, kBottom = 52;
  double top = 0;
  for (std::size_t b = 0; b + 1 < h.edges.size(); ++b)
    top = std::max({top, h.real_fraction[b], h.simulated_fraction[b]});
  const std::vector<double> y_ticks = nice_ticks(0, std::max(top, 1e-3), 5);
  const LinearAxis x{static_cast<double>(h.edges.front()), static_cast<double>(h.edges.back()),
                     kLeft, kWidth - kRight};
  const LinearAxis y{0, y_ticks.back(), kHeight - kBottom, kTop};
  std::string out =
      svg_open("length-histogram", kWidth, kHeight, x, y, "session length histograms");
  for (const double tick : y_ticks) {
    out += line("grid", x.range_low, y.to_pixel(tick), x.range_high, y.to_pixel(tick));
    out += text_at(x.range_low - 6, y.to_pixel(tick), "end", num(tick), " class=\"tick\" dy=\"4\"");
  }
  for (std::size_t b = 0; b + 1 < h.edges.size(); ++b) {
    const double left = x.to_pixel(static_cast<double>(h.edges[b]));
    const double right = x.to_pixel(static_cast<double>(h.edges[b + 1]));
    const double half = (right - left) / 2;
    const auto bar = [&](const char* side, double fraction, std::int64_t count, double x0) {
      const double bar_top = y.to_pixel(fraction);
      return std::string("<rect class=\"bar ") + side + "\" data-side=\"" + side +
             "\" data-bin-low=\"" + std::to_string(h.edges[b]) + "\" data-bin-high=\"" +
             std::to_string(h.edges[b + 1]) + "\" data-count=\"" + std::to_string(count) +
             "\" data-fraction=\"" + format_exact(fraction) + "\" x=\"" + format_pixel(x0) +
             "\" y=\"" + format_pixel(bar_top) + "\" width=\"" +
             format_pixel(std::max(0.0, half - 0.5)) + "\" height=\"" +
             format_pixel(y.to_pixel(0) - bar_top) + "\"/>\n";
    };
    out += bar("real", h.real_fraction[b], h.real_count[b], left);
    out += bar("simulated", h.simulated_fraction[b], h.simulated_count[b], left + half);
  }
  out += line("axis", x.range_low, y.to_pixel(0), x.range_high, y.to_pixel(0));
  // Labels at bin starts, at most about 12 of them.
  const std::size_t bins = h.edges.size() - 1;
  const std::size_t every = std::max<std::size_t>(1, (bins + 11) / 12);
  for (std::size_t b = 0; b < bins; b += every) {
    const double center = (x.to_pixel(static_cast<double>(h.edges[b])) +
                           x.to_pixel(static_cast<double>(h.edges[b + 1]))) /
                          2;
    out += text_at(center, y.to_pixel(0) + 16, "middle", std::to_string(h.edges[b]),
                   " class=\"tick\"");
  }
  out += text_at((x.range_low + x.range_high) / 2, kHeight - 10, "middle",
                 "session length (events; a label marks the start of its bin)");
  out += "<rect class=\"legend-real\" x=\"" + format_pixel(kWidth - 220) +
         "\" y=\"8\" width=\"12\" height=\"12\"/>\n" +
         text_at(kWidth - 204, 18, "start", "real (test split)") +
         "<rect class=\"legend-simulated\" x=\"" + format_pixel(kWidth - 110) +
         "\" y=\"8\" width=\"12\" height=\"12\"/>\n" +
         text_at(kWidth - 94, 18, "start", "simulated");
  return out + "</svg>\n";
}

std::string sessions_section(const FidelityReport& r) {
  std::string out = "<h2>Simulated against real sessions</h2>\n<p>Real: the test split's " +
                    std::string("sessions. Simulated: the learned environment with the ") +
                    keyed_element("span", "sessions.policy", r.simulation_policy) +
                    ".</p>\n<table id=\"sessions\">\n<tr><th></th><th>Real</th><th>Simulated"
                    "</th></tr>\n";
  const auto counts = [&](const char* label, const char* field, std::int64_t real,
                          std::int64_t simulated) {
    out += std::string("<tr><td>") + label + "</td>" +
           count_cell(std::string("sessions.real.") + field, real) +
           count_cell(std::string("sessions.simulated.") + field, simulated) + "</tr>\n";
  };
  const auto numbers = [&](const char* label, const char* field, double real, double simulated) {
    out += std::string("<tr><td>") + label + "</td>" +
           number_cell(std::string("sessions.real.") + field, real) +
           number_cell(std::string("sessions.simulated.") + field, simulated) + "</tr>\n";
  };
  counts("Sessions", "sessions", r.real.sessions, r.simulated.sessions);
  numbers("Mean length (events)", "mean_length", r.real.mean_length, r.simulated.mean_length);
  numbers("Click-through (clicked slates / slates)", "click_through_rate",
          r.real.click_through_rate, r.simulated.click_through_rate);
  numbers("Conversion (sessions with a purchase)", "conversion_rate", r.real.conversion_rate,
          r.simulated.conversion_rate);
  counts("Clicks", "clicks", r.real.clicks, r.simulated.clicks);
  numbers("Gini of item clicks", "click_gini", r.real.click_gini, r.simulated.click_gini);
  numbers("Share of clicks on the top 1% of items", "click_top1_share", r.real.click_top1_share,
          r.simulated.click_top1_share);
  out += "</table>\n<h3>Session lengths</h3>\n<p>Kolmogorov&ndash;Smirnov distance " +
         keyed_element("span", "sessions.length_ks.statistic", num(r.length_ks.statistic)) +
         " (asymptotic p-value " +
         keyed_element("span", "sessions.length_ks.p_value", num(r.length_ks.p_value)) +
         ", conservative for whole-number lengths).</p>\n" +
         length_histogram_plot(length_histogram(r.real.lengths, r.simulated.lengths)) +
         "<p>Bars: fraction of each side's sessions per length bin; grey real, blue "
         "simulated.</p>\n";
  return out;
}

std::string simulator_section(const FidelityReport& r) {
  const CalibrationSummary& c = r.calibration;
  std::string out = "<h2>The simulator</h2>\n<p>An ensemble of " +
                    keyed_element("span", "ensemble", std::to_string(r.ensemble)) + " " +
                    keyed_element("span", "encoder", r.encoder) +
                    " user models.</p>\n<h3>Slate response</h3>\n<p>Parameters " +
                    keyed_element("span", "calibration.source_text", calibration_source_text(c)) +
                    ".</p>\n<table id=\"calibration\">\n<tr><th>No-click utility</th>"
                    "<th>Preference scale</th><th>Organic rate</th><th>Quiet leave</th></tr>\n"
                    "<tr>" +
                    number_cell("calibration.no_click_utility", c.no_click_utility) +
                    number_cell("calibration.preference_scale", c.preference_scale) +
                    number_cell("calibration.organic_rate", c.organic_rate) +
                    number_cell("calibration.quiet_leave", c.quiet_leave) + "</tr>\n</table>\n" +
                    "<p>Leaving: " + keyed_element("span", "calibration.leave", c.leave) +
                    ".</p>\n";
  out += "<table id=\"position-bias\">\n<tr><th>Slot</th>";
  for (std::size_t k = 0; k < c.position_bias.size(); ++k)
    out += "<th>" + std::to_string(k) + "</th>";
  out += "</tr>\n<tr><td>Position bias</td>";
  for (std::size_t k = 0; k < c.position_bias.size(); ++k)
    out += number_cell("calibration.position_bias." + std::to_string(k), c.position_bias[k]);
  out +=
      "</tr>\n</table>\n<h3>Training</h3>\n<table id=\"members\">\n<tr><th>Member</th>"
      "<th>Best epoch</th><th>Epochs</th><th>Stopped early</th><th>Valid next-item NLL</th>"
      "<th>Valid purchase NLL</th><th>Valid end NLL</th></tr>\n";
  for (std::size_t k = 0; k < r.members.size(); ++k) {
    const MemberSummary& m = r.members[k];
    const std::string key = "members." + std::to_string(k) + ".";
    out += "<tr><td>" + std::to_string(k) + "</td>" + count_cell(key + "best_epoch", m.best_epoch) +
           count_cell(key + "epochs", m.epochs) +
           keyed_element("td", key + "stopped_early", m.stopped_early ? "true" : "false") +
           number_cell(key + "valid_next_item_nll", m.valid_next_item_nll) +
           number_cell(key + "valid_purchase_nll", m.valid_purchase_nll) +
           number_cell(key + "valid_end_nll", m.valid_end_nll) + "</tr>\n";
  }
  return out + "</table>\n";
}

std::string ground_truth_section(const GroundTruthResult& g) {
  std::string out =
      "<h2>Ground truth</h2>\n<p>Logs of " +
      keyed_element("span", "ground_truth.logged_sessions", std::to_string(g.logged_sessions)) +
      " sessions of the " + keyed_element("code", "ground_truth.logging_policy", g.logging_policy) +
      " policy in a synthetic world of " +
      keyed_element("span", "ground_truth.items", std::to_string(g.items)) +
      " items; each value is the mean return of " +
      keyed_element("span", "ground_truth.episodes", std::to_string(g.episodes)) +
      " sessions (&plusmn; its standard error) in the true world and in the learned "
      "one.</p>\n<table id=\"ground-truth\">\n<tr><th>Policy</th><th>True value</th><th>Simulated "
      "value</th><th>Relative error</th></tr>\n";
  for (std::size_t p = 0; p < g.policies.size(); ++p) {
    const PolicyComparison& c = g.policies[p];
    const std::string key = "ground_truth.policies." + std::to_string(p) + ".";
    out += "<tr>" + keyed_element("td", key + "name", c.name) + "<td class=\"num\">" +
           keyed_element("span", key + "true.value", num(c.truth.value)) + " &plusmn; " +
           keyed_element("span", key + "true.std_error", num(c.truth.std_error)) +
           "</td><td class=\"num\">" +
           keyed_element("span", key + "simulated.value", num(c.simulated.value)) + " &plusmn; " +
           keyed_element("span", key + "simulated.std_error", num(c.simulated.std_error)) +
           "</td>" + number_cell(key + "relative_error", c.relative_error) + "</tr>\n";
  }
  out += "</table>\n<p>Rank correlation of the true and simulated values: Spearman " +
         keyed_element("span", "ground_truth.spearman", num(g.spearman)) + ", Kendall tau-b " +
         keyed_element("span", "ground_truth.kendall_tau_b", num(g.kendall_tau_b)) +
         "; mean absolute relative error " +
         keyed_element("span", "ground_truth.mean_absolute_relative_error",
                       num(g.mean_absolute_relative_error)) +
         ".</p>\n";
  return out;
}

}  // namespace

std::string fidelity_report_html(const FidelityReport& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      xml_escape(r.title) + "</title>\n<style>" + std::string(kReportBaseStyle) + kStyle +
      "</style>\n</head>\n<body>\n";
  out += header_section(r) + next_click_section(r) + purchase_section(r.purchase) +
         sessions_section(r) + simulator_section(r);
  if (r.ground_truth) out += ground_truth_section(*r.ground_truth);
  if (!r.notes.empty()) {
    out += "<h2>Notes</h2>\n<ul id=\"notes\">\n";
    for (std::size_t i = 0; i < r.notes.size(); ++i)
      out += keyed_element("li", "notes." + std::to_string(i), r.notes[i]) + "\n";
    out += "</ul>\n";
  }
  out += "<details><summary>Resolved configuration</summary>" +
         keyed_element("pre", "config", r.resolved_config) + "</details>\n</body>\n</html>\n";
  return out;
}

}  // namespace shoprl
