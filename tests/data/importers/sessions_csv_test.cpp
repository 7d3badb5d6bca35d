#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/importers/importer_test_support.h"

namespace shoprl::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The default column names: session_id, timestamp, item_id, event.
const char* const kDefaultColumns =
    "session_id,timestamp,item_id,event\n"
    "s1,1600000000,a,view\n"
    "s1,1600000005,b,add_to_cart\n"
    "s2,2020-09-13T12:26:50Z,a,buy\n";

TEST(SessionsCsvImport, ReadsTheDefaultColumnsWithEpochAndIsoTimes) {
  TempDir dir;
  write_text(dir / "log.csv", kDefaultColumns);
  const RawLog log = import_log("sessions-csv", {dir / "log.csv"});
  EXPECT_THAT(event_lines(log), ElementsAre("s1 a click 1600000000000", "s1 b cart 1600000005000",
                                            "s2 a purchase 1600000010000"));
  EXPECT_THAT(log.items.keys(), ElementsAre("a", "b"));
  EXPECT_THAT(log.session_keys.keys(), ElementsAre("s1", "s2"));
  EXPECT_FALSE(log.session_keys_are_users);
  EXPECT_EQ(log.users.size(), 0u);
  EXPECT_TRUE(log.item_category.empty());
  EXPECT_TRUE(log.item_price.empty());
}

ImportConfig tab_config() {
  ImportConfig config;
  config.csv.delimiter = "\\t";
  config.csv.session = "sid";
  config.csv.timestamp = "when";
  config.csv.item = "sku";
  config.csv.event = "action";
  config.csv.user = "customer";
  config.csv.price = "price";
  config.csv.category = "cat";
  return config;
}

const char* const kTabSeparated =
    "when\tsid\tcustomer\tsku\taction\tprice\tcat\n"
    "1600000000000\t10\t\tx\tclick\t9.5\tshoes\n"
    "1600000001000\t10\tu7\ty\ttransaction\t\t\n"
    "1600000002000\t11\tu8\tx\tpurchase\t12\tboots\n";

TEST(SessionsCsvImport, NamedColumnsTabDelimiterUsersPricesCategories) {
  TempDir dir;
  write_text(dir / "log.tsv", kTabSeparated);
  const RawLog log = import_log("sessions-csv", {dir / "log.tsv"}, tab_config());
  EXPECT_THAT(event_lines(log),
              ElementsAre("10 x click 1600000000000", "10 y purchase 1600000001000",
                          "11 x purchase 1600000002000"));
  // A session keeps the first user it is seen with; an empty cell is unknown.
  EXPECT_THAT(session_user_lines(log), ElementsAre("10 u7", "11 u8"));
  // An item keeps its first category and price. y has none, and the attribute vectors stop at
  // the last item that has one (raw_log.h: preprocessing pads them).
  EXPECT_THAT(log.item_category, ElementsAre("shoes"));
  EXPECT_THAT(log.item_price, ElementsAre(9.5));
}

TEST(SessionsCsvImport, GzipInputGivesTheSameLogAsPlain) {
  TempDir dir;
  write_text(dir / "log.tsv", kTabSeparated);
  write_text(dir / "log.tsv.gz", kTabSeparated);
  EXPECT_EQ(dump(import_log("sessions-csv", {dir / "log.tsv.gz"}, tab_config())),
            dump(import_log("sessions-csv", {dir / "log.tsv"}, tab_config())));
}

TEST(SessionsCsvImport, ConfigEventsOverrideAndExtendTheDefaults) {
  TempDir dir;
  write_text(dir / "log.csv",
             "session_id,timestamp,item_id,event\n"
             "s1,1600000000,a,view\n"
             "s1,1600000001,a,wishlist\n"
             "s1,1600000002,a,cart\n");
  ImportConfig config;
  config.events = {{"view", "drop"}, {"wishlist", "cart"}};
  const RawLog log = import_log("sessions-csv", {dir / "log.csv"}, config);
  EXPECT_THAT(event_lines(log), ElementsAre("s1 a cart 1600000001000", "s1 a cart 1600000002000"));
  EXPECT_EQ(log.counters.events_dropped, 1u);
}

