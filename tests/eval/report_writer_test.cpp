// The report's three formats against a hand-built report (tests/testing/sample_report.h): the
// JSON keeps every figure (null for undefined ones), the markdown has the table rows, and the
// HTML is self-contained and plots what the JSON says.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "core/atomic_file.h"
#include "eval/evaluation_report.h"
#include "eval/report_format.h"
#include "testing/sample_report.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using nlohmann::json;
using testing::sample_evaluation_report;
using testing::sample_report_without_optional_parts;

// The attributes of every `<tag ...>` opening tag in `html` whose attributes contain `marker`.
std::vector<std::map<std::string, std::string>> tags_with(const std::string& html,
                                                          const std::string& tag,
                                                          const std::string& marker) {
  std::vector<std::map<std::string, std::string>> found;
  const std::regex tag_pattern("<" + tag + "\\s([^>]*)>");
  const std::regex attribute_pattern("([\\w-]+)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag_pattern);
       it != std::sregex_iterator(); ++it) {
    const std::string attributes = (*it)[1];
    if (attributes.find(marker) == std::string::npos) continue;
    std::map<std::string, std::string> parsed;
    for (auto a = std::sregex_iterator(attributes.begin(), attributes.end(), attribute_pattern);
         a != std::sregex_iterator(); ++a) {
      parsed[(*a)[1]] = (*a)[2];
    }
    found.push_back(parsed);
  }
  return found;
}

// Each `<svg ...>...</svg>` whose opening tag contains `marker`: its attributes and its body.
struct SvgBlock {
  std::map<std::string, std::string> attributes;
  std::string body;
};
std::vector<SvgBlock> svg_blocks(const std::string& html, const std::string& marker) {
  std::vector<SvgBlock> blocks;
  for (std::size_t start = html.find("<svg "); start != std::string::npos;
       start = html.find("<svg ", start + 1)) {
    const std::size_t open_end = html.find('>', start);
    const std::size_t close = html.find("</svg>", open_end);
    if (open_end == std::string::npos || close == std::string::npos) break;
    const std::string opening = html.substr(start, open_end + 1 - start);
    if (opening.find(marker) == std::string::npos) continue;
    blocks.push_back(
        {tags_with(opening, "svg", "").at(0), html.substr(open_end + 1, close - open_end - 1)});
  }
  return blocks;
}

double axis_pixel(const std::map<std::string, std::string>& svg, double value) {
  const double domain_low = std::stod(svg.at("data-x-domain-low"));
  const double domain_high = std::stod(svg.at("data-x-domain-high"));
  const double range_low = std::stod(svg.at("data-x-range-low"));
  const double range_high = std::stod(svg.at("data-x-range-high"));
  return range_low + (value - domain_low) / (domain_high - domain_low) * (range_high - range_low);
}

