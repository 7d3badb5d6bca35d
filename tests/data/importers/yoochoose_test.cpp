#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "data/importers/importer_test_support.h"

namespace shoprl::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kClicks =
    "1,2014-04-07T10:51:09.277Z,214536502,0\n"
    "1,2014-04-07T10:54:09.868Z,214536500,S\n"
    "2,2014-04-07T13:56:37.614Z,214662742,2053554434\n"
    "2,2014-04-07T13:57:19.373Z,214536502,7\n";
const char* const kBuys =
    "2,2014-04-07T13:58:00.000Z,214662742,1046,2\n"
    "9,2014-04-06T10:00:00.000Z,214536500,0,0\n";

constexpr std::int64_t kApril7 = 1396828800000;  // 2014-04-07T00:00:00Z

TEST(YoochooseImport, ReadsClicksAndBuysWithCategoriesAndPrices) {
  TempDir dir;
  write_text(dir / "yoochoose-clicks.dat", kClicks);
  write_text(dir / "yoochoose-buys.dat", kBuys);
  const RawLog log =
      import_log("yoochoose", {dir / "yoochoose-clicks.dat", dir / "yoochoose-buys.dat"});

  const std::int64_t first = kApril7 + (10 * 3600 + 51 * 60 + 9) * 1000 + 277;
  EXPECT_THAT(
      event_lines(log),
      ElementsAre("1 214536502 click " + std::to_string(first),
                  "1 214536500 click " + std::to_string(first + 180591),
                  "2 214662742 click 1396878997614", "2 214536502 click 1396879039373",
                  "2 214662742 purchase 1396879080000", "9 214536500 purchase 1396778400000"));
  EXPECT_THAT(log.items.keys(), ElementsAre("214536502", "214536500", "214662742"));
  // A buys-only session (9) still forms a session.
  EXPECT_THAT(log.session_keys.keys(), ElementsAre("1", "2", "9"));
  EXPECT_FALSE(log.session_keys_are_users);
  EXPECT_EQ(log.users.size(), 0u);
  // "0" is unknown, so item 214536502 takes its later category; the first known one is kept.
  EXPECT_THAT(log.item_category, ElementsAre("7", "S", "2053554434"));
  // A price of 0 is unknown.
  ASSERT_EQ(log.item_price.size(), 3u);
  EXPECT_TRUE(std::isnan(log.item_price[0]));
  EXPECT_TRUE(std::isnan(log.item_price[1]));
  EXPECT_EQ(log.item_price[2], 1046.0);
  EXPECT_EQ(log.counters.rows_read, 6u);
}

TEST(YoochooseImport, TellsFilesApartByFieldCountNotName) {
  TempDir dir;
  write_text(dir / "a.dat", kBuys);
  write_text(dir / "b.dat", kClicks);
  const RawLog log = import_log("yoochoose", {dir / "a.dat", dir / "b.dat"});
  EXPECT_EQ(log.num_events(), 6u);
  EXPECT_THAT(event_lines(log)[0], HasSubstr("purchase"));
  EXPECT_THAT(event_lines(log)[2], HasSubstr("click"));
}

TEST(YoochooseImport, GzipInputGivesTheSameLogAsPlain) {
  TempDir dir;
  write_text(dir / "clicks.dat", kClicks);
  write_text(dir / "buys.dat", kBuys);
  write_text(dir / "clicks.dat.gz", kClicks);
  write_text(dir / "buys.dat.gz", kBuys);
  EXPECT_EQ(dump(import_log("yoochoose", {dir / "clicks.dat.gz", dir / "buys.dat.gz"})),
            dump(import_log("yoochoose", {dir / "clicks.dat", dir / "buys.dat"})));
}

TEST(YoochooseImport, BuyMappedToDropIsCounted) {
  TempDir dir;
  write_text(dir / "buys.dat", kBuys);
  ImportConfig config;
  config.events = {{"buy", "drop"}};
  const RawLog log = import_log("yoochoose", {dir / "buys.dat"}, config);
  EXPECT_EQ(log.num_events(), 0u);
  EXPECT_EQ(log.counters.events_dropped, 2u);
}

