#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/importers/importer_test_support.h"

namespace shoprl::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kViews =
    "session_id;user_id;item_id;timeframe;eventdate\n"
    "1;NA;81766;526309;2016-05-09\n"
    "1;NA;31331;1031018;2016-05-09\n"
    "2;7;32118;0;2016-05-10\n";
const char* const kPurchases =
    "sessionId;userId;timeframe;eventdate;ordernumber;itemId\n"
    "1;18278;1100000;2016-05-09;16421;31331\n"
    "150;NA;6454547;2016-05-06;16290;175874\n";
const char* const kCategories =
    "itemId;categoryId\n"
    "31331;1096\n"
    "999999;5\n"
    "81766;12\n";

constexpr std::int64_t kMay9 = 1462752000000;   // 2016-05-09T00:00:00Z
constexpr std::int64_t kMay10 = 1462838400000;  // 2016-05-10T00:00:00Z
constexpr std::int64_t kMay6 = 1462492800000;   // 2016-05-06T00:00:00Z

std::string at(std::int64_t day_ms, std::int64_t timeframe_ms) {
  return std::to_string(day_ms + timeframe_ms);
}

TEST(DigineticaImport, JoinsViewsPurchasesAndCategories) {
  TempDir dir;
  write_text(dir / "views.csv", kViews);
  write_text(dir / "purchases.csv", kPurchases);
  write_text(dir / "categories.csv", kCategories);
  // Categories first on purpose: the file is read last whatever the order.
  const RawLog log =
      import_log("diginetica", {dir / "categories.csv", dir / "views.csv", dir / "purchases.csv"});

  EXPECT_THAT(
      event_lines(log),
      ElementsAre("1 81766 click " + at(kMay9, 526309), "1 31331 click " + at(kMay9, 1031018),
                  "2 32118 click " + at(kMay10, 0), "1 31331 purchase " + at(kMay9, 1100000),
                  "150 175874 purchase " + at(kMay6, 6454547)));
  EXPECT_THAT(log.items.keys(), ElementsAre("81766", "31331", "32118", "175874"));
  // Session 1 was anonymous in the views and has user 18278 in its purchase.
  EXPECT_THAT(session_user_lines(log), ElementsAre("1 18278", "2 7", "150 -"));
  EXPECT_THAT(log.users.keys(), ElementsAre("7", "18278"));
  EXPECT_FALSE(log.session_keys_are_users);
  // Only items with events: 999999 is in the catalogue file but not added.
  EXPECT_THAT(log.item_category, ElementsAre("12", "1096", "", ""));
  EXPECT_EQ(log.counters.rows_read, 8u);
}

TEST(DigineticaImport, AcceptsTheOriginalCamelCaseViewsHeader) {
  TempDir dir;
  write_text(dir / "views.csv",
             "sessionId;userId;itemId;timeframe;eventdate\n"
             "1;NA;81766;526309;2016-05-09\n");
  EXPECT_THAT(event_lines(import_log("diginetica", {dir / "views.csv"})),
              ElementsAre("1 81766 click " + at(kMay9, 526309)));
}

TEST(DigineticaImport, GzipInputGivesTheSameLogAsPlain) {
  TempDir dir;
  write_text(dir / "views.csv", kViews);
  write_text(dir / "purchases.csv", kPurchases);
  write_text(dir / "categories.csv", kCategories);
  write_text(dir / "views.csv.gz", kViews);
  write_text(dir / "purchases.csv.gz", kPurchases);
  write_text(dir / "categories.csv.gz", kCategories);
  EXPECT_EQ(dump(import_log("diginetica", {dir / "views.csv.gz", dir / "purchases.csv.gz",
                                           dir / "categories.csv.gz"})),
            dump(import_log("diginetica",
                            {dir / "views.csv", dir / "purchases.csv", dir / "categories.csv"})));
}

TEST(DigineticaImport, ViewsMappedToDropAreCounted) {
  TempDir dir;
  write_text(dir / "views.csv", kViews);
  ImportConfig config;
  config.events = {{"view", "drop"}};
  const RawLog log = import_log("diginetica", {dir / "views.csv"}, config);
  EXPECT_EQ(log.num_events(), 0u);
  EXPECT_EQ(log.counters.events_dropped, 3u);
}

