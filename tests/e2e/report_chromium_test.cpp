// Renders the report's index.html in headless Chromium (Debian's chromium; skipped when absent)
// and checks the page as the browser built it against report.json: every number shown; one
// forest-plot panel per unit, each with its own axis, its estimates' dots and intervals, its
// unit's logging line and its estimates' true-value ticks at the pixels that axis gives their
// JSON values; and every histogram bar's count and height. A screenshot checks that the page
// paints something.
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
#include "eval/evaluation_report.h"
#include "eval/report_format.h"
#include "testing/rendered_dom.h"
#include "testing/sample_report.h"
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
using testing::parse_attributes;
using testing::pointer_of;
using testing::tags_with;
using testing::unescape_text;

// Each `<svg ...>...</svg>` of the DOM whose opening tag contains `marker`: its attributes and
// the markup inside it.
struct SvgBlock {
  Attributes attributes;
  std::string body;
};
std::vector<SvgBlock> svg_blocks(const std::string& dom, const std::string& marker) {
  std::vector<SvgBlock> blocks;
  for (std::size_t start = dom.find("<svg "); start != std::string::npos;
       start = dom.find("<svg ", start + 1)) {
    const std::size_t open_end = dom.find('>', start);
    const std::size_t close = dom.find("</svg>", open_end);
    if (open_end == std::string::npos || close == std::string::npos) break;
    const std::string opening = dom.substr(start + 5, open_end - start - 5);
    if (opening.find(marker) == std::string::npos) continue;
    blocks.push_back({parse_attributes(opening), dom.substr(open_end + 1, close - open_end - 1)});
  }
  return blocks;
}

// The text shows `value` to kReportSignificantDigits significant digits: it parses to a number
// within half a unit of the last digit shown.
void expect_shows_number(const std::string& key, const std::string& text, double value) {
  char* end = nullptr;
  const double shown = std::strtod(text.c_str(), &end);
  ASSERT_TRUE(!text.empty() && *end == '\0') << key << ": \"" << text << "\" is not a number";
  if (value == 0) {
    EXPECT_EQ(shown, 0) << key;
    return;
  }
  const double last_digit =
      std::pow(10.0, std::floor(std::log10(std::abs(value))) - (kReportSignificantDigits - 1));
  EXPECT_LE(std::abs(shown - value), 0.5 * last_digit * (1 + 1e-9))
      << key << ": shows " << text << " for " << value;
  EXPECT_EQ(text, format_report_number(value)) << key;
}

// Every figure of report.json that the page must show, as data-key paths. The true-value
// columns are shown when some estimate has a true value; a true value's standard error is shown
// beside it when both are known.
std::set<std::string> keys_to_show(const json& j) {
  std::set<std::string> keys = {"title",          "input",    "evaluation_policy",
                                "logging_policy", "seed",     "rounds",
                                "confidence",     "interval", "config"};
  for (const auto& [unit, logging] : j.at("logging_policy_values").items()) {
    for (const auto& [field, value] : logging.items()) {
      keys.insert("logging_policy_values." + unit + "." + field);
    }
  }
  bool any_truth = false;
  for (const auto& [name, estimate] : j.at("estimates").items()) {
    any_truth = any_truth || !estimate.at("true_value").is_null();
  }
  for (const auto& [name, estimate] : j.at("estimates").items()) {
    for (const auto& [field, value] : estimate.items()) {
      if (field == "intervals") continue;
      if (!any_truth && field.rfind("true_value", 0) == 0) continue;
      if (field == "true_value_std_error" &&
          (value.is_null() || estimate.at("true_value").is_null())) {
        continue;
      }
      if (field == "unreliable" && value.is_null()) continue;  // nothing to warn about
      keys.insert("estimates." + name + "." + field);
    }
    for (const auto& [kind, interval] : estimate.at("intervals").items()) {
      if (interval.is_null()) continue;
      keys.insert("estimates." + name + ".intervals." + kind + ".0");
      keys.insert("estimates." + name + ".intervals." + kind + ".1");
    }
  }
  for (const auto& [name, reason] : j.at("declined").items()) keys.insert("declined." + name);
  if (!j.at("weight_histogram").is_null()) keys.insert("weight_histogram.zero_weights");
  if (!j.at("ranking").is_null()) {
    keys.insert({"ranking.scorer", "ranking.click_events", "ranking.purchase_events"});
    for (const char* kind : {"clicks", "purchases"}) {
      for (std::size_t i = 0; i < j.at("ranking").at(kind).size(); ++i) {
        for (const char* field : {"k", "hit_rate", "ndcg"}) {
          keys.insert(std::string("ranking.") + kind + "." + std::to_string(i) + "." + field);
        }
      }
    }
  }
  for (std::size_t i = 0; i < j.at("notes").size(); ++i) keys.insert("notes." + std::to_string(i));
  return keys;
}

class ReportInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium)) {
      GTEST_SKIP() << kChromium.string()
                   << " not found: install Debian's chromium (tools/deps.sh) to render the report";
    }
  }

  // Runs headless Chromium on `page` with extra flags; its stdout goes to `stdout_file`.
  void run_chromium(const fs::path& page, const std::string& flags, const fs::path& stdout_file) {
    const testing::CommandResult result =
        testing::run_headless_chromium(temp_.path(), page, flags, stdout_file);
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }

  testing::TempDir temp_;
};

TEST_F(ReportInChromium, FiguresShownMatchReportJson) {
  const fs::path dir = temp_ / "report";
  EvaluationReport report = testing::sample_evaluation_report();
  // One estimate marked unreliable, so that its reason must be on the page too.
  for (Estimate& e : report.estimates)
    if (e.estimator == "pdis") e.unreliable = "effective sample size 1.20 of 200 units";
  write_evaluation_report(report, dir.string());
  const json j = json::parse(read_file_text(dir / "report.json"));
  run_chromium(dir / "index.html", "--dump-dom", temp_ / "dom.html");
  const std::string dom = read_file_text(temp_ / "dom.html");
  ASSERT_NE(dom.find("class=\"forest-plot\""), std::string::npos) << dom.substr(0, 2000);

  // Every element carrying a data-key shows its report.json figure.
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
    } else if (value.is_number_integer()) {
      EXPECT_EQ(text, value.dump()) << key;
    } else if (value.is_number()) {
      expect_shows_number(key, text, value.get<double>());
    } else {
      EXPECT_EQ(text, value.get<std::string>()) << key;
    }
  }
  for (const std::string& key : keys_to_show(j)) {
    EXPECT_TRUE(shown.count(key)) << key << " is in report.json but not on the page";
  }

  // The forest plot: one panel per unit among the estimates, in the order round, slate,
  // session; in each, every estimate of that unit (and no other) as a dot at its value and an
  // interval line from ci_low to ci_high on the panel's own axis, the logging line at the
  // logging value of that unit (none where the unit has none), and a true-value tick on the row
  // of each estimate with a true value.
  std::vector<std::string> units;
  for (const char* unit : {"round", "slate", "session"}) {
    for (const auto& [name, estimate] : j.at("estimates").items()) {
      if (estimate.at("unit") == unit) {
        units.push_back(unit);
        break;
      }
    }
  }
  ASSERT_EQ(units.size(), 3u) << "the sample report has estimates in all three units";
  const auto panels = svg_blocks(dom, "class=\"forest-plot\"");
  ASSERT_EQ(panels.size(), units.size());
  std::size_t dots_seen = 0;
  std::size_t ticks_seen = 0;
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const std::string& unit = units[p];
    const std::string& body = panels[p].body;
    ASSERT_EQ(panels[p].attributes.at("data-unit"), unit);
    const LinearAxis x = axis_of(panels[p].attributes, "x");
    std::set<std::string> expected;
    for (const auto& [name, estimate] : j.at("estimates").items()) {
      if (estimate.at("unit") == unit) expected.insert(name);
    }
    std::set<std::string> dotted, lined;
    std::map<std::string, double> row_y;
    for (const Attributes& dot : tags_with(body, "circle", "data-estimator=")) {
      const json& estimate = j.at("estimates").at(dot.at("data-estimator"));
      dotted.insert(dot.at("data-estimator"));
      row_y[dot.at("data-estimator")] = number(dot, "cy");
      EXPECT_EQ(number(dot, "data-value"), estimate.at("value").get<double>());
      EXPECT_NEAR(number(dot, "cx"), x.to_pixel(estimate.at("value")), 0.5) << dot.at("cx");
    }
    for (const Attributes& line : tags_with(body, "line", "class=\"ci\"")) {
      const json& estimate = j.at("estimates").at(line.at("data-estimator"));
      lined.insert(line.at("data-estimator"));
      EXPECT_NEAR(number(line, "x1"), x.to_pixel(estimate.at("ci_low")), 0.5);
      EXPECT_NEAR(number(line, "x2"), x.to_pixel(estimate.at("ci_high")), 0.5);
    }
    EXPECT_EQ(dotted, expected) << unit;
    EXPECT_EQ(lined, expected) << unit;
    dots_seen += dotted.size();

    const auto logging_line = tags_with(body, "line", "class=\"logging-line\"");
    if (j.at("logging_policy_values").contains(unit)) {
      ASSERT_EQ(logging_line.size(), 1u) << unit;
      EXPECT_NEAR(number(logging_line[0], "x1"),
                  x.to_pixel(j.at("logging_policy_values").at(unit).at("value")), 0.5)
          << unit;
    } else {
      EXPECT_TRUE(logging_line.empty()) << unit;
    }

    std::set<std::string> with_truth, ticked;
    for (const std::string& name : expected) {
      if (!j.at("estimates").at(name).at("true_value").is_null()) with_truth.insert(name);
    }
    for (const Attributes& tick : tags_with(body, "line", "class=\"true-line\"")) {
      const std::string& name = tick.at("data-estimator");
      const double truth = j.at("estimates").at(name).at("true_value");
      ticked.insert(name);
      EXPECT_EQ(number(tick, "data-true-value"), truth);
      EXPECT_NEAR(number(tick, "x1"), x.to_pixel(truth), 0.5) << name;
      EXPECT_NEAR(number(tick, "x2"), x.to_pixel(truth), 0.5) << name;
      ASSERT_TRUE(row_y.count(name)) << name;
      EXPECT_LT(number(tick, "y1"), row_y.at(name)) << name;  // on the estimate's own row
      EXPECT_GT(number(tick, "y2"), row_y.at(name)) << name;
    }
    EXPECT_EQ(ticked, with_truth) << unit;
    ticks_seen += ticked.size();
  }
  EXPECT_EQ(dots_seen, j.at("estimates").size());
  EXPECT_EQ(tags_with(dom, "circle", "data-estimator=").size(), dots_seen);
  EXPECT_EQ(tags_with(dom, "line", "class=\"true-line\"").size(), ticks_seen);
  EXPECT_GT(ticks_seen, 0u);

  // The histogram: one bar per bin, in order, with the JSON count, spanning its bin and as tall
  // as the declared count axis makes it.
  const auto histogram = tags_with(dom, "svg", "id=\"weight-histogram\"");
  ASSERT_EQ(histogram.size(), 1u);
  const LinearAxis bin_axis = axis_of(histogram[0], "x");
  const LinearAxis count_axis = axis_of(histogram[0], "y");
  const auto bars = tags_with(dom, "rect", "data-count=");
  const json& counts = j.at("weight_histogram").at("counts");
  const json& edges = j.at("weight_histogram").at("bin_edges_log10");
  ASSERT_EQ(bars.size(), counts.size());
  std::uint64_t total = 0;
  for (std::size_t b = 0; b < bars.size(); ++b) {
    const std::uint64_t count = counts.at(b);
    total += count;
    EXPECT_EQ(std::stoull(bars[b].at("data-count")), count) << "bar " << b;
    EXPECT_NEAR(number(bars[b], "x"), bin_axis.to_pixel(edges.at(b)), 0.5) << "bar " << b;
    const double expected_height =
        count_axis.to_pixel(0) - count_axis.to_pixel(static_cast<double>(count));
    EXPECT_NEAR(number(bars[b], "height"), expected_height, 0.5) << "bar " << b;
    EXPECT_NEAR(number(bars[b], "y") + number(bars[b], "height"), count_axis.to_pixel(0), 0.5);
  }
  EXPECT_EQ(total + j.at("weight_histogram").at("zero_weights").get<std::uint64_t>(),
            testing::sample_weights().size());
}

