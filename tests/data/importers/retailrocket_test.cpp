#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/importers/importer_test_support.h"

namespace shoprl::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kEvents =
    "timestamp,visitorid,event,itemid,transactionid\n"
    "1433221332117,257597,view,355908,\n"
    "1433224214164,992329,view,248676,\n"
    "1433221999827,257597,addtocart,355908,\n"
    "1433222000000,257597,transaction,355908,4000\n";

TEST(RetailRocketImport, MapsViewAddToCartTransaction) {
  TempDir dir;
  write_text(dir / "events.csv", kEvents);
  const RawLog log = import_log("retailrocket", {dir / "events.csv"});

  EXPECT_THAT(
      event_lines(log),
      ElementsAre("257597 355908 click 1433221332117", "992329 248676 click 1433224214164",
                  "257597 355908 cart 1433221999827", "257597 355908 purchase 1433222000000"));
  EXPECT_THAT(log.event_session, ElementsAre(0, 1, 0, 0));
  EXPECT_THAT(log.event_item, ElementsAre(0, 1, 0, 0));
  EXPECT_THAT(log.items.keys(), ElementsAre("355908", "248676"));
  // Visitors are the keys, to be cut into sessions at gaps; with session_keys_are_users they
  // are the users too, so no second dictionary of them is kept.
  EXPECT_THAT(log.session_keys.keys(), ElementsAre("257597", "992329"));
  EXPECT_TRUE(log.session_keys_are_users);
  EXPECT_TRUE(find_importer("retailrocket").sessions_from_users);
  EXPECT_EQ(log.users.size(), 0u);
  EXPECT_THAT(log.session_user, ElementsAre(-1, -1));
  EXPECT_EQ(log.counters.rows_read, 4u);
  EXPECT_EQ(log.counters.rows_skipped, 0u);
  EXPECT_TRUE(log.item_category.empty());
  EXPECT_TRUE(log.impressions.size() == 0);
}

TEST(RetailRocketImport, FindsColumnsByNameInAnyOrder) {
  TempDir dir;
  write_text(dir / "events.csv",
             "itemid,event,visitorid,timestamp\n"
             "7,view,1,1433221332117\n");
  const RawLog log = import_log("retailrocket", {dir / "events.csv"});
  EXPECT_THAT(event_lines(log), ElementsAre("1 7 click 1433221332117"));
}

TEST(RetailRocketImport, TimestampUnitSecondsIsHonoured) {
  TempDir dir;
  write_text(dir / "events.csv", "timestamp,visitorid,event,itemid\n100,1,view,7\n");
  ImportConfig config;
  config.timestamp_unit = "s";
  EXPECT_THAT(event_lines(import_log("retailrocket", {dir / "events.csv"}, config)),
              ElementsAre("1 7 click 100000"));
}

TEST(RetailRocketImport, GzipInputGivesTheSameLogAsPlain) {
  TempDir dir;
  write_text(dir / "events.csv", kEvents);
  write_text(dir / "events.csv.gz", kEvents);
  EXPECT_EQ(dump(import_log("retailrocket", {dir / "events.csv.gz"})),
            dump(import_log("retailrocket", {dir / "events.csv"})));
}

TEST(RetailRocketImport, EventsMappedToDropAreCountedNotKept) {
  TempDir dir;
  write_text(dir / "events.csv", kEvents);
  ImportConfig config;
  config.events = {{"view", "drop"}, {"addtocart", "click"}};
  const RawLog log = import_log("retailrocket", {dir / "events.csv"}, config);
  EXPECT_THAT(event_lines(log), ElementsAre("257597 355908 click 1433221999827",
                                            "257597 355908 purchase 1433222000000"));
  EXPECT_EQ(log.counters.events_dropped, 2u);
  EXPECT_EQ(log.counters.rows_read, 4u);
  // A dropped event neither creates its visitor nor its item.
  EXPECT_EQ(log.session_keys.size(), 1u);
  EXPECT_EQ(log.items.size(), 1u);
}

TEST(RetailRocketImport, WrongFieldCountNamesFileLineAndCounts) {
  TempDir dir;
  write_text(dir / "events.csv", std::string(kEvents) + "1433222000000,257597,view\n");
  const std::string message = import_error("retailrocket", {dir / "events.csv"});
  EXPECT_THAT(message, HasSubstr((dir / "events.csv").string() + ":6: expected 5 fields, found 3"));
  EXPECT_THAT(message, HasSubstr("import.skip_bad_rows"));
}

TEST(RetailRocketImport, BadTimestampIsABadRow) {
  TempDir dir;
  write_text(dir / "events.csv", "timestamp,visitorid,event,itemid\n14332x,1,view,7\n");
  EXPECT_THAT(import_error("retailrocket", {dir / "events.csv"}),
              HasSubstr("events.csv:2: bad timestamp '14332x'"));
}

