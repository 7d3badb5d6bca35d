// Tests the fidelity report's formats (src/sim/fidelity_report_*.cpp) and the ground-truth
// result's (src/sim/ground_truth_result.cpp) on a hand-made report: report.json holds every
// figure (NaN as null), index.html shows each with the data-key of its JSON path and nothing
// external, report.md has the tables, and ground_truth.json reads back to what was written.
#include "sim/fidelity_report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "eval/report_format.h"
#include "sim/ground_truth_result.h"
#include "testing/sample_fidelity_report.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using nlohmann::json;
using testing::sample_fidelity_report;
using testing::sample_ground_truth;

// "a.b.0.c" -> /a/b/0/c.
json::json_pointer pointer_of(std::string key) {
  for (char& c : key) {
    if (c == '.') c = '/';
  }
  return json::json_pointer("/" + key);
}

TEST(LengthHistogram, OneLengthPerBinWhileTheyFit) {
  const LengthHistogram h = length_histogram({1, 2, 2, 5}, {2, 3});
  EXPECT_EQ(h.edges, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(h.real_count, (std::vector<std::int64_t>{1, 2, 0, 0, 1}));
  EXPECT_EQ(h.simulated_count, (std::vector<std::int64_t>{0, 1, 1, 0, 0}));
  EXPECT_EQ(h.real_fraction, (std::vector<double>{0.25, 0.5, 0, 0, 0.25}));
  EXPECT_EQ(h.simulated_fraction, (std::vector<double>{0, 0.5, 0.5, 0, 0}));
}

TEST(LengthHistogram, EqualWidthsBeyondTheBinLimit) {
  // Lengths 1..5 in at most 2 bins: width 3, bins [1, 4) and [4, 7).
  const LengthHistogram h = length_histogram({1, 2, 2, 5}, {2, 3}, 2);
  EXPECT_EQ(h.edges, (std::vector<std::int64_t>{1, 4, 7}));
  EXPECT_EQ(h.real_count, (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(h.simulated_count, (std::vector<std::int64_t>{2, 0}));
  EXPECT_TRUE(length_histogram({}, {}).edges.empty());
}

TEST(GroundTruthResult, SummaryFigures) {
  const GroundTruthResult g = sample_ground_truth();
  EXPECT_DOUBLE_EQ(g.policies[0].relative_error, 0.2);
  EXPECT_DOUBLE_EQ(g.policies[1].relative_error, -0.1);
  EXPECT_DOUBLE_EQ(g.policies[2].relative_error, 0.25);
  EXPECT_TRUE(std::isnan(g.policies[3].relative_error));  // true value 0
  EXPECT_DOUBLE_EQ(g.mean_absolute_relative_error, (0.2 + 0.1 + 0.25) / 3);
  // True order 0 < 0.5 < 1 < 2, simulated 0.1 < 0.6 < 0.9 < 2.5: the same.
  EXPECT_DOUBLE_EQ(g.spearman, 1.0);
  EXPECT_DOUBLE_EQ(g.kendall_tau_b, 1.0);
}

TEST(GroundTruthResult, JsonRoundTrip) {
  const GroundTruthResult g = sample_ground_truth();
  const GroundTruthResult back = parse_ground_truth_json(ground_truth_json(g), "gt.json");
  ASSERT_EQ(back.policies.size(), g.policies.size());
  for (std::size_t p = 0; p < g.policies.size(); ++p) {
    EXPECT_EQ(back.policies[p].name, g.policies[p].name);
    EXPECT_EQ(back.policies[p].truth.value, g.policies[p].truth.value);
    EXPECT_EQ(back.policies[p].simulated.std_error, g.policies[p].simulated.std_error);
    EXPECT_EQ(back.policies[p].simulated.session_conversion,
              g.policies[p].simulated.session_conversion);
  }
  EXPECT_TRUE(std::isnan(back.policies[3].relative_error));
  EXPECT_EQ(back.spearman, g.spearman);
  EXPECT_EQ(back.mean_absolute_relative_error, g.mean_absolute_relative_error);
  EXPECT_EQ(back.store_hash, "abc123");
  EXPECT_EQ(back.seed, 7u);
  EXPECT_EQ(back.logged_events, 9000);
  EXPECT_EQ(back.logging_policy, "epsilon_greedy");
  EXPECT_TRUE(ground_truth_matches(back, "abc123"));
  EXPECT_FALSE(ground_truth_matches(back, "other"));
  EXPECT_FALSE(ground_truth_matches(back, ""));
}

TEST(GroundTruthResult, MalformedJsonIsADataErrorNamingTheFile) {
  for (const char* text : {"{", "[]", "{\"policies\": []}", "{\"policies\": [{\"name\": 1}]}"}) {
    try {
      parse_ground_truth_json(text, "dir/ground_truth.json");
      ADD_FAILURE() << text;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("dir/ground_truth.json"), std::string::npos) << e.what();
    }
  }
}

TEST(GroundTruthResult, MarkdownAndTerminalTables) {
  const GroundTruthResult g = sample_ground_truth();
  const std::string md = ground_truth_markdown(g);
  EXPECT_NE(md.find("| `uniform` | 0.5 ± 0.01 | 0.6 ± 0.02 | +20.0% |"), std::string::npos) << md;
  EXPECT_NE(md.find("Spearman 1, Kendall tau-b 1"), std::string::npos) << md;
  EXPECT_NE(md.find("Mean absolute relative error: 18.3%"), std::string::npos) << md;
  const std::string table = ground_truth_table(g);
  EXPECT_NE(table.find("0.5000 +- 0.0100"), std::string::npos) << table;
  EXPECT_NE(table.find("-10.0%"), std::string::npos) << table;
}

TEST(FidelityReportJson, HoldsEveryFigureWithNaNAsNull) {
  const FidelityReport r = sample_fidelity_report();
  const json j = json::parse(fidelity_report_json(r));
  EXPECT_EQ(j.at("title"), r.title);
  EXPECT_EQ(j.at("next_click").at("simulator").at("cutoffs").at(1).at("k"), 10);
  EXPECT_EQ(j.at("next_click").at("popularity").at("cutoffs").at(2).at("hit_rate"), 0.3);
  EXPECT_EQ(j.at("next_click").at("simulator").at("perplexity"), std::exp(4.0));
  EXPECT_TRUE(j.at("purchase").at("auc").is_null());
  EXPECT_EQ(j.at("purchase").at("reliability_bins").size(), 10u);
  EXPECT_EQ(j.at("purchase").at("reliability_bins").at(1).at("count"), 2);
  EXPECT_TRUE(j.at("purchase").at("reliability_bins").at(4).at("mean_predicted").is_null());
  EXPECT_TRUE(j.at("sessions").at("real").at("click_through_rate").is_null());
  EXPECT_EQ(j.at("sessions").at("real").at("length_counts"), json::parse("[0, 1, 2, 0, 0, 1]"));
  EXPECT_EQ(j.at("sessions").at("simulated").at("mean_length"), 2.5);
  EXPECT_EQ(j.at("sessions").at("length_ks").at("statistic"), r.length_ks.statistic);
  EXPECT_EQ(j.at("calibration").at("source_text"),
            "fitted from 1500 impression slates (log-likelihood -1.25 per slate)");
  EXPECT_EQ(j.at("calibration").at("position_bias").at(1), 0.4);
  EXPECT_EQ(j.at("members").at(0).at("stopped_early"), true);
  EXPECT_EQ(j.at("ground_truth").at("policies").at(2).at("name"), "history_oracle:noise=0");
  EXPECT_EQ(j.at("ground_truth").at("spearman"), 1.0);

  FidelityReport without = r;
  without.ground_truth.reset();
  without.calibration.source = "config";
  const json k = json::parse(fidelity_report_json(without));
  EXPECT_TRUE(k.at("ground_truth").is_null());
  EXPECT_EQ(k.at("calibration").at("source_text"), "taken from config");
}

TEST(FidelityReportHtml, EveryKeyedFigureIsItsJsonValue) {
  const FidelityReport r = sample_fidelity_report();
  const json j = json::parse(fidelity_report_json(r));
  const std::string html = fidelity_report_html(r);
  // Self-contained: no scripts, no URLs.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_NE(html.find("Simulator fidelity: test &lt;&amp;&gt;"), std::string::npos);

  const std::regex keyed("data-key=\"([^\"]+)\">([^<]*)<");
  std::set<std::string> keys;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), keyed);
       it != std::sregex_iterator(); ++it) {
    const std::string key = (*it)[1];
    const std::string text = (*it)[2];
    keys.insert(key);
    if (key == "config" || key == "title") continue;  // escaped text, checked above
    const json& value = j.at(pointer_of(key));
    if (value.is_null()) {
      EXPECT_EQ(text, "n/a") << key;
    } else if (value.is_number_float()) {
      EXPECT_EQ(text, format_report_number(value.get<double>())) << key;
    } else if (value.is_number()) {
      EXPECT_EQ(text, std::to_string(value.get<std::int64_t>())) << key;
    } else if (value.is_boolean()) {
      EXPECT_EQ(text, value.get<bool>() ? "true" : "false") << key;
    } else {
      EXPECT_EQ(text, value.get<std::string>()) << key;
    }
  }
  for (const char* key :
       {"next_click.simulator.cutoffs.0.hit_rate", "next_click.popularity.perplexity",
        "purchase.auc", "purchase.expected_calibration_error", "sessions.length_ks.statistic",
        "sessions.length_ks.p_value", "sessions.real.click_through_rate",
        "sessions.simulated.click_gini", "sessions.simulated.click_top1_share",
        "calibration.source_text", "calibration.position_bias.1", "members.1.valid_end_nll",
        "ground_truth.policies.3.relative_error", "ground_truth.spearman",
        "ground_truth.kendall_tau_b", "notes.0"}) {
    EXPECT_TRUE(keys.count(key)) << key;
  }
  // One dot per non-empty reliability bin, one bar per side and length bin.
  const auto count = [&](const char* pattern) {
    const std::regex regex(pattern);
    return std::distance(std::sregex_iterator(html.begin(), html.end(), regex),
                         std::sregex_iterator());
  };
  EXPECT_EQ(count("<circle class=\"point\" data-bin"), 2);
  EXPECT_EQ(count("<rect class=\"bar (real|simulated)\""), 10);
}

TEST(FidelityReportMarkdown, HasTheTables) {
  const std::string md = fidelity_report_markdown(sample_fidelity_report());
  EXPECT_NE(md.find("| HR@5 | 0.2 | 0.1 | 2x |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Perplexity | 54.6 | 148.4 |"), std::string::npos) << md;
  EXPECT_NE(md.find("AUC n/a"), std::string::npos) << md;
  EXPECT_NE(md.find("| Click-through (clicked slates / slates) | n/a | 0.25 |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| 5 | 0.25 | 0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("fitted from 1500 impression slates"), std::string::npos) << md;
  EXPECT_NE(md.find("## Ground-truth check"), std::string::npos) << md;
  EXPECT_NE(md.find("- a note"), std::string::npos) << md;
}

TEST(FidelityReportWriter, WritesTheThreeFiles) {
  testing::TempDir dir;
  const std::string folder = (dir / "report").string();
  write_fidelity_report(sample_fidelity_report(), folder);
  for (const char* name : {"index.html", "report.md", "report.json"})
    EXPECT_FALSE(read_file_text(dir / "report" / name).empty()) << name;
}

}  // namespace
}  // namespace shoprl