TEST(YoochooseImport, UnrecognisedFirstRowNamesBothLayouts) {
  TempDir dir;
  write_text(dir / "x.dat", "1,2014-04-07T10:51:09.277Z,214536502\n");
  EXPECT_THAT(import_error("yoochoose", {dir / "x.dat"}),
              HasSubstr("x.dat:1: expected 4 fields (clicks: session_id,timestamp,item_id,"
                        "category) or 5 (buys: session_id,timestamp,item_id,price,quantity), "
                        "found 3"));
}

TEST(YoochooseImport, WrongFieldCountLaterIsABadRow) {
  TempDir dir;
  write_text(dir / "clicks.dat", std::string(kClicks) + "3,2014-04-07T13:57:19.373Z,5,1,1\n");
  EXPECT_THAT(import_error("yoochoose", {dir / "clicks.dat"}),
              HasSubstr("clicks.dat:5: expected 4 fields, found 5"));
}

TEST(YoochooseImport, BadTimestampIsABadRow) {
  TempDir dir;
  write_text(dir / "clicks.dat", "1,2014-04-07 soon,214536502,0\n");
  EXPECT_THAT(import_error("yoochoose", {dir / "clicks.dat"}),
              HasSubstr("clicks.dat:1: bad timestamp '2014-04-07 soon'"));
}

TEST(YoochooseImport, BadPriceIsABadRow) {
  TempDir dir;
  write_text(dir / "buys.dat", "2,2014-04-07T13:58:00.000Z,214662742,12a,1\n");
  EXPECT_THAT(import_error("yoochoose", {dir / "buys.dat"}),
              HasSubstr("buys.dat:1: bad price '12a'"));
}

TEST(YoochooseImport, EmptyItemIdIsABadRow) {
  TempDir dir;
  write_text(dir / "clicks.dat", "1,2014-04-07T10:51:09.277Z,,0\n");
  EXPECT_THAT(import_error("yoochoose", {dir / "clicks.dat"}),
              HasSubstr("clicks.dat:1: empty item_id"));
}

TEST(YoochooseImport, EmptyFileIsAnError) {
  TempDir dir;
  write_text(dir / "clicks.dat", "");
  EXPECT_EQ(import_error("yoochoose", {dir / "clicks.dat"}),
            (dir / "clicks.dat").string() + ": empty file");
}

TEST(YoochooseImport, TruncatedGzipIsAnError) {
  TempDir dir;
  write_truncated_gzip(dir / "clicks.dat.gz", kClicks);
  EXPECT_THAT(import_error("yoochoose", {dir / "clicks.dat.gz"}),
              HasSubstr((dir / "clicks.dat.gz").string() + ": truncated or corrupt gzip"));
}

TEST(YoochooseImport, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THAT(import_error<IoError>("yoochoose", {dir / "clicks.dat"}),
              HasSubstr("clicks.dat: file not found"));
}

TEST(YoochooseImport, SkipBadRowsCountsInsteadOfThrowing) {
  TempDir dir;
  write_text(dir / "clicks.dat", std::string(kClicks) +
                                     "3,yesterday,5,0\n"
                                     "3,2014-04-07T13:57:19.373Z,5\n");
  ImportConfig config;
  config.skip_bad_rows = true;
  const RawLog log = import_log("yoochoose", {dir / "clicks.dat"}, config);
  EXPECT_EQ(log.num_events(), 4u);
  EXPECT_EQ(log.counters.rows_read, 6u);
  EXPECT_EQ(log.counters.rows_skipped, 2u);
  EXPECT_THAT(log.counters.skipped_examples,
              ElementsAre(HasSubstr("clicks.dat:5: bad timestamp"),
                          HasSubstr("clicks.dat:6: expected 4 fields, found 3")));
}

}  // namespace
}  // namespace shoprl::testing