TEST(ReportJson, KeepsEveryFigureOfTheReport) {
  const EvaluationReport report = sample_evaluation_report();
  const json j = json::parse(report_json(report));

  EXPECT_EQ(j.at("title"), "OPE of <greedy> & friends");
  EXPECT_EQ(j.at("input"), "/data/synth/logs.h5");
  EXPECT_EQ(j.at("evaluation_policy"), report.evaluation_policy);
  EXPECT_EQ(j.at("logging_policy"), "popularity");
  EXPECT_EQ(j.at("seed"), 42u);
  EXPECT_EQ(j.at("rounds"), 1000u);
  EXPECT_EQ(j.at("confidence"), 0.95);
  EXPECT_EQ(j.at("interval"), "bootstrap");
  EXPECT_EQ(j.at("config"), report.resolved_config);
  // One logging value per unit that has one (none for session), keyed by the unit.
  EXPECT_EQ(j.at("logging_policy_values"), json::parse(R"({
    "round": {"value":0.1,"std_error":0.01,"ci_low":0.08,"ci_high":0.12,"units":1000},
    "slate": {"value":0.5,"std_error":0.04,"ci_low":0.42,"ci_high":0.58,"units":200}})"));
  EXPECT_FALSE(j.contains("logging_policy_value"));
  EXPECT_FALSE(j.contains("true_value"));
  EXPECT_FALSE(j.contains("true_value_std_error"));

  const json& ipw = j.at("estimates").at("ipw");
  EXPECT_EQ(ipw.at("value"), 0.123456789);  // doubles round-trip exactly
  EXPECT_EQ(ipw.at("std_error"), 0.0123);
  EXPECT_EQ(ipw.at("ci_low"), 0.0993);
  EXPECT_EQ(ipw.at("ci_high"), 0.1478);
  EXPECT_EQ(ipw.at("unit"), "round");
  EXPECT_EQ(ipw.at("units"), 1000u);
  EXPECT_EQ(ipw.at("intervals").at("bootstrap"), json::array({0.0993, 0.1478}));
  EXPECT_EQ(ipw.at("intervals").at("t"), json::array({0.0993, 0.1476}));
  EXPECT_EQ(ipw.at("intervals").at("normal"), json::array({0.0994, 0.1475}));
  EXPECT_EQ(ipw.at("intervals").at("hoeffding"), json::array({-0.2, 0.45}));
  EXPECT_EQ(ipw.at("intervals").at("bernstein"), json::array({0.05, 0.2}));
  EXPECT_EQ(ipw.at("effective_sample_size"), 345.6);
  EXPECT_EQ(ipw.at("max_weight"), 12.5);
  EXPECT_EQ(ipw.at("clipped_fraction"), 0.0);
  EXPECT_EQ(ipw.at("relative_to_logging"), 0.123456789 / 0.1);
  EXPECT_EQ(ipw.at("true_value"), 0.12);
  EXPECT_EQ(ipw.at("true_value_std_error"), 0.002);
  EXPECT_EQ(ipw.at("true_value_error"), 0.123456789 - 0.12);

  // Each estimate is compared with the logging value and the true value of its own unit.
  const json& sips = j.at("estimates").at("sips");
  EXPECT_EQ(sips.at("unit"), "slate");
  EXPECT_EQ(sips.at("units"), 200u);
  EXPECT_EQ(sips.at("relative_to_logging"), 0.62 / 0.5);
  EXPECT_EQ(sips.at("true_value"), 0.6);
  EXPECT_TRUE(sips.at("true_value_std_error").is_null());
  EXPECT_EQ(sips.at("true_value_error"), 0.62 - 0.6);
  const json& pdis = j.at("estimates").at("pdis");
  EXPECT_EQ(pdis.at("unit"), "session");
  EXPECT_TRUE(pdis.at("relative_to_logging").is_null());  // no session logging value
  EXPECT_EQ(pdis.at("true_value"), 1.8);
  EXPECT_EQ(pdis.at("true_value_std_error"), 0.01);
  EXPECT_EQ(pdis.at("true_value_error"), 1.75 - 1.8);

  // NaN figures and undefined intervals are null, not absent and not a number.
  const json& snipw = j.at("estimates").at("snipw");
  EXPECT_TRUE(snipw.at("intervals").at("hoeffding").is_null());
  EXPECT_TRUE(snipw.at("clipped_fraction").is_null());
  const json& dm = j.at("estimates").at("dm");
  EXPECT_EQ(dm.at("relative_to_logging"), 0.0512 / 0.1);
  for (const char* key : {"true_value", "true_value_std_error", "true_value_error"}) {
    EXPECT_TRUE(dm.at(key).is_null()) << key;  // dm has no true value
  }
  EXPECT_TRUE(dm.at("effective_sample_size").is_null());
  EXPECT_TRUE(dm.at("max_weight").is_null());
  EXPECT_TRUE(dm.at("intervals").at("t").is_null());
  EXPECT_EQ(dm.at("intervals").at("bootstrap"), json::array({0.0471, 0.0553}));

  // A declined estimator is listed with its reason, and not among the estimates.
  EXPECT_EQ(j.at("estimates").size(), 5u);
  EXPECT_FALSE(j.at("estimates").contains("dr"));
  EXPECT_EQ(j.at("declined"),
            json::parse(R"j({"dr":"needs a reward model (reward_model.kind is none)"})j"));

  const json& histogram = j.at("weight_histogram");
  EXPECT_EQ(histogram.at("estimator"), "ipw");
  EXPECT_EQ(histogram.at("bin_edges_log10").get<std::vector<double>>(), report.weights->bin_edges);
  EXPECT_EQ(histogram.at("counts").get<std::vector<std::uint64_t>>(), report.weights->counts);
  EXPECT_EQ(histogram.at("zero_weights"), 10u);
  EXPECT_EQ(j.at("ranking"), json::parse(R"({
    "scorer": "popularity",
    "clicks": [{"k":5,"hit_rate":0.25,"ndcg":0.1234}, {"k":10,"hit_rate":0.375,"ndcg":0.15},
               {"k":20,"hit_rate":0.5,"ndcg":0.1875}],
    "purchases": [{"k":5,"hit_rate":0.3,"ndcg":0.2}, {"k":10,"hit_rate":0.4,"ndcg":0.25},
                  {"k":20,"hit_rate":0.6,"ndcg":0.3}],
    "click_events": 500, "purchase_events": 40})"));
  EXPECT_EQ(j.at("notes"), json(report.notes));
}

