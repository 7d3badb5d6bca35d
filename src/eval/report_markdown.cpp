// report.md: the report's tables as GitHub-flavoured markdown, numbers to
// kReportSignificantDigits significant digits.
#include <cctype>
#include <cmath>
#include <string>

#include "eval/evaluation_report.h"
#include "eval/report_format.h"

namespace shoprl {

namespace {

// A table cell: pipes would end the cell and newlines the row.
std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& text : cells) out += " " + cell(text) + " |";
  return out + "\n";
}

std::string table_header(const std::vector<std::string>& names) {
  std::string rule = "|";
  for (std::size_t i = 0; i < names.size(); ++i) rule += i == 0 ? "---|" : "---:|";
  return row(names) + rule + "\n";
}

std::string num(double value) { return format_report_number(value); }

std::string interval_text(const Interval& interval) {
  if (!interval.defined()) return "n/a";
  return "[" + num(interval.low) + ", " + num(interval.high) + "]";
}

// The true value with its Monte Carlo standard error when known: "0.12 ± 0.002".
std::string true_value_text(const Estimate& e) {
  std::string text = num(e.true_value);
  if (!std::isnan(e.true_value) && !std::isnan(e.true_value_std_error)) {
    text += " ± " + num(e.true_value_std_error);
  }
  return text;
}

std::string logging_section(const EvaluationReport& report) {
  std::string out =
      "## Logging policy\n\nThe on-policy value of the logs in each unit (a round: the reward "
      "of one impression; a slate: the summed reward of one slate; a session: the discounted "
      "return of one session). Each estimate is compared with the value of its own unit.\n\n";
  if (report.logging_values.empty()) return out + "No logging value was computed.\n";
  out += table_header({"Unit", "Value", "Std. error", "CI low", "CI high", "Units"});
  const std::vector<const Estimate*> none;
  for (const std::string& unit : report_units(none, report.logging_values)) {
    const Estimate& logging = *logging_value_for(report.logging_values, unit);
    out += row({unit, num(logging.value), num(logging.std_error), num(logging.ci.low),
                num(logging.ci.high), std::to_string(logging.units)});
  }
  return out;
}

std::string estimates_section(const EvaluationReport& report) {
  const std::vector<const Estimate*> estimates = computed_estimates(report.estimates);
  const bool has_truth = any_true_value(estimates);
  std::vector<std::string> names = {"Estimator", "Unit",    "Value",          "Std. error",
                                    "CI low",    "CI high", "Value / logging"};
  if (has_truth) {
    std::string label = report.true_value_label;
    if (!label.empty())
      label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    names.push_back(label);
    names.push_back("Error vs " + report.true_value_label);
  }
  for (const char* name : {"ESS", "Max weight", "Clipped fraction", "Units"}) {
    names.push_back(name);
  }
  std::string out = "## Estimates\n\n" + table_header(names);
  for (const Estimate* e : estimates) {
    std::vector<std::string> cells = {
        e->estimator,
        e->unit,
        num(e->value) + (e->unreliable.empty() ? "" : " (unreliable)"),
        num(e->std_error),
        num(e->ci.low),
        num(e->ci.high),
        num(relative_to_logging(*e, report.logging_values))};
    if (has_truth) {
      cells.push_back(true_value_text(*e));
      cells.push_back(num(true_value_error(*e)));
    }
    cells.push_back(num(e->effective_sample_size));
    cells.push_back(num(e->max_weight));
    cells.push_back(num(e->clipped_fraction));
    cells.push_back(std::to_string(e->units));
    out += row(cells);
  }
  out += "\nValue / logging: the value over the logging policy's value in the same unit.";
  for (const Estimate* e : estimates) {
    if (!e->unreliable.empty())
      out += " " + e->estimator + " is unreliable: " + e->unreliable + ".";
  }
  if (has_truth) {
    out +=
        " True value: the evaluation policy's value in the estimate's unit (± its standard "
        "error), n/a where the truth is not known for that unit; error: value - true value.";
  }
  return out + "\n";
}