// What the page measures of itself in the browser: the document's scroll width against the
// window's, and how many of the cells and spans marked `nowrap` (interval and true-value cells)
// break over more than one line. The report has no scripts; a copy with this one is rendered.
struct PageFit {
  double scroll_width = 0;
  double client_width = 0;
  int nowrap = 0;
  int wrapped = 0;
};

constexpr const char* kMeasureScript = R"js(<script>
const root = document.documentElement;
const marked = [...document.querySelectorAll('.nowrap')];
const wrapped = marked.filter(element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size > 1;
});
document.body.setAttribute('data-fit', [root.scrollWidth, root.clientWidth, marked.length,
                                        wrapped.length].join(' '));
</script>)js";

class PageFitInChromium : public ReportInChromium {
 protected:
  PageFit measure(const std::string& html, const std::string& name) {
    std::string page = html;
    page.insert(page.rfind("</body>"), kMeasureScript);
    write_file_atomic(temp_ / name, page);
    const fs::path dump = temp_ / (name + ".dom");
    run_chromium(temp_ / name, "--window-size=1300,2000 --dump-dom", dump);
    const std::string dom = read_file_text(dump);
    const std::smatch match = [&] {
      std::smatch m;
      std::regex_search(dom, m, std::regex("data-fit=\"([0-9.]+) ([0-9.]+) ([0-9]+) ([0-9]+)\""));
      return m;
    }();
    PageFit fit;
    if (match.empty()) {
      ADD_FAILURE() << "no measurement in the DOM of " << name;
      return fit;
    }
    fit.scroll_width = std::stod(match[1]);
    fit.client_width = std::stod(match[2]);
    fit.nowrap = std::stoi(match[3]);
    fit.wrapped = std::stoi(match[4]);
    return fit;
  }
};