TEST(SessionsCsvImport, WrongFieldCountIsABadRow) {
  TempDir dir;
  write_text(dir / "log.csv", std::string(kDefaultColumns) + "s3,1600000000,a\n");
  EXPECT_THAT(import_error("sessions-csv", {dir / "log.csv"}),
              HasSubstr("log.csv:5: expected 4 fields, found 3"));
}

TEST(SessionsCsvImport, BadTimestampIsABadRow) {
  TempDir dir;
  write_text(dir / "log.csv", "session_id,timestamp,item_id,event\ns1,13/09/2020,a,view\n");
  EXPECT_THAT(import_error("sessions-csv", {dir / "log.csv"}),
              HasSubstr("log.csv:2: bad timestamp '13/09/2020'"));
}

TEST(SessionsCsvImport, BadPriceIsABadRow) {
  TempDir dir;
  write_text(dir / "log.tsv",
             "when\tsid\tcustomer\tsku\taction\tprice\tcat\n"
             "1600000000000\t10\t\tx\tclick\t-3\tshoes\n");
  EXPECT_THAT(import_error("sessions-csv", {dir / "log.tsv"}, tab_config()),
              HasSubstr("log.tsv:2: bad price '-3' (expected a number >= 0)"));
}

TEST(SessionsCsvImport, UnknownEventNamesTheKnownOnes) {
  TempDir dir;
  write_text(dir / "log.csv", "session_id,timestamp,item_id,event\ns1,1600000000,a,hover\n");
  EXPECT_THAT(import_error("sessions-csv", {dir / "log.csv"}),
              HasSubstr("log.csv:2: unknown event 'hover' (known: add_to_cart, addtocart, buy, "
                        "cart, click, purchase, transaction, view; map others with "
                        "import.events)"));
}

TEST(SessionsCsvImport, MissingConfiguredColumnNamesFileLineAndColumn) {
  TempDir dir;
  write_text(dir / "log.csv", kDefaultColumns);
  ImportConfig config;
  config.csv.user = "user_id";
  EXPECT_THAT(import_error("sessions-csv", {dir / "log.csv"}, config),
              HasSubstr("log.csv:1: missing column 'user_id' (found: session_id, timestamp, "
                        "item_id, event)"));
}

TEST(SessionsCsvImport, EmptyFileIsAnError) {
  TempDir dir;
  write_text(dir / "log.csv", "");
  EXPECT_EQ(import_error("sessions-csv", {dir / "log.csv"}),
            (dir / "log.csv").string() + ": empty file");
}

TEST(SessionsCsvImport, TruncatedGzipIsAnError) {
  TempDir dir;
  write_truncated_gzip(dir / "log.csv.gz", kDefaultColumns);
  EXPECT_THAT(import_error("sessions-csv", {dir / "log.csv.gz"}),
              HasSubstr((dir / "log.csv.gz").string() + ": truncated or corrupt gzip"));
}

TEST(SessionsCsvImport, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THAT(import_error<IoError>("sessions-csv", {dir / "log.csv"}),
              HasSubstr("log.csv: file not found"));
}

TEST(SessionsCsvImport, SkipBadRowsCountsInsteadOfThrowing) {
  TempDir dir;
  write_text(dir / "log.csv", std::string(kDefaultColumns) +
                                  ",1600000000,a,view\n"
                                  "s3,1600000000,a,hover\n");
  ImportConfig config;
  config.skip_bad_rows = true;
  const RawLog log = import_log("sessions-csv", {dir / "log.csv"}, config);
  EXPECT_EQ(log.num_events(), 3u);
  EXPECT_EQ(log.counters.rows_read, 5u);
  EXPECT_EQ(log.counters.rows_skipped, 2u);
  EXPECT_THAT(log.counters.skipped_examples,
              ElementsAre(HasSubstr("log.csv:5: empty session_id"),
                          HasSubstr("log.csv:6: unknown event 'hover'")));
}

}  // namespace
}  // namespace shoprl::testing
