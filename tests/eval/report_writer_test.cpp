// The report's three formats against a hand-built report (tests/testing/sample_report.h): the
// JSON keeps every figure (null for undefined ones), the markdown has the table rows, and the
// HTML is self-contained and plots what the JSON says.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "core/atomic_file.h"
#include "eval/evaluation_report.h"
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
  EXPECT_EQ(j.at("logging_policy_value"),
            json::parse(R"({"value":0.1,"std_error":0.01,"ci_low":0.08,"ci_high":0.12})"));

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
  EXPECT_EQ(ipw.at("true_value_error"), 0.123456789 - 0.12);

  // NaN figures and undefined intervals are null, not absent and not a number.
  const json& snipw = j.at("estimates").at("snipw");
  EXPECT_TRUE(snipw.at("intervals").at("hoeffding").is_null());
  EXPECT_TRUE(snipw.at("clipped_fraction").is_null());
  const json& dm = j.at("estimates").at("dm");
  EXPECT_TRUE(dm.at("effective_sample_size").is_null());
  EXPECT_TRUE(dm.at("max_weight").is_null());
  EXPECT_TRUE(dm.at("intervals").at("t").is_null());
  EXPECT_EQ(dm.at("intervals").at("bootstrap"), json::array({0.0471, 0.0553}));

  // A declined estimator is listed with its reason, and not among the estimates.
  EXPECT_EQ(j.at("estimates").size(), 3u);
  EXPECT_FALSE(j.at("estimates").contains("dr"));
  EXPECT_EQ(j.at("declined"),
            json::parse(R"j({"dr":"needs a reward model (reward_model.kind is none)"})j"));

  EXPECT_EQ(j.at("true_value"), 0.12);
  EXPECT_EQ(j.at("true_value_std_error"), 0.002);
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
  for (const char* key : {"true_value", "true_value_std_error", "weight_histogram", "ranking"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j.at(key).is_null()) << key;
  }
  EXPECT_EQ(j.at("notes"), json::array());
  // Without a true value there is no error to state.
  for (const auto& [name, estimate] : j.at("estimates").items()) {
    EXPECT_FALSE(estimate.contains("true_value_error")) << name;
  }
}

TEST(ReportMarkdown, HasATableRowPerEstimateWithFourSignificantDigits) {
  const std::string md = report_markdown(sample_evaluation_report());
  // value / logging = 1.23456789, error = 0.003456789.
  EXPECT_NE(md.find("| ipw | 0.1235 | 0.0123 | 0.0993 | 0.1478 | 1.235 | 0.003457 | 345.6 | "
                    "12.5 | 0 | 1000 round |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| snipw | 0.118 | 0.0101 | 0.0985 | 0.1381 | 1.18 | -0.002 | 345.6 | 12.5 "
                    "| n/a | 1000 round |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| dm | 0.0512 | 0.0021 | 0.0471 | 0.0553 | 0.512 | -0.0688 | n/a | n/a | "
                    "n/a | 1000 round |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| logging policy (mean logged reward) | 0.1 | 0.01 | 0.08 | 0.12 | 1 |"),
            std::string::npos);
  EXPECT_NE(md.find("| ipw | [0.0993, 0.1478] | [0.0993, 0.1476] | [0.0994, 0.1475] | "
                    "[-0.2, 0.45] | [0.05, 0.2] |"),
            std::string::npos);
  EXPECT_NE(md.find("True value of the evaluation policy: 0.12 (std. error 0.002)"),
            std::string::npos);
  EXPECT_NE(md.find("- dr: needs a reward model (reward_model.kind is none)"), std::string::npos);
  EXPECT_EQ(md.find("| dr |"), std::string::npos);
  EXPECT_NE(md.find("| clicks (500) | 5 | 0.25 | 0.1234 |"), std::string::npos);
  EXPECT_NE(md.find("| purchases (40) | 20 | 0.6 | 0.3 |"), std::string::npos);
  EXPECT_NE(md.find("- weights clipped at 100"), std::string::npos);
}

TEST(ReportMarkdown, LeavesOutTheErrorColumnWithoutATrueValue) {
  const std::string md = report_markdown(sample_report_without_optional_parts());
  EXPECT_EQ(md.find("Error vs true"), std::string::npos);
  EXPECT_NE(md.find("| ipw | 0.1235 | 0.0123 | 0.0993 | 0.1478 | 1.235 | 345.6 |"),
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

TEST(ReportHtml, ForestPlotHasADotPerEstimateAtItsJsonValue) {
  const EvaluationReport report = sample_evaluation_report();
  const json j = json::parse(report_json(report));
  const std::string html = report_html(report);
  const auto svgs = tags_with(html, "svg", "id=\"forest-plot\"");
  ASSERT_EQ(svgs.size(), 1u);
  const double domain_low = std::stod(svgs[0].at("data-x-domain-low"));
  const double domain_high = std::stod(svgs[0].at("data-x-domain-high"));
  const double range_low = std::stod(svgs[0].at("data-x-range-low"));
  const double range_high = std::stod(svgs[0].at("data-x-range-high"));

  const auto dots = tags_with(html, "circle", "data-estimator=");
  ASSERT_EQ(dots.size(), j.at("estimates").size());
  for (const auto& dot : dots) {
    const json& estimate = j.at("estimates").at(dot.at("data-estimator"));
    const double value = estimate.at("value");
    EXPECT_EQ(std::strtod(dot.at("data-value").c_str(), nullptr), value);
    EXPECT_EQ(std::strtod(dot.at("data-ci-low").c_str(), nullptr), estimate.at("ci_low"));
    EXPECT_EQ(std::strtod(dot.at("data-ci-high").c_str(), nullptr), estimate.at("ci_high"));
    const double pixel =
        range_low + (value - domain_low) / (domain_high - domain_low) * (range_high - range_low);
    EXPECT_NEAR(std::stod(dot.at("cx")), pixel, 0.001);  // cx is printed to 1/1000 px
    EXPECT_GE(pixel, range_low);
    EXPECT_LE(pixel, range_high);
  }
  const auto logging_line = tags_with(html, "line", "class=\"logging-line\"");
  ASSERT_EQ(logging_line.size(), 1u);
  EXPECT_EQ(std::stod(logging_line[0].at("data-value")), 0.1);
  const auto true_line = tags_with(html, "line", "class=\"true-line\"");
  ASSERT_EQ(true_line.size(), 1u);
  EXPECT_EQ(std::stod(true_line[0].at("data-value")), 0.12);
  EXPECT_NE(html.find("true value 0.12</text>"), std::string::npos);
  EXPECT_TRUE(
      tags_with(report_html(sample_report_without_optional_parts()), "line", "class=\"true-line\"")
          .empty());
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
