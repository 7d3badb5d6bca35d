#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/importers/importer_test_support.h"

namespace shoprl::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kSessions =
    "{\"session\":0,\"events\":[{\"aid\":1517085,\"ts\":1659304800025,\"type\":\"clicks\"},"
    "{\"aid\":1563459,\"ts\":1659304904511,\"type\":\"carts\"}]}\n"
    "{\"session\": 1, \"events\": [{\"aid\": 424964, \"ts\": 1659304800025, \"type\": "
    "\"orders\"}]}\n";

TEST(OttoImport, ReadsSessionsWithClicksCartsOrders) {
  TempDir dir;
  write_text(dir / "train.jsonl", kSessions);
  const RawLog log = import_log("otto", {dir / "train.jsonl"});
  EXPECT_THAT(event_lines(log),
              ElementsAre("0 1517085 click 1659304800025", "0 1563459 cart 1659304904511",
                          "1 424964 purchase 1659304800025"));
  EXPECT_THAT(log.event_item, ElementsAre(0, 1, 2));
  EXPECT_THAT(log.session_keys.keys(), ElementsAre("0", "1"));
  EXPECT_FALSE(log.session_keys_are_users);
  EXPECT_EQ(log.counters.rows_read, 2u);  // lines, that is sessions
}

TEST(OttoImport, AcceptsKeysInAnyOrderAndSecondTimestamps) {
  TempDir dir;
  write_text(dir / "s.jsonl",
             "{ \"events\" : [ { \"type\" : \"clicks\" , \"ts\" : 1659304800 , \"aid\" : 7 } ] ,"
             " \"session\" : 12 }\n");
  EXPECT_THAT(event_lines(import_log("otto", {dir / "s.jsonl"})),
              ElementsAre("12 7 click 1659304800000"));
}

TEST(OttoImport, SessionWithoutEventsAddsNothing) {
  TempDir dir;
  write_text(dir / "s.jsonl", "{\"session\": 3, \"events\": []}\n");
  const RawLog log = import_log("otto", {dir / "s.jsonl"});
  EXPECT_EQ(log.num_events(), 0u);
  EXPECT_EQ(log.session_keys.size(), 0u);
}

TEST(OttoImport, GzipInputGivesTheSameLogAsPlain) {
  TempDir dir;
  write_text(dir / "train.jsonl", kSessions);
  write_text(dir / "train.jsonl.gz", kSessions);
  EXPECT_EQ(dump(import_log("otto", {dir / "train.jsonl.gz"})),
            dump(import_log("otto", {dir / "train.jsonl"})));
}

TEST(OttoImport, EventsMappedToDropAreCounted) {
  TempDir dir;
  write_text(dir / "train.jsonl", kSessions);
  ImportConfig config;
  config.events = {{"clicks", "drop"}};
  const RawLog log = import_log("otto", {dir / "train.jsonl"}, config);
  EXPECT_THAT(event_lines(log),
              ElementsAre("0 1563459 cart 1659304904511", "1 424964 purchase 1659304800025"));
  EXPECT_EQ(log.counters.events_dropped, 1u);
}

TEST(OttoImport, MalformedLineNamesFileLineAndColumn) {
  TempDir dir;
  write_text(dir / "s.jsonl", std::string(kSessions) + "{\"session\": 2, \"events\": [}\n");
  EXPECT_THAT(import_error("otto", {dir / "s.jsonl"}),
              HasSubstr("s.jsonl:3: expected '{' at column 27"));
}

TEST(OttoImport, NonIntegerIdIsABadRow) {
  TempDir dir;
  write_text(dir / "s.jsonl",
             "{\"session\": 2, \"events\": [{\"aid\": 1.5, \"ts\": 1, \"type\": \"clicks\"}]}\n");
  EXPECT_THAT(import_error("otto", {dir / "s.jsonl"}),
              HasSubstr("s.jsonl:1: bad aid '1.5' (expected an integer id)"));
}

TEST(OttoImport, MissingKeyIsABadRow) {
  TempDir dir;
  write_text(dir / "s.jsonl",
             "{\"session\": 2, \"events\": [{\"aid\": 1, \"type\": \"clicks\"}]}\n");
  EXPECT_THAT(import_error("otto", {dir / "s.jsonl"}),
              HasSubstr("s.jsonl:1: event without \"ts\""));
}

TEST(OttoImport, UnexpectedKeyIsABadRow) {
  TempDir dir;
  write_text(dir / "s.jsonl", "{\"session\": 2, \"user\": 5, \"events\": []}\n");
  EXPECT_THAT(import_error("otto", {dir / "s.jsonl"}),
              HasSubstr("s.jsonl:1: unexpected key \"user\" (expected session, events)"));
}

TEST(OttoImport, UnknownEventTypeRejectsTheWholeLine) {
  TempDir dir;
  write_text(dir / "s.jsonl",
             "{\"session\": 2, \"events\": [{\"aid\": 1, \"ts\": 1659304800025, \"type\": "
             "\"clicks\"}, {\"aid\": 2, \"ts\": 1659304800026, \"type\": \"wishlist\"}]}\n");
  EXPECT_THAT(import_error("otto", {dir / "s.jsonl"}),
              HasSubstr("s.jsonl:1: unknown event 'wishlist' (known: carts, clicks, orders"));
  ImportConfig config;
  config.skip_bad_rows = true;
  const RawLog log = import_log("otto", {dir / "s.jsonl"}, config);
  EXPECT_EQ(log.num_events(), 0u);  // not even the valid click of that line
  EXPECT_EQ(log.counters.rows_skipped, 1u);
}

TEST(OttoImport, EmptyFileIsAnError) {
  TempDir dir;
  write_text(dir / "s.jsonl", "");
  EXPECT_EQ(import_error("otto", {dir / "s.jsonl"}), (dir / "s.jsonl").string() + ": empty file");
}

TEST(OttoImport, TruncatedGzipIsAnError) {
  TempDir dir;
  write_truncated_gzip(dir / "s.jsonl.gz", kSessions);
  EXPECT_THAT(import_error("otto", {dir / "s.jsonl.gz"}),
              HasSubstr((dir / "s.jsonl.gz").string() + ": truncated or corrupt gzip"));
}

TEST(OttoImport, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THAT(import_error<IoError>("otto", {dir / "s.jsonl"}),
              HasSubstr("s.jsonl: file not found"));
}

TEST(OttoImport, SkipBadRowsCountsInsteadOfThrowing) {
  TempDir dir;
  write_text(dir / "s.jsonl", std::string("[1, 2]\n") + kSessions + "{\"session\": 5\n");
  ImportConfig config;
  config.skip_bad_rows = true;
  const RawLog log = import_log("otto", {dir / "s.jsonl"}, config);
  EXPECT_EQ(log.num_events(), 3u);
  EXPECT_EQ(log.counters.rows_read, 4u);
  EXPECT_EQ(log.counters.rows_skipped, 2u);
  EXPECT_THAT(log.counters.skipped_examples,
              ElementsAre(HasSubstr("s.jsonl:1: expected '{' at column 1"),
                          HasSubstr("s.jsonl:4: expected ',' or '}' at column 14")));
}

}  // namespace
}  // namespace shoprl::testing