TEST(RetailRocketImport, EmptyIdIsABadRow) {
  TempDir dir;
  write_text(dir / "events.csv", "timestamp,visitorid,event,itemid\n1433221332117,,view,7\n");
  EXPECT_THAT(import_error("retailrocket", {dir / "events.csv"}),
              HasSubstr("events.csv:2: empty visitorid"));
}

TEST(RetailRocketImport, UnknownEventNamesTheKnownOnes) {
  TempDir dir;
  write_text(dir / "events.csv", "timestamp,visitorid,event,itemid\n1433221332117,1,like,7\n");
  EXPECT_THAT(import_error("retailrocket", {dir / "events.csv"}),
              HasSubstr("events.csv:2: unknown event 'like' (known: addtocart, transaction, "
                        "view"));
}

TEST(RetailRocketImport, MissingColumnNamesFileLineAndColumn) {
  TempDir dir;
  write_text(dir / "events.csv", "timestamp,visitor,event,itemid\n1433221332117,1,view,7\n");
  EXPECT_THAT(import_error("retailrocket", {dir / "events.csv"}),
              HasSubstr("events.csv:1: missing column 'visitorid' (found: timestamp, visitor, "
                        "event, itemid)"));
}

TEST(RetailRocketImport, EmptyFileIsAnError) {
  TempDir dir;
  write_text(dir / "events.csv", "");
  EXPECT_EQ(import_error("retailrocket", {dir / "events.csv"}),
            (dir / "events.csv").string() + ": empty file");
}

TEST(RetailRocketImport, HeaderWithoutRowsIsAnEmptyFile) {
  TempDir dir;
  write_text(dir / "events.csv", "timestamp,visitorid,event,itemid,transactionid\n");
  EXPECT_THAT(import_error("retailrocket", {dir / "events.csv"}),
              HasSubstr("events.csv: empty file"));
}

TEST(RetailRocketImport, TruncatedGzipIsAnError) {
  TempDir dir;
  write_truncated_gzip(dir / "events.csv.gz", kEvents);
  const std::string message = import_error("retailrocket", {dir / "events.csv.gz"});
  EXPECT_THAT(message, HasSubstr((dir / "events.csv.gz").string()));
  EXPECT_THAT(message, HasSubstr("truncated or corrupt gzip"));
}

TEST(RetailRocketImport, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_EQ(import_error<IoError>("retailrocket", {dir / "absent.csv"}),
            (dir / "absent.csv").string() + ": file not found");
}

TEST(RetailRocketImport, SkipBadRowsCountsInsteadOfThrowing) {
  TempDir dir;
  write_text(dir / "events.csv",
             "timestamp,visitorid,event,itemid,transactionid\n"
             "1433221332117,1,view,7,\n"
             "1433221332118,1,view\n"
             "x,1,view,7,\n"
             "1433221332119,1,like,7,\n"
             "\n"
             "1433221332120,2,addtocart,8,\n");
  ImportConfig config;
  config.skip_bad_rows = true;
  const RawLog log = import_log("retailrocket", {dir / "events.csv"}, config);
  EXPECT_THAT(event_lines(log), ElementsAre("1 7 click 1433221332117", "2 8 cart 1433221332120"));
  EXPECT_EQ(log.counters.rows_read, 5u);  // the blank line is not a row
  EXPECT_EQ(log.counters.rows_skipped, 3u);
  ASSERT_EQ(log.counters.skipped_examples.size(), 3u);
  EXPECT_THAT(log.counters.skipped_examples[0], HasSubstr("events.csv:3: expected 5 fields"));
  EXPECT_THAT(log.counters.skipped_examples[1], HasSubstr("events.csv:4: bad timestamp 'x'"));
  EXPECT_THAT(log.counters.skipped_examples[2], HasSubstr("events.csv:5: unknown event 'like'"));
}

TEST(RetailRocketImport, SeveralInputsShareIdsInInputOrder) {
  TempDir dir;
  write_text(dir / "a.csv", "timestamp,visitorid,event,itemid\n1433221332117,1,view,7\n");
  write_text(dir / "b.csv.gz", "timestamp,visitorid,event,itemid\n1433221332118,1,view,8\n");
  const RawLog log = import_log("retailrocket", {dir / "a.csv", dir / "b.csv.gz"});
  EXPECT_THAT(event_lines(log), ElementsAre("1 7 click 1433221332117", "1 8 click 1433221332118"));
  EXPECT_EQ(log.session_keys.size(), 1u);
}

}  // namespace
}  // namespace shoprl::testing
