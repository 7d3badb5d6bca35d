// index.html: the report as one self-contained page (inline CSS and SVG; no scripts, fonts or
// URLs). Every number shown carries data-key="<path in report.json>" and every plotted mark its
// value, and each <svg> states its linear axes as data attributes (LinearAxis), so that a test
// can check the page against report.json (tests/e2e/report_chromium_test.cpp). The forest plot
// is one <svg data-unit="..."> per unit: values in different units share no axis.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "eval/evaluation_report.h"
#include "eval/report_format.h"
#include "eval/svg_plot.h"

namespace shoprl {

namespace {

// This report's own rules, after the reports' shared style (svg_plot.h).
constexpr const char* kStyle = R"css(
tr.logging td { color: #555; font-style: italic; }
svg .ci { stroke: #1f4e8c; stroke-width: 2; }
svg .logging-line { stroke: #888; stroke-width: 1.5; }
h3 { font-size: 1em; margin: 1em 0 0; }
svg .true-line { stroke: #b22; stroke-width: 2; stroke-dasharray: 4 3; }
svg .bar { fill: #5b8cc8; }
.nowrap { white-space: nowrap; }
#headline { font-size: 1.1em; }
.flag { color: #b22; font-size: 0.85em; }
)css";

std::string num(double value) { return format_report_number(value); }

std::string number_cell(const std::string& key, double value) {
  return keyed_element("td", key, num(value), "num");
}

std::string headline_section(const EvaluationReport& report);

// The title, the headline paragraph, then what was evaluated and how.
std::string header_section(const EvaluationReport& report) {
  std::string out = keyed_element("h1", "title", report.title) + "\n" + headline_section(report) +
                    "<dl class=\"meta\">\n";
  const auto item = [&](const char* label, const std::string& body) {
    out += std::string("<dt>") + label + "</dt><dd>" + body + "</dd>\n";
  };
  item("Input", keyed_element("code", "input", report.input));
  item("Evaluation policy", keyed_element("span", "evaluation_policy", report.evaluation_policy));
  item("Logging policy", keyed_element("span", "logging_policy", report.logging_policy));
  item("Seed", keyed_element("span", "seed", std::to_string(report.seed)));
  item("Rounds", keyed_element("span", "rounds", std::to_string(report.rounds)));
  item("Intervals",
       keyed_element("span", "interval", report.interval) + " at confidence " +
           keyed_element("span", "confidence", num(report.confidence)) +
           (report.interval_note.empty()
                ? std::string()
                : " (" + keyed_element("span", "interval_note", report.interval_note) + ")"));
  out += "</dl>\n<p>Numbers have " + std::to_string(kReportSignificantDigits) +
         " significant digits (report.json has them in full); n/a: undefined.</p>\n";
  return out;
}

std::string logging_table(const EvaluationReport& report) {
  std::string out =
      "<h2>Logging policy</h2>\n<p>The on-policy value of the logs in each unit (a round: the "
      "reward of one impression; a slate: the summed reward of one slate; a session: the "
      "discounted return of one session). Each estimate is compared with the value of its own "
      "unit.</p>\n";
  if (report.logging_values.empty()) return out + "<p>No logging value was computed.</p>\n";
  out +=
      "<table id=\"logging-values\">\n<tr><th>Unit</th><th>Value</th><th>Std. error</th>"
      "<th>CI low</th><th>CI high</th><th>Units</th></tr>\n";
  for (const std::string& unit : report_units({}, report.logging_values)) {
    const Estimate& logging = *logging_value_for(report.logging_values, unit);
    const std::string key = "logging_policy_values." + unit + ".";
    out += "<tr class=\"logging\" data-unit=\"" + xml_escape(unit) + "\"><td>" + xml_escape(unit) +
           "</td>" + number_cell(key + "value", logging.value) +
           number_cell(key + "std_error", logging.std_error) +
           number_cell(key + "ci_low", logging.ci.low) +
           number_cell(key + "ci_high", logging.ci.high) +
           keyed_element("td", key + "units", std::to_string(logging.units), "num") + "</tr>\n";
  }
  return out + "</table>\n";
}

// The opening paragraph: the evaluation policy's value by the headline estimator
// (headline_estimate) with its interval, beside the logging policy's value in the same unit and,
// where known, the true value or yardstick.
std::string headline_section(const EvaluationReport& report) {
  const Estimate* e = headline_estimate(report.estimates);
  if (e == nullptr)
    return "<p id=\"headline\">No estimator gave a value with an interval; see below.</p>\n";
  const std::string interval = report.interval + (report.interval.empty() ? "" : " ");
  std::string out = "<p id=\"headline\">The evaluation policy is worth <b>" +
                    keyed_element("span", "headline.value", num(e->value)) + "</b> " +
                    per_unit(e->unit) + " by <b>" +
                    keyed_element("span", "headline.estimator", e->estimator) + "</b> (" +
                    num(100 * report.confidence) + "% " + xml_escape(interval) +
                    "interval <span "
                    "class=\"nowrap\">[" +
                    keyed_element("span", "headline.ci_low", num(e->ci.low)) + ", " +
                    keyed_element("span", "headline.ci_high", num(e->ci.high)) + "]</span>)";
  if (const Estimate* logging = logging_value_for(report.logging_values, e->unit)) {
    out += ", against " + keyed_element("span", "headline.logging_value", num(logging->value)) +
           " for the logging policy";
  }
  out += ".";
  if (!std::isnan(e->true_value)) {
    out += " Its " + xml_escape(report.true_value_label) + ": <span class=\"nowrap\">" +
           keyed_element("span", "headline.true_value", num(e->true_value));
    if (!std::isnan(e->true_value_std_error)) out += " &plusmn; " + num(e->true_value_std_error);
    out += "</span>.";
  }
  return out +
         " The headline estimator is the first of DR, SNDR, SNIPW, IPW, DM, then the session "
         "and the slate estimators, that gave an interval with an effective sample size of at "
         "least 1% of its units (and is compared with a true value where any is).</p>\n";
}

std::string capitalized(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// The estimates beside the logging value and the truth, narrow enough for a 1300-px window; the
// weight diagnostics go to their own table.
std::string estimates_table(const EvaluationReport& report) {
  const std::vector<const Estimate*> estimates = computed_estimates(report.estimates);
  const bool has_truth = any_true_value(estimates);
  std::string out =
      "<h2>Estimates</h2>\n<table id=\"estimates\">\n<tr><th>Estimator</th><th>Unit</th>"
      "<th>Value</th><th>" +
      num(100 * report.confidence) + "% interval</th><th>Value / logging</th>";
  if (has_truth) {
    out += "<th>" + xml_escape(capitalized(report.true_value_label)) + "</th><th>Error vs " +
           xml_escape(report.true_value_label) + "</th>";
  }
  out += "</tr>\n";
  for (const Estimate* e : estimates) {
    const std::string key = "estimates." + e->estimator + ".";
    const std::string flag =
        e->unreliable.empty()
            ? ""
            : " <span class=\"flag\" title=\"" + xml_escape(e->unreliable) + "\">unreliable</span>";
    out += "<tr data-estimator=\"" + xml_escape(e->estimator) + "\"><td>" +
           xml_escape(e->estimator) + flag + "</td>" + keyed_element("td", key + "unit", e->unit) +
           number_cell(key + "value", e->value) + "<td class=\"num nowrap\">[" +
           keyed_element("span", key + "ci_low", num(e->ci.low)) + ", " +
           keyed_element("span", key + "ci_high", num(e->ci.high)) + "]</td>" +
           number_cell(key + "relative_to_logging", relative_to_logging(*e, report.logging_values));
    if (has_truth) {
      // The true value with its standard error, when both are known: "0.12 ± 0.002".
      out += "<td class=\"num nowrap\">" +
             keyed_element("span", key + "true_value", num(e->true_value));
      if (!std::isnan(e->true_value) && !std::isnan(e->true_value_std_error)) {
        out += " &plusmn; " +
               keyed_element("span", key + "true_value_std_error", num(e->true_value_std_error));
      }
      out += "</td>" + number_cell(key + "true_value_error", true_value_error(*e));
    }
    out += "</tr>\n";
  }
  out +=
      "</table>\n<p>Value / logging: the value over the logging policy's value in the same "
      "unit.";
  for (const Estimate* e : estimates) {
    if (!e->unreliable.empty())
      out += " " + xml_escape(e->estimator) + " is unreliable: " +
             keyed_element("span", "estimates." + e->estimator + ".unreliable", e->unreliable) +
             ".";
  }
  if (has_truth) {
    out += " " + xml_escape(capitalized(report.true_value_label)) +
           ": the evaluation policy's value in the estimate's unit (&plusmn; its standard "
           "error), n/a where it is not known for that unit; error: value &minus; " +
           xml_escape(report.true_value_label) + ".";
  }
  out +=
      "</p>\n<h3>Standard errors and weights</h3>\n<table id=\"diagnostics\">\n<tr>"
      "<th>Estimator</th><th>Std. error</th><th>ESS</th><th>Max weight</th>"
      "<th>Clipped fraction</th><th>Units</th></tr>\n";
  for (const Estimate* e : estimates) {
    const std::string key = "estimates." + e->estimator + ".";
    out += "<tr data-estimator=\"" + xml_escape(e->estimator) + "\"><td>" +
           xml_escape(e->estimator) + "</td>" + number_cell(key + "std_error", e->std_error) +
           number_cell(key + "effective_sample_size", e->effective_sample_size) +
           number_cell(key + "max_weight", e->max_weight) +
           number_cell(key + "clipped_fraction", e->clipped_fraction) +
           keyed_element("td", key + "units", std::to_string(e->units), "num") + "</tr>\n";
  }
  return out +
         "</table>\n<p>ESS: effective sample size of the importance weights, (&sum; w)"
         "<sup>2</sup> / &sum; w<sup>2</sup>.</p>\n";
}

std::string intervals_table(const EvaluationReport& report) {
  std::string out = "<h2>Intervals by kind</h2>\n<table id=\"intervals\">\n<tr><th>Estimator</th>";
  for (const IntervalKind& kind : interval_kinds())
    out += std::string("<th>") + kind.name + "</th>";
  out += "</tr>\n";
  for (const Estimate* e : computed_estimates(report.estimates)) {
    out += "<tr><td>" + xml_escape(e->estimator) + "</td>";
    for (const IntervalKind& kind : interval_kinds()) {
      const Interval& interval = e->*kind.interval;
      if (!interval.defined()) {
        out += "<td>n/a</td>";
        continue;
      }
      const std::string key = "estimates." + e->estimator + ".intervals." + kind.name + ".";
      out += "<td>[" + keyed_element("span", key + "0", num(interval.low)) + ", " +
             keyed_element("span", key + "1", num(interval.high)) + "]</td>";
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

// One forest-plot panel: the estimates of one unit, one row each, a dot at the value and a line
// over the interval the config chose; a solid vertical line at the logging policy's value in
// this unit, and a dashed tick at each estimate's own true value on its row.
std::string forest_panel(const std::string& unit, const std::vector<const Estimate*>& estimates,
                         const Estimate* logging) {
  std::vector<double> shown;
  const auto consider = [&](double v) {
    if (std::isfinite(v)) shown.push_back(v);
  };
  for (const Estimate* e : estimates) {
    consider(e->value);
    consider(e->ci.low);
    consider(e->ci.high);
    consider(e->true_value);
  }
  if (logging) consider(logging->value);
  const std::string title = "<h3>Unit: " + xml_escape(unit) +
                            (unit_meaning(unit).empty() ? "" : " (" + unit_meaning(unit) + ")") +
                            "</h3>\n";
  if (shown.empty()) return title + "<p>No finite value to plot.</p>\n";

  double low = *std::min_element(shown.begin(), shown.end());
  double high = *std::max_element(shown.begin(), shown.end());
  const double pad = high > low ? 0.05 * (high - low) : (low != 0 ? 0.1 * std::abs(low) : 1.0);
  const std::vector<double> ticks = nice_ticks(low - pad, high + pad, 6);
  constexpr double kWidth = 760, kLeft = 150, kRight = 30, kTop = 24, kRowHeight = 28, kBottom = 40;
  const double plot_bottom = kTop + kRowHeight * static_cast<double>(estimates.size());
  const double height = plot_bottom + kBottom;
  const LinearAxis x{ticks.front(), ticks.back(), kLeft, kWidth - kRight};
  const std::string unit_attribute = " data-unit=\"" + xml_escape(unit) + "\"";

  std::string out = title + "<svg class=\"forest-plot\" id=\"forest-plot-" + xml_escape(unit) +
                    "\"" + unit_attribute + " width=\"" + format_pixel(kWidth) + "\" height=\"" +
                    format_pixel(height) + "\" viewBox=\"0 0 " + format_pixel(kWidth) + " " +
                    format_pixel(height) + "\"" + x.data_attributes("x") +
                    " role=\"img\" aria-label=\"forest plot of the " + xml_escape(unit) +
                    " estimators\">\n";
  for (const double tick : ticks) {
    const std::string px = format_pixel(x.to_pixel(tick));
    out += "<line class=\"grid\" x1=\"" + px + "\" x2=\"" + px + "\" y1=\"" + format_pixel(kTop) +
           "\" y2=\"" + format_pixel(plot_bottom) + "\"/>\n<text class=\"tick\" x=\"" + px +
           "\" y=\"" + format_pixel(plot_bottom + 18) + "\" text-anchor=\"middle\">" + num(tick) +
           "</text>\n";
  }
  out += "<line class=\"axis\" x1=\"" + format_pixel(kLeft) + "\" x2=\"" +
         format_pixel(kWidth - kRight) + "\" y1=\"" + format_pixel(plot_bottom) + "\" y2=\"" +
         format_pixel(plot_bottom) + "\"/>\n";
  if (logging && std::isfinite(logging->value)) {
    const std::string px = format_pixel(x.to_pixel(logging->value));
    out += "<line class=\"logging-line\"" + unit_attribute + " data-value=\"" +
           format_exact(logging->value) + "\" x1=\"" + px + "\" x2=\"" + px + "\" y1=\"" +
           format_pixel(kTop - 6) + "\" y2=\"" + format_pixel(plot_bottom) +
           "\"/>\n<text class=\"logging-line-label\" x=\"" + px + "\" y=\"" +
           format_pixel(kTop - 10) + "\" text-anchor=\"middle\">logging " + num(logging->value) +
           "</text>\n";
  }
  for (std::size_t i = 0; i < estimates.size(); ++i) {
    const Estimate& e = *estimates[i];
    const double row_y = kTop + kRowHeight * (static_cast<double>(i) + 0.5);
    const std::string y = format_pixel(row_y);
    const std::string name = xml_escape(e.estimator);
    const std::string tags = " data-estimator=\"" + name + "\"" + unit_attribute;
    out += "<text class=\"label\" x=\"" + format_pixel(kLeft - 10) + "\" y=\"" + y +
           "\" dy=\"4\" text-anchor=\"end\">" + name + "</text>\n";
    if (e.ci.defined()) {
      // An unbounded interval is drawn to the edge of the plot.
      const auto clamp = [&](double v) {
        return format_pixel(std::clamp(x.to_pixel(v), x.range_low, x.range_high));
      };
      out += "<line class=\"ci\"" + tags + " x1=\"" + clamp(e.ci.low) + "\" x2=\"" +
             clamp(e.ci.high) + "\" y1=\"" + y + "\" y2=\"" + y + "\"/>\n";
    }
    if (std::isfinite(e.true_value)) {
      const std::string px = format_pixel(x.to_pixel(e.true_value));
      out += "<line class=\"true-line\"" + tags + " data-true-value=\"" +
             format_exact(e.true_value) + "\" x1=\"" + px + "\" x2=\"" + px + "\" y1=\"" +
             format_pixel(row_y - 0.4 * kRowHeight) + "\" y2=\"" +
             format_pixel(row_y + 0.4 * kRowHeight) + "\"><title>" + name + ": true value " +
             num(e.true_value) + "</title></line>\n";
    }
    if (std::isfinite(e.value)) {
      out += "<circle class=\"point\"" + tags + " data-value=\"" + format_exact(e.value) +
             "\" data-ci-low=\"" + format_exact(e.ci.low) + "\" data-ci-high=\"" +
             format_exact(e.ci.high) + "\" cx=\"" + format_pixel(x.to_pixel(e.value)) + "\" cy=\"" +
             y + "\" r=\"5\"/>\n";
    }
  }
  return out + "</svg>\n";
}

// The forest plot: one panel per unit (round, slate, session), since values in different units
// are not comparable and share no axis.
std::string forest_plot(const EvaluationReport& report) {
  const std::vector<const Estimate*> estimates = computed_estimates(report.estimates);
  if (estimates.empty()) return "<h2>Forest plot</h2>\n<p>No estimate to plot.</p>\n";
  std::string out = "<h2>Forest plot</h2>\n";
  for (const std::string& unit : report_units(estimates, {})) {
    std::vector<const Estimate*> in_unit;
    for (const Estimate* e : estimates) {
      if (e->unit == unit) in_unit.push_back(e);
    }
    out += forest_panel(unit, in_unit, logging_value_for(report.logging_values, unit));
  }
  out += "<p>Dots: estimates; lines: " + xml_escape(report.interval) +
         " intervals; solid vertical line: the logging policy's value in the panel's unit";
  if (any_true_value(estimates)) {
    out += "; dashed tick on a row: the evaluation policy's true value in that estimator's unit";
  }
  return out + ".</p>\n";
}

// The importance-weight histogram: bars over log10(weight) bins (x labelled in weights).
std::string weight_histogram_plot(const WeightHistogram& histogram) {
  std::string out = "<h2>Importance weights (" + xml_escape(histogram.estimator) + ")</h2>\n";
  std::uint64_t max_count = 0;
  for (const std::uint64_t count : histogram.counts) max_count = std::max(max_count, count);
  const std::string zeros = keyed_element("span", "weight_histogram.zero_weights",
                                          std::to_string(histogram.zero_weights)) +
                            " weights equal to zero (log undefined) are not plotted.";
  if (histogram.counts.empty() || histogram.bin_edges.size() != histogram.counts.size() + 1) {
    return out + "<p>No positive weights. " + zeros + "</p>\n";
  }
  constexpr double kWidth = 760, kHeight = 280, kLeft = 60, kRight = 30, kTop = 20, kBottom = 56;
  const LinearAxis x{histogram.bin_edges.front(), histogram.bin_edges.back(), kLeft,
                     kWidth - kRight};
  const std::vector<double> count_ticks = nice_ticks(0, std::max<double>(1, max_count), 5);
  const LinearAxis y{0, count_ticks.back(), kHeight - kBottom, kTop};

  out += "<svg id=\"weight-histogram\" width=\"" + format_pixel(kWidth) + "\" height=\"" +
         format_pixel(kHeight) + "\" viewBox=\"0 0 " + format_pixel(kWidth) + " " +
         format_pixel(kHeight) + "\"" + x.data_attributes("x") + y.data_attributes("y") +
         " role=\"img\" aria-label=\"importance weight histogram\">\n";
  for (const double tick : count_ticks) {
    const std::string py = format_pixel(y.to_pixel(tick));
    out += "<line class=\"grid\" x1=\"" + format_pixel(kLeft) + "\" x2=\"" +
           format_pixel(kWidth - kRight) + "\" y1=\"" + py + "\" y2=\"" + py +
           "\"/>\n<text class=\"tick\" x=\"" + format_pixel(kLeft - 6) + "\" y=\"" + py +
           "\" dy=\"4\" text-anchor=\"end\">" + num(tick) + "</text>\n";
  }
  for (std::size_t b = 0; b < histogram.counts.size(); ++b) {
    const double left = x.to_pixel(histogram.bin_edges[b]);
    const double right = x.to_pixel(histogram.bin_edges[b + 1]);
    const double top = y.to_pixel(static_cast<double>(histogram.counts[b]));
    out += "<rect class=\"bar\" data-count=\"" + std::to_string(histogram.counts[b]) +
           "\" data-bin-low=\"" + format_exact(histogram.bin_edges[b]) + "\" data-bin-high=\"" +
           format_exact(histogram.bin_edges[b + 1]) + "\" x=\"" + format_pixel(left) + "\" y=\"" +
           format_pixel(top) + "\" width=\"" + format_pixel(std::max(0.0, right - left - 1)) +
           "\" height=\"" + format_pixel(y.to_pixel(0) - top) + "\"/>\n";
  }
  const std::string base = format_pixel(y.to_pixel(0));
  out += "<line class=\"axis\" x1=\"" + format_pixel(kLeft) + "\" x2=\"" +
         format_pixel(kWidth - kRight) + "\" y1=\"" + base + "\" y2=\"" + base + "\"/>\n";
  // Ticks at nice log10 positions inside the bins' span, labelled with the weight itself; whole
  // decades (at most 6 ticks' worth of steps) once the span has two.
  const double decades = x.domain_high - x.domain_low;
  const int tick_count = decades >= 2 ? std::min(6, static_cast<int>(decades)) : 6;
  for (const double tick : nice_ticks(x.domain_low, x.domain_high, tick_count)) {
    if (tick < x.domain_low - 1e-9 || tick > x.domain_high + 1e-9) continue;
    const std::string px = format_pixel(x.to_pixel(tick));
    out += "<line class=\"axis\" data-log10=\"" + format_exact(tick) + "\" x1=\"" + px +
           "\" x2=\"" + px + "\" y1=\"" + base + "\" y2=\"" + format_pixel(y.to_pixel(0) + 5) +
           "\"/>\n<text class=\"tick\" x=\"" + px + "\" y=\"" + format_pixel(y.to_pixel(0) + 18) +
           "\" text-anchor=\"middle\">" + num(std::pow(10.0, tick)) + "</text>\n";
  }
  out += "<text x=\"" + format_pixel((kLeft + kWidth - kRight) / 2) + "\" y=\"" +
         format_pixel(kHeight - 8) +
         "\" text-anchor=\"middle\">importance weight (log scale)</text>\n</svg>\n";
  return out + "<p>Bars: number of weights per bin of log10(weight). " + zeros + "</p>\n";
}

std::string ranking_table(const RankingMetrics& ranking) {
  std::string out = "<h2>Next-item ranking (" +
                    keyed_element("span", "ranking.scorer", ranking.scorer) +
                    ")</h2>\n<table id=\"ranking\">\n<tr><th>Events</th><th>k</th><th>HR@k</th>"
                    "<th>NDCG@k</th></tr>\n";
  const auto rows = [&](const std::string& kind, std::size_t events,
                        const std::vector<RankingAtK>& cutoffs) {
    for (std::size_t i = 0; i < cutoffs.size(); ++i) {
      const std::string key = "ranking." + kind + "." + std::to_string(i) + ".";
      out += "<tr><td>" + kind + " (" +
             keyed_element("span", "ranking." + kind.substr(0, kind.size() - 1) + "_events",
                           std::to_string(events)) +
             ")</td>" + keyed_element("td", key + "k", std::to_string(cutoffs[i].k), "num") +
             number_cell(key + "hit_rate", cutoffs[i].hit_rate) +
             number_cell(key + "ndcg", cutoffs[i].ndcg) + "</tr>\n";
    }
  };
  rows("clicks", ranking.click_events, ranking.clicks);
  rows("purchases", ranking.purchase_events, ranking.purchases);
  return out + "</table>\n";
}

}  // namespace

std::string report_html(const EvaluationReport& report) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      xml_escape(report.title) + "</title>\n<style>" + std::string(kReportBaseStyle) + kStyle +
      "</style>\n</head>\n<body>\n";
  out += header_section(report) + logging_table(report) + estimates_table(report) +
         forest_plot(report) + intervals_table(report);
  bool any_declined = false;
  for (const Estimate& e : report.estimates) {
    if (e.declined.empty()) continue;
    if (!any_declined) out += "<h2>Declined estimators</h2>\n<ul id=\"declined\">\n";
    any_declined = true;
    out += "<li><code>" + xml_escape(e.estimator) +
           "</code>: " + keyed_element("span", "declined." + e.estimator, e.declined) + "</li>\n";
  }
  if (any_declined) out += "</ul>\n";
  if (report.weights) out += weight_histogram_plot(*report.weights);
  if (report.ranking) out += ranking_table(*report.ranking);
  if (!report.notes.empty()) {
    out += "<h2>Notes</h2>\n<ul id=\"notes\">\n";
    for (std::size_t i = 0; i < report.notes.size(); ++i) {
      out += keyed_element("li", "notes." + std::to_string(i), report.notes[i]) + "\n";
    }
    out += "</ul>\n";
  }
  out += "<details><summary>Resolved configuration</summary>" +
         keyed_element("pre", "config", report.resolved_config) + "</details>\n</body>\n</html>\n";
  return out;
}

}  // namespace shoprl