std::string intervals_section(const EvaluationReport& report) {
  std::vector<std::string> names = {"Estimator"};
  for (const IntervalKind& kind : interval_kinds()) names.push_back(kind.name);
  std::string out = "## Intervals by kind\n\n" + table_header(names);
  for (const Estimate* e : computed_estimates(report.estimates)) {
    std::vector<std::string> cells = {e->estimator};
    for (const IntervalKind& kind : interval_kinds())
      cells.push_back(interval_text(e->*kind.interval));
    out += row(cells);
  }
  return out;
}

std::string ranking_section(const RankingMetrics& ranking) {
  std::string out = "## Next-item ranking (" + ranking.scorer + ")\n\n" +
                    table_header({"Events", "k", "HR@k", "NDCG@k"});
  const auto rows = [&](const std::string& kind, std::size_t events,
                        const std::vector<RankingAtK>& cutoffs) {
    for (const RankingAtK& at : cutoffs) {
      out += row({kind + " (" + std::to_string(events) + ")", std::to_string(at.k),
                  num(at.hit_rate), num(at.ndcg)});
    }
  };
  rows("clicks", ranking.click_events, ranking.clicks);
  rows("purchases", ranking.purchase_events, ranking.purchases);
  return out;
}

}  // namespace

// The opening paragraph, as in the HTML page (report_html.cpp: headline_section).
std::string headline_paragraph(const EvaluationReport& report) {
  const Estimate* e = headline_estimate(report.estimates);
  if (e == nullptr) return "No estimator gave a value with an interval; see below.\n\n";
  std::string out = "The evaluation policy is worth **" + num(e->value) + "** " +
                    per_unit(e->unit) + " by **" + e->estimator + "** (" +
                    num(100 * report.confidence) + "% " + report.interval + " interval [" +
                    num(e->ci.low) + ", " + num(e->ci.high) + "])";
  if (const Estimate* logging = logging_value_for(report.logging_values, e->unit))
    out += ", against " + num(logging->value) + " for the logging policy";
  out += ".";
  if (!std::isnan(e->true_value))
    out += " Its " + report.true_value_label + ": " + true_value_text(*e) + ".";
  return out + "\n\n";
}

std::string report_markdown(const EvaluationReport& report) {
  std::string out = "# " + report.title + "\n\n" + headline_paragraph(report);
  out += "- Input: `" + report.input + "`\n";
  out += "- Evaluation policy: " + report.evaluation_policy + "\n";
  out += "- Logging policy: " + report.logging_policy + "\n";
  out += "- Seed: " + std::to_string(report.seed) + "; rounds: " + std::to_string(report.rounds) +
         "; intervals: " + report.interval + " at " + num(100 * report.confidence) + "%" +
         (report.interval_note.empty() ? "" : " (" + report.interval_note + ")") + "\n\n";
  out += "Numbers have " + std::to_string(kReportSignificantDigits) +
         " significant digits (report.json has them in full); n/a: undefined.\n\n";
  out +=
      logging_section(report) + "\n" + estimates_section(report) + "\n" + intervals_section(report);

  bool any_declined = false;
  for (const Estimate& e : report.estimates) {
    if (e.declined.empty()) continue;
    if (!any_declined) out += "\n## Declined estimators\n\n";
    any_declined = true;
    out += "- " + e.estimator + ": " + e.declined + "\n";
  }
  if (report.weights) {
    const WeightHistogram& w = *report.weights;
    std::uint64_t positive = 0;
    for (const std::uint64_t count : w.counts) positive += count;
    out += "\n## Importance weights (" + w.estimator + ")\n\n" + std::to_string(positive) +
           " positive weights in " + std::to_string(w.counts.size()) + " log10 bins; " +
           std::to_string(w.zero_weights) + " zero weights.\n";
  }
  if (report.ranking) out += "\n" + ranking_section(*report.ranking);
  if (!report.notes.empty()) {
    out += "\n## Notes\n\n";
    for (const std::string& note : report.notes) out += "- " + note + "\n";
  }
  return out;
}

}  // namespace shoprl