TEST(DigineticaImport, CategoriesAloneAreAConfigError) {
  TempDir dir;
  write_text(dir / "categories.csv", kCategories);
  EXPECT_THAT(import_error<ConfigError>("diginetica", {dir / "categories.csv"}),
              HasSubstr("needs a views or purchases file"));
}

TEST(DigineticaImport, WrongFieldCountIsABadRow) {
  TempDir dir;
  write_text(dir / "views.csv", std::string(kViews) + "3;NA;5;2016-05-09\n");
  EXPECT_THAT(import_error("diginetica", {dir / "views.csv"}),
              HasSubstr("views.csv:5: expected 5 fields, found 4"));
}

TEST(DigineticaImport, BadTimeframeIsABadRow) {
  TempDir dir;
  write_text(dir / "views.csv",
             "session_id;user_id;item_id;timeframe;eventdate\n1;NA;5;1e3x;2016-05-09\n");
  EXPECT_THAT(import_error("diginetica", {dir / "views.csv"}),
              HasSubstr("views.csv:2: bad timeframe '1e3x'"));
}

TEST(DigineticaImport, BadEventDateIsABadRow) {
  TempDir dir;
  write_text(dir / "views.csv",
             "session_id;user_id;item_id;timeframe;eventdate\n1;NA;5;10;09/05/2016\n");
  EXPECT_THAT(import_error("diginetica", {dir / "views.csv"}),
              HasSubstr("views.csv:2: bad eventdate '09/05/2016' (expected YYYY-MM-DD)"));
}

TEST(DigineticaImport, MissingColumnNamesBothSpellings) {
  TempDir dir;
  write_text(dir / "views.csv",
             "session_id;user_id;product;timeframe;eventdate\n1;NA;5;10;2016-05-09\n");
  EXPECT_THAT(import_error("diginetica", {dir / "views.csv"}),
              HasSubstr("views.csv:1: missing column 'item_id' or 'itemId' (found: session_id, "
                        "user_id, product, timeframe, eventdate)"));
}

TEST(DigineticaImport, EmptyFileIsAnError) {
  TempDir dir;
  write_text(dir / "views.csv", "");
  EXPECT_EQ(import_error("diginetica", {dir / "views.csv"}),
            (dir / "views.csv").string() + ": empty file");
}

TEST(DigineticaImport, EmptyCategoriesFileIsAnError) {
  TempDir dir;
  write_text(dir / "views.csv", kViews);
  write_text(dir / "categories.csv", "itemId;categoryId\n");
  EXPECT_THAT(import_error("diginetica", {dir / "views.csv", dir / "categories.csv"}),
              HasSubstr("categories.csv: empty file"));
}

TEST(DigineticaImport, TruncatedGzipIsAnError) {
  TempDir dir;
  write_truncated_gzip(dir / "views.csv.gz", kViews);
  EXPECT_THAT(import_error("diginetica", {dir / "views.csv.gz"}),
              HasSubstr((dir / "views.csv.gz").string() + ": truncated or corrupt gzip"));
}

TEST(DigineticaImport, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THAT(import_error<IoError>("diginetica", {dir / "views.csv"}),
              HasSubstr("views.csv: file not found"));
}

TEST(DigineticaImport, SkipBadRowsCountsInsteadOfThrowing) {
  TempDir dir;
  write_text(dir / "views.csv", std::string(kViews) +
                                    "3;NA;;10;2016-05-09\n"
                                    "4;NA;5;-1;2016-05-09\n"
                                    "5;NA;6;10;2016-05-09\n");
  ImportConfig config;
  config.skip_bad_rows = true;
  const RawLog log = import_log("diginetica", {dir / "views.csv"}, config);
  EXPECT_EQ(log.num_events(), 4u);
  EXPECT_EQ(log.counters.rows_read, 6u);
  EXPECT_EQ(log.counters.rows_skipped, 2u);
  EXPECT_THAT(log.counters.skipped_examples,
              ElementsAre(HasSubstr("views.csv:5: empty itemId"),
                          HasSubstr("views.csv:6: bad timeframe '-1'")));
}

}  // namespace
}  // namespace shoprl::testing
