#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "data/importers/importer_test_support.h"

namespace shoprl::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kHeader =
    ",timestamp,item_id,position,click,propensity_score,user_feature_0,user_feature_1,"
    "user-item_affinity_0,user-item_affinity_1\n";
// user_feature_1 is "1234" in the last row: categorical by name even where it looks numeric.
const char* const kRows =
    "0,2019-11-24 00:03:13.442536+00:00,1,3,0,0.5,cef3,03a5,0.0,1.5\n"
    "1,2019-11-24 00:03:36.705207+00:00,0,1,1,0.25,9f4e,03a5,2.0,0.0\n"
    "2,2019-11-24 00:04:00+00:00,1,2,0,1,cef3,1234,0.0,0.0\n";
const char* const kItemContext =
    ",item_id,item_feature_0,item_feature_1\n"
    "0,0,-0.5,ceca\n"
    "1,2,0.25,270d\n";

constexpr std::int64_t kNov24 = 1574553600000;  // 2019-11-24T00:00:00Z

std::string log_text() { return std::string(kHeader) + kRows; }

TEST(OpenBanditImport, EachRowIsARoundWithOneImpression) {
  TempDir dir;
  write_text(dir / "men.csv", log_text());
  const RawLog log = import_log("open-bandit", {dir / "men.csv"});

  const RawImpressions& shown = log.impressions;
  EXPECT_THAT(log.session_keys.keys(), ElementsAre("0", "1", "2"));
  EXPECT_THAT(log.items.keys(), ElementsAre("1", "0"));
  EXPECT_THAT(shown.session_key, ElementsAre(0, 1, 2));
  EXPECT_THAT(shown.slate, ElementsAre(0, 1, 2));
  EXPECT_THAT(shown.item, ElementsAre(0, 1, 0));
  EXPECT_THAT(shown.position, ElementsAre(2, 0, 1));
  EXPECT_THAT(shown.reward, ElementsAre(0.0f, 1.0f, 0.0f));
  EXPECT_THAT(shown.propensity, ElementsAre(0.5, 0.25, 1.0));
  EXPECT_THAT(shown.time_ms, ElementsAre(kNov24 + 193442, kNov24 + 216705, kNov24 + 240000));
  // The click is also a click event of its round.
  EXPECT_THAT(event_lines(log), ElementsAre("1 0 click " + std::to_string(kNov24 + 216705)));

  const FeatureTable& context = shown.context;
  EXPECT_THAT(context.numeric_names, ElementsAre("user-item_affinity_0", "user-item_affinity_1"));
  EXPECT_THAT(context.numeric, ElementsAre(0.0f, 1.5f, 2.0f, 0.0f, 0.0f, 0.0f));
  EXPECT_THAT(context.categorical_names, ElementsAre("user_feature_0", "user_feature_1"));
  EXPECT_THAT(context.categorical, ElementsAre(0, 0, 1, 0, 0, 1));
  EXPECT_THAT(context.vocabularies[0].keys(), ElementsAre("cef3", "9f4e"));
  EXPECT_THAT(context.vocabularies[1].keys(), ElementsAre("03a5", "1234"));
  EXPECT_EQ(context.rows(), 3u);
  EXPECT_TRUE(log.item_features.empty());
  EXPECT_EQ(log.counters.rows_read, 3u);
}

TEST(OpenBanditImport, ItemContextGivesOneFeatureRowPerItem) {
  TempDir dir;
  write_text(dir / "men.csv", log_text());
  write_text(dir / "item_context.csv", kItemContext);
  // The item context first on purpose: it is read after the log whatever the order.
  const RawLog log = import_log("open-bandit", {dir / "item_context.csv", dir / "men.csv"});

  // Item "2" is never shown but is interned: it is part of the action set.
  EXPECT_THAT(log.items.keys(), ElementsAre("1", "0", "2"));
  const FeatureTable& features = log.item_features;
  EXPECT_THAT(features.numeric_names, ElementsAre("item_feature_0"));
  EXPECT_THAT(features.categorical_names, ElementsAre("item_feature_1"));
  ASSERT_EQ(features.rows(), 3u);
  // Item "1" has no context row: NaN and code -1.
  EXPECT_TRUE(std::isnan(features.numeric[0]));
  EXPECT_EQ(features.numeric[1], -0.5f);
  EXPECT_EQ(features.numeric[2], 0.25f);
  EXPECT_THAT(features.categorical, ElementsAre(-1, 0, 1));
  EXPECT_THAT(features.vocabularies[0].keys(), ElementsAre("ceca", "270d"));
  EXPECT_EQ(log.counters.rows_read, 5u);
}

TEST(OpenBanditImport, GzipInputGivesTheSameLogAsPlain) {
  TempDir dir;
  write_text(dir / "men.csv", log_text());
  write_text(dir / "item_context.csv", kItemContext);
  write_text(dir / "men.csv.gz", log_text());
  write_text(dir / "item_context.csv.gz", kItemContext);
  EXPECT_EQ(dump(import_log("open-bandit", {dir / "men.csv.gz", dir / "item_context.csv.gz"})),
            dump(import_log("open-bandit", {dir / "men.csv", dir / "item_context.csv"})));
}