TEST(ReportJson, OptionalPartsAreNullWhenAbsent) {
  const json j = json::parse(report_json(sample_report_without_optional_parts()));
  for (const char* key : {"weight_histogram", "ranking"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j.at(key).is_null()) << key;
  }
  EXPECT_EQ(j.at("notes"), json::array());
  // Without true values there is no error to state: the keys are there, and null.
  ASSERT_EQ(j.at("estimates").size(), 5u);
  for (const auto& [name, estimate] : j.at("estimates").items()) {
    for (const char* key : {"true_value", "true_value_std_error", "true_value_error"}) {
      ASSERT_TRUE(estimate.contains(key)) << name << " " << key;
      EXPECT_TRUE(estimate.at(key).is_null()) << name << " " << key;
    }
  }
}

TEST(ReportJson, RelativeToLoggingIsNullWithoutALoggingValueForTheUnit) {
  EvaluationReport report = sample_evaluation_report();
  report.logging_values.erase(report.logging_values.begin());  // keep slate only
  const json j = json::parse(report_json(report));
  EXPECT_FALSE(j.at("logging_policy_values").contains("round"));
  EXPECT_TRUE(j.at("estimates").at("ipw").at("relative_to_logging").is_null());
  EXPECT_EQ(j.at("estimates").at("sips").at("relative_to_logging"), 0.62 / 0.5);
  report.logging_values.clear();
  EXPECT_EQ(json::parse(report_json(report)).at("logging_policy_values"), json::object());
}

TEST(ReportHeadline, LeadsWithTheFirstReliableEstimatorComparedWithTheTruth) {
  EvaluationReport report = sample_evaluation_report();
  ASSERT_NE(headline_estimate(report.estimates), nullptr);
  EXPECT_EQ(headline_estimate(report.estimates)->estimator, "snipw");
  // Marked unreliable (an effective sample size under 1% of the units, eval/estimate.cpp): a few
  // rounds decide it, so it is passed over.
  for (Estimate& e : report.estimates)
    if (e.estimator == "snipw") e.unreliable = "effective sample size 9 of 1000 units";
  EXPECT_EQ(headline_estimate(report.estimates)->estimator, "ipw");
  // Without any true value, DM (no truth in the sample) becomes a candidate, but IPW comes first.
  for (Estimate& e : report.estimates) e.true_value = kNaN;
  EXPECT_EQ(headline_estimate(report.estimates)->estimator, "ipw");
  const json j = json::parse(report_json(report));
  EXPECT_EQ(j.at("headline").at("estimator"), "ipw");
  EXPECT_EQ(j.at("headline").at("logging_value"), 0.1);
  report.estimates.clear();
  EXPECT_EQ(headline_estimate(report.estimates), nullptr);
  EXPECT_TRUE(json::parse(report_json(report)).at("headline").is_null());
}

