// Renders the simulator's fidelity report (index.html) in headless Chromium (Debian's
// chromium; skipped when absent) and checks the page as the browser built it against
// report.json: every number shown, the reliability diagram's dots at the pixels its declared
// axes give their bins' JSON values, and the session-length histogram's bars (count, position,
// height) for both sides.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "eval/report_format.h"
#include "sim/fidelity_report.h"
#include "testing/rendered_dom.h"
#include "testing/sample_fidelity_report.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using testing::Attributes;
using testing::axis_of;
using testing::kChromium;
using testing::LinearAxis;
using testing::number;
using testing::pointer_of;
using testing::tags_with;
using testing::unescape_text;

class FidelityReportInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium)) {
      GTEST_SKIP() << kChromium.string()
                   << " not found: install Debian's chromium (tools/deps.sh) to render the report";
    }
  }
  std::string dump_dom(const fs::path& page) {
    const fs::path out = temp_ / "dom.html";
    const testing::CommandResult result =
        testing::run_headless_chromium(temp_.path(), page, "--dump-dom", out);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return read_file_text(out);
  }
  testing::TempDir temp_;
};

TEST_F(FidelityReportInChromium, FiguresAndMarksMatchReportJson) {
  const fs::path dir = temp_ / "report";
  write_fidelity_report(testing::sample_fidelity_report(), dir.string());
  const json j = json::parse(read_file_text(dir / "report.json"));
  const std::string dom = dump_dom(dir / "index.html");
  ASSERT_NE(dom.find("id=\"reliability-diagram\""), std::string::npos) << dom.substr(0, 2000);

  // Every element with a data-key shows its report.json figure.
  std::set<std::string> shown;
  const std::regex keyed("<(\\w+)\\s[^>]*?data-key=\"([^\"]+)\"[^>]*>([^<]*)</\\1>");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), keyed); it != std::sregex_iterator();
       ++it) {
    const std::string key = (*it)[2];
    const std::string text = unescape_text((*it)[3]);
    shown.insert(key);
    const json::json_pointer pointer = pointer_of(key);
    ASSERT_TRUE(j.contains(pointer)) << key << " is not in report.json";
    const json& value = j.at(pointer);
    if (value.is_null()) {
      EXPECT_EQ(text, "n/a") << key;
    } else if (value.is_boolean()) {
      EXPECT_EQ(text, value.dump()) << key;
    } else if (value.is_number_integer()) {
      EXPECT_EQ(text, value.dump()) << key;
    } else if (value.is_number()) {
      EXPECT_EQ(text, format_report_number(value.get<double>())) << key;
    } else if (key != "config") {  // the browser may normalise the <pre> text's whitespace
      EXPECT_EQ(text, value.get<std::string>()) << key;
    }
  }
  // The figures a reader looks for are all on the page.
  std::set<std::string> expected = {"title",
                                    "store",
                                    "seed",
                                    "purchase.auc",
                                    "purchase.expected_calibration_error",
                                    "sessions.length_ks.statistic",
                                    "sessions.length_ks.p_value",
                                    "calibration.source_text",
                                    "ground_truth.spearman",
                                    "ground_truth.kendall_tau_b"};
  for (const char* model : {"simulator", "popularity"}) {
    for (std::size_t c = 0; c < 3; ++c) {
      for (const char* field : {"hit_rate", "ndcg"})
        expected.insert(std::string("next_click.") + model + ".cutoffs." + std::to_string(c) + "." +
                        field);
    }
    expected.insert(std::string("next_click.") + model + ".mean_log_likelihood");
  }
  for (const char* side : {"real", "simulated"}) {
    for (const char* field : {"sessions", "mean_length", "click_through_rate", "conversion_rate",
                              "click_gini", "click_top1_share"})
      expected.insert(std::string("sessions.") + side + "." + field);
  }
  for (std::size_t p = 0; p < j.at("ground_truth").at("policies").size(); ++p) {
    for (const char* field : {"true.value", "simulated.value", "relative_error"})
      expected.insert("ground_truth.policies." + std::to_string(p) + "." + field);
  }
  for (const std::string& key : expected) EXPECT_TRUE(shown.count(key)) << key;

  // The reliability diagram: a dot per bin with targets, at (mean predicted, observed rate).
  const auto diagram = tags_with(dom, "svg", "id=\"reliability-diagram\"");
  ASSERT_EQ(diagram.size(), 1u);
  const LinearAxis px = axis_of(diagram[0], "x"), py = axis_of(diagram[0], "y");
  const auto dots = tags_with(dom, "circle", "data-bin=");
  std::size_t filled = 0;
  for (const json& bin : j.at("purchase").at("reliability_bins")) filled += bin.at("count") > 0;
  ASSERT_EQ(dots.size(), filled);
  for (const Attributes& dot : dots) {
    const json& bin = j.at("purchase").at("reliability_bins").at(std::stoul(dot.at("data-bin")));
    EXPECT_EQ(std::stoll(dot.at("data-count")), bin.at("count").get<std::int64_t>());
    EXPECT_NEAR(number(dot, "cx"), px.to_pixel(bin.at("mean_predicted")), 0.5);
    EXPECT_NEAR(number(dot, "cy"), py.to_pixel(bin.at("observed_rate")), 0.5);
  }

  // The length histogram: per bin, a real and a simulated bar of the JSON fraction, starting
  // at the bin's left edge (real) or its middle (simulated), as tall as the y axis makes it.
  const auto histogram = tags_with(dom, "svg", "id=\"length-histogram\"");
  ASSERT_EQ(histogram.size(), 1u);
  const LinearAxis hx = axis_of(histogram[0], "x"), hy = axis_of(histogram[0], "y");
  const json& h = j.at("sessions").at("length_histogram");
  for (const char* side : {"real", "simulated"}) {
    const auto bars = tags_with(dom, "rect", std::string("data-side=\"") + side + "\"");
    const json& fractions = h.at(std::string(side) + "_fraction");
    ASSERT_EQ(bars.size(), fractions.size()) << side;
    for (std::size_t b = 0; b < bars.size(); ++b) {
      const double left = hx.to_pixel(h.at("edges").at(b)),
                   right = hx.to_pixel(h.at("edges").at(b + 1));
      const double start = std::string(side) == "real" ? left : (left + right) / 2;
      EXPECT_NEAR(number(bars[b], "x"), start, 0.5) << side << " bar " << b;
      EXPECT_EQ(number(bars[b], "data-fraction"), fractions.at(b).get<double>());
      EXPECT_NEAR(number(bars[b], "height"), hy.to_pixel(0) - hy.to_pixel(fractions.at(b)), 0.5)
          << side << " bar " << b;
    }
  }
}

}  // namespace
}  // namespace shoprl