TEST(OpenBanditImport, ClickMappedToDropKeepsTheImpression) {
  TempDir dir;
  write_text(dir / "men.csv", log_text());
  ImportConfig config;
  config.events = {{"click", "drop"}};
  const RawLog log = import_log("open-bandit", {dir / "men.csv"}, config);
  EXPECT_EQ(log.num_events(), 0u);
  EXPECT_EQ(log.counters.events_dropped, 1u);
  EXPECT_EQ(log.impressions.size(), 3u);
  EXPECT_THAT(log.impressions.reward, ElementsAre(0.0f, 1.0f, 0.0f));
}

TEST(OpenBanditImport, ZeroPropensityIsABadRow) {
  TempDir dir;
  write_text(dir / "men.csv", std::string(kHeader) + kRows +
                                  "3,2019-11-24 00:05:00+00:00,1,2,0,0,cef3,03a5,0.0,0.0\n");
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv:5: bad propensity_score '0' (expected a probability in (0, 1])"));
}

TEST(OpenBanditImport, PropensityAboveOneIsABadRow) {
  TempDir dir;
  write_text(dir / "men.csv",
             std::string(kHeader) + "0,2019-11-24 00:05:00+00:00,1,2,0,1.5,cef3,03a5,0.0,0.0\n");
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv:2: bad propensity_score '1.5'"));
}

TEST(OpenBanditImport, WrongFieldCountIsABadRow) {
  TempDir dir;
  write_text(dir / "men.csv", std::string(kHeader) + kRows + "3,2019-11-24 00:05:00+00:00,1\n");
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv:5: expected 10 fields, found 3"));
}

TEST(OpenBanditImport, NonNumberInANumericColumnIsABadRow) {
  TempDir dir;
  write_text(dir / "men.csv", std::string(kHeader) + kRows +
                                  "3,2019-11-24 00:05:00+00:00,1,2,0,0.5,cef3,03a5,high,0.0\n");
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv:5: bad user-item_affinity_0 'high' (expected a number"));
}

TEST(OpenBanditImport, DuplicateRowIndexIsABadRow) {
  TempDir dir;
  write_text(dir / "men.csv", std::string(kHeader) + kRows +
                                  "1,2019-11-24 00:05:00+00:00,1,2,0,0.5,cef3,03a5,0.0,0.0\n");
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv:5: duplicate row index '1'"));
}

TEST(OpenBanditImport, MissingColumnNamesFileLineAndColumn) {
  TempDir dir;
  write_text(dir / "men.csv",
             ",timestamp,item_id,position,click\n0,2019-11-24 00:05:00+00:00,1,2,0\n");
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv:1: missing column 'propensity_score'"));
}

TEST(OpenBanditImport, MissingIndexColumnIsNamed) {
  TempDir dir;
  write_text(dir / "men.csv",
             "timestamp,item_id,position,click,propensity_score\n"
             "2019-11-24 00:05:00+00:00,1,2,0,0.5\n");
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv:1: missing column '' (the unnamed row index"));
}

TEST(OpenBanditImport, TwoLogsAreAConfigError) {
  TempDir dir;
  write_text(dir / "a.csv", log_text());
  write_text(dir / "b.csv", log_text());
  EXPECT_THAT(import_error<ConfigError>("open-bandit", {dir / "a.csv", dir / "b.csv"}),
              HasSubstr("got 2 logs and 0 item contexts"));
}

TEST(OpenBanditImport, EmptyFileIsAnError) {
  TempDir dir;
  write_text(dir / "men.csv", "");
  EXPECT_EQ(import_error("open-bandit", {dir / "men.csv"}),
            (dir / "men.csv").string() + ": empty file");
}

TEST(OpenBanditImport, TruncatedGzipIsAnError) {
  TempDir dir;
  write_truncated_gzip(dir / "men.csv.gz", log_text());
  EXPECT_THAT(import_error("open-bandit", {dir / "men.csv.gz"}),
              HasSubstr((dir / "men.csv.gz").string() + ": truncated or corrupt gzip"));
}

TEST(OpenBanditImport, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THAT(import_error<IoError>("open-bandit", {dir / "men.csv"}),
              HasSubstr("men.csv: file not found"));
}

TEST(OpenBanditImport, SkipBadRowsCountsInsteadOfThrowing) {
  TempDir dir;
  write_text(dir / "men.csv", std::string(kHeader) + "x,y\n" + kRows +
                                  "3,2019-11-24 00:05:00+00:00,1,0,0,0.5,cef3,03a5,0.0,0.0\n");
  ImportConfig config;
  config.skip_bad_rows = true;
  const RawLog log = import_log("open-bandit", {dir / "men.csv"}, config);
  EXPECT_EQ(log.impressions.size(), 3u);
  EXPECT_EQ(log.impressions.context.rows(), 3u);
  EXPECT_EQ(log.counters.rows_read, 5u);
  EXPECT_EQ(log.counters.rows_skipped, 2u);
  EXPECT_THAT(log.counters.skipped_examples,
              ElementsAre(HasSubstr("men.csv:2: expected 10 fields, found 2"),
                          HasSubstr("men.csv:6: bad position '0' (expected a 1-based slot")));
}

}  // namespace
}  // namespace shoprl::testing