TEST(ReportMarkdown, HasATableRowPerEstimateWithFourSignificantDigits) {
  const std::string md = report_markdown(sample_evaluation_report());
  // It opens with the headline: the first reliable estimator of the preferred order that is
  // compared with the truth (here SNIPW: the sample's DR is declined).
  EXPECT_NE(md.find("The evaluation policy is worth **0.118** per round by **snipw**"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| Estimator | Unit | Value | Std. error | CI low | CI high | Value / logging "
                    "| True value | Error vs true value | ESS | Max weight | Clipped fraction | "
                    "Units |"),
            std::string::npos)
      << md;
  // value / logging = 1.23456789, error = 0.003456789.
  EXPECT_NE(md.find("| ipw | round | 0.1235 | 0.0123 | 0.0993 | 0.1478 | 1.235 | 0.12 ± 0.002 | "
                    "0.003457 | 345.6 | 12.5 | 0 | 1000 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| snipw | round | 0.118 | 0.0101 | 0.0985 | 0.1381 | 1.18 | 0.12 ± 0.002 | "
                    "-0.002 | 345.6 | 12.5 | n/a | 1000 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| dm | round | 0.0512 | 0.0021 | 0.0471 | 0.0553 | 0.512 | n/a | n/a | n/a | "
                    "n/a | n/a | 1000 |"),
            std::string::npos)
      << md;
  // Relative to the slate logging value 0.5; a true value without a standard error.
  EXPECT_NE(md.find("| sips | slate | 0.62 | 0.05 | 0.52 | 0.72 | 1.24 | 0.6 | 0.02 | 80.5 | 40 | "
                    "0.01 | 200 |"),
            std::string::npos)
      << md;
  // No session logging value: no ratio.
  EXPECT_NE(md.find("| pdis | session | 1.75 | 0.2 | 1.36 | 2.14 | n/a | 1.8 ± 0.01 | -0.05 | "
                    "50.25 | 300 | n/a | 200 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("## Logging policy"), std::string::npos);
  EXPECT_NE(md.find("| Unit | Value | Std. error | CI low | CI high | Units |\n|---|---:|---:|---:|"
                    "---:|---:|\n| round | 0.1 | 0.01 | 0.08 | 0.12 | 1000 |\n"
                    "| slate | 0.5 | 0.04 | 0.42 | 0.58 | 200 |\n"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("\n| session |"), std::string::npos);  // no session logging value
  EXPECT_NE(md.find("| ipw | [0.0993, 0.1478] | [0.0993, 0.1476] | [0.0994, 0.1475] | "
                    "[-0.2, 0.45] | [0.05, 0.2] |"),
            std::string::npos);
  EXPECT_NE(md.find("- dr: needs a reward model (reward_model.kind is none)"), std::string::npos);
  EXPECT_EQ(md.find("| dr |"), std::string::npos);
  EXPECT_NE(md.find("| clicks (500) | 5 | 0.25 | 0.1234 |"), std::string::npos);
  EXPECT_NE(md.find("| purchases (40) | 20 | 0.6 | 0.3 |"), std::string::npos);
  EXPECT_NE(md.find("- weights clipped at 100"), std::string::npos);
}

TEST(ReportMarkdown, LeavesOutTheTrueValueColumnsWithoutATrueValue) {
  const std::string md = report_markdown(sample_report_without_optional_parts());
  EXPECT_EQ(md.find("True value"), std::string::npos);
  EXPECT_EQ(md.find("Error vs true"), std::string::npos);
  EXPECT_NE(md.find("| ipw | round | 0.1235 | 0.0123 | 0.0993 | 0.1478 | 1.235 | 345.6 |"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("## Next-item ranking"), std::string::npos);
  EXPECT_EQ(md.find("## Notes"), std::string::npos);
}

TEST(ReportHtml, IsSelfContained) {
  for (const EvaluationReport& report :
       {sample_evaluation_report(), sample_report_without_optional_parts()}) {
    const std::string html = report_html(report);
    for (const char* external : {"http", "<script", "src=", "url(", "@import", "<link", "href="}) {
      EXPECT_EQ(html.find(external), std::string::npos) << external;
    }
    // Text from the report is escaped: the title's "<greedy>" is not a tag.
    EXPECT_EQ(html.find("<greedy>"), std::string::npos);
    EXPECT_NE(html.find("OPE of &lt;greedy&gt; &amp; friends"), std::string::npos);
  }
}

TEST(ReportHtml, ForestPlotHasAPanelPerUnitWithItsOwnAxisAndReferences) {
  const EvaluationReport report = sample_evaluation_report();
  const json j = json::parse(report_json(report));
  const std::string html = report_html(report);
  const auto panels = svg_blocks(html, "class=\"forest-plot\"");
  ASSERT_EQ(panels.size(), 3u);
  const std::vector<std::string> units = {"round", "slate", "session"};
  std::size_t dots_seen = 0;
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const auto& svg = panels[p].attributes;
    const std::string& body = panels[p].body;
    const std::string& unit = units[p];
    ASSERT_EQ(svg.at("data-unit"), unit) << "panels in the order round, slate, session";
    const double range_low = std::stod(svg.at("data-x-range-low"));
    const double range_high = std::stod(svg.at("data-x-range-high"));

    // A dot for each estimate of this unit and no other, at its JSON value on this axis.
    std::set<std::string> expected, plotted;
    for (const auto& [name, estimate] : j.at("estimates").items()) {
      if (estimate.at("unit") == unit) expected.insert(name);
    }
    std::map<std::string, double> row_y;
    for (const auto& dot : tags_with(body, "circle", "data-estimator=")) {
      const json& estimate = j.at("estimates").at(dot.at("data-estimator"));
      EXPECT_EQ(dot.at("data-unit"), unit);
      plotted.insert(dot.at("data-estimator"));
      row_y[dot.at("data-estimator")] = std::stod(dot.at("cy"));
      const double value = estimate.at("value");
      EXPECT_EQ(std::strtod(dot.at("data-value").c_str(), nullptr), value);
      EXPECT_EQ(std::strtod(dot.at("data-ci-low").c_str(), nullptr), estimate.at("ci_low"));
      EXPECT_EQ(std::strtod(dot.at("data-ci-high").c_str(), nullptr), estimate.at("ci_high"));
      const double pixel = axis_pixel(svg, value);
      EXPECT_NEAR(std::stod(dot.at("cx")), pixel, 0.001);  // cx is printed to 1/1000 px
      EXPECT_GE(pixel, range_low);
      EXPECT_LE(pixel, range_high);
    }
    EXPECT_EQ(plotted, expected) << unit;
    dots_seen += plotted.size();

    // The logging line of this unit only: round 0.1, slate 0.5, none for session.
    const auto logging_line = tags_with(body, "line", "class=\"logging-line\"");
    if (j.at("logging_policy_values").contains(unit)) {
      ASSERT_EQ(logging_line.size(), 1u) << unit;
      const double value = j.at("logging_policy_values").at(unit).at("value");
      EXPECT_EQ(std::stod(logging_line[0].at("data-value")), value);
      EXPECT_NEAR(std::stod(logging_line[0].at("x1")), axis_pixel(svg, value), 0.001);
    } else {
      EXPECT_TRUE(logging_line.empty()) << unit;
    }

    // A dashed true-value tick on the row of each estimate with a true value, and no other.
    std::set<std::string> with_truth, ticked;
    for (const std::string& name : expected) {
      if (!j.at("estimates").at(name).at("true_value").is_null()) with_truth.insert(name);
    }
    for (const auto& tick : tags_with(body, "line", "class=\"true-line\"")) {
      const std::string& name = tick.at("data-estimator");
      ticked.insert(name);
      const double truth = j.at("estimates").at(name).at("true_value");
      EXPECT_EQ(std::strtod(tick.at("data-true-value").c_str(), nullptr), truth);
      EXPECT_NEAR(std::stod(tick.at("x1")), axis_pixel(svg, truth), 0.001);
      EXPECT_EQ(tick.at("x1"), tick.at("x2"));
      EXPECT_LT(std::stod(tick.at("y1")), row_y.at(name));
      EXPECT_GT(std::stod(tick.at("y2")), row_y.at(name));
    }
    EXPECT_EQ(ticked, with_truth) << unit;
  }
  EXPECT_EQ(dots_seen, j.at("estimates").size());
  EXPECT_EQ(tags_with(html, "circle", "data-estimator=").size(), dots_seen);
  EXPECT_EQ(html.find("id=\"forest-plot\""), std::string::npos);  // no single mixed-unit plot
  EXPECT_TRUE(
      tags_with(report_html(sample_report_without_optional_parts()), "line", "class=\"true-line\"")
          .empty());
}

TEST(ReportHtml, ForestPlotHasOnlyThePanelsOfUnitsWithEstimates) {
  EvaluationReport report = sample_evaluation_report();
  report.estimates.erase(report.estimates.begin() + 1);  // pdis, the only session estimate
  const auto panels = svg_blocks(report_html(report), "class=\"forest-plot\"");
  ASSERT_EQ(panels.size(), 2u);
  EXPECT_EQ(panels[0].attributes.at("data-unit"), "round");
  EXPECT_EQ(panels[1].attributes.at("data-unit"), "slate");
}

TEST(ReportHtml, HistogramBarCountsSumToTheNumberOfWeights) {
  const std::string html = report_html(sample_evaluation_report());
  const auto bars = tags_with(html, "rect", "data-count=");
  ASSERT_FALSE(bars.empty());
  std::uint64_t total = 0;
  for (const auto& bar : bars) total += std::stoull(bar.at("data-count"));
  const std::size_t zeros = 10;
  EXPECT_EQ(total + zeros, testing::sample_weights().size());
  EXPECT_NE(html.find("data-key=\"weight_histogram.zero_weights\">10<"), std::string::npos);
}

TEST(ReportHtml, NumberCellsShowTheirJsonFigure) {
  const std::string html = report_html(sample_evaluation_report());
  EXPECT_NE(html.find("data-key=\"estimates.ipw.value\">0.1235</td>"), std::string::npos);
  EXPECT_NE(html.find("data-key=\"estimates.ipw.true_value_error\">0.003457</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<span data-key=\"estimates.ipw.true_value\">0.12</span> &plusmn; "
                      "<span data-key=\"estimates.ipw.true_value_std_error\">0.002</span>"),
            std::string::npos);
  EXPECT_NE(html.find("data-key=\"estimates.dm.true_value\">n/a<"), std::string::npos);
  EXPECT_NE(html.find("data-key=\"estimates.pdis.relative_to_logging\">n/a</td>"),
            std::string::npos);
  EXPECT_NE(html.find("data-key=\"estimates.sips.relative_to_logging\">1.24</td>"),
            std::string::npos);
  EXPECT_NE(html.find("data-key=\"logging_policy_values.slate.value\">0.5</td>"),
            std::string::npos);
  EXPECT_NE(html.find("data-key=\"estimates.sips.unit\">slate</td>"), std::string::npos);
  const std::string without = report_html(sample_report_without_optional_parts());
  EXPECT_EQ(without.find("true_value"), std::string::npos);
  EXPECT_EQ(without.find("<th>True value</th>"), std::string::npos);
  EXPECT_NE(html.find("data-key=\"estimates.dm.max_weight\">n/a</td>"), std::string::npos);
  EXPECT_NE(html.find("data-key=\"ranking.clicks.0.ndcg\">0.1234</td>"), std::string::npos);
  EXPECT_NE(html.find("data-key=\"declined.dr\">"), std::string::npos);
  EXPECT_NE(html.find("<details><summary>Resolved configuration</summary><pre data-key=\"config\">"
                      "ope:\n  interval: bootstrap\n"),
            std::string::npos);
}

TEST(WriteEvaluationReport, WritesTheThreeFormatsIntoANewFolder) {
  const testing::TempDir temp;
  const EvaluationReport report = sample_evaluation_report();
  const std::string dir = (temp / "nested/report").string();
  write_evaluation_report(report, dir);
  EXPECT_EQ(read_file_text(dir + "/report.json"), report_json(report));
  EXPECT_EQ(read_file_text(dir + "/report.md"), report_markdown(report));
  EXPECT_EQ(read_file_text(dir + "/index.html"), report_html(report));
}

}  // namespace
}  // namespace shoprl