TEST_F(PageFitInChromium, ReportFitsA1300PixelWindowWithoutScrollingSideways) {
  const PageFit report = measure(report_html(testing::sample_evaluation_report()), "report.html");
  EXPECT_EQ(report.client_width, 1300);
  EXPECT_LE(report.scroll_width, report.client_width);
  EXPECT_GT(report.nowrap, 0);
  EXPECT_EQ(report.wrapped, 0);
  // The control: a block wider than the window does scroll, and the measurement says so (a
  // table would rather squeeze its columns, wrapping their text: what the nowrap count sees).
  const PageFit wide = measure(
      "<!DOCTYPE html><html><body><div style=\"width: 1800px\">x</div>"
      "<p style=\"width: 60px\"><span class=\"nowrap\">four words that wrap</span></p>"
      "</body></html>",
      "wide.html");
  EXPECT_GT(wide.scroll_width, wide.client_width);
  EXPECT_EQ(wide.wrapped, 1);
}

TEST_F(ReportInChromium, ScreenshotIsNotBlank) {
  const fs::path dir = temp_ / "report";
  write_evaluation_report(testing::sample_evaluation_report(), dir.string());
  write_file_atomic(temp_ / "blank.html", "<!DOCTYPE html><html><body></body></html>\n");
  const std::string size = "--window-size=1000,2000 ";
  run_chromium(dir / "index.html", size + "--screenshot=" + (temp_ / "report.png").string(),
               temp_ / "report-stdout.txt");
  run_chromium(temp_ / "blank.html", size + "--screenshot=" + (temp_ / "blank.png").string(),
               temp_ / "blank-stdout.txt");
  ASSERT_TRUE(fs::exists(temp_ / "report.png"));
  ASSERT_TRUE(fs::exists(temp_ / "blank.png"));
  const std::string png = read_file_text(temp_ / "report.png");
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // A page of one colour compresses to almost nothing (about 10 kB at this size); text, tables
  // and plots do not (about 180 kB when written).
  EXPECT_GT(fs::file_size(temp_ / "report.png"), 4 * fs::file_size(temp_ / "blank.png"));
}

}  // namespace
}  // namespace shoprl
