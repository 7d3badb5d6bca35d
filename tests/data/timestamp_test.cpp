#include "data/timestamp.h"

#include <gtest/gtest.h>

namespace shoprl {
namespace {

TEST(Timestamp, DaysFromCivilMatchesKnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2016, 5, 9), 16930);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(Timestamp, ParsesIsoFormatsOfTheSupportedLogs) {
  std::int64_t ms = 0;
  ASSERT_TRUE(parse_iso8601_ms("2014-04-07T10:51:09.277Z", ms));  // YOOCHOOSE
  EXPECT_EQ(ms, 1396867869277LL);
  ASSERT_TRUE(parse_iso8601_ms("2019-11-24 00:03:13.442536+00:00", ms));  // Open Bandit
  EXPECT_EQ(ms, 1574553793442LL);
  ASSERT_TRUE(parse_iso8601_ms("2019-11-24 02:03:13+02:00", ms));
  EXPECT_EQ(ms, 1574553793000LL);
  ASSERT_TRUE(parse_iso8601_ms("2016-05-09", ms));  // Diginetica eventdate
  EXPECT_EQ(ms, 16930LL * 86400000LL);
  EXPECT_FALSE(parse_iso8601_ms("2016-13-09", ms));
  EXPECT_FALSE(parse_iso8601_ms("yesterday", ms));
  EXPECT_FALSE(parse_iso8601_ms("2016-05-09T10:00", ms));
}

TEST(Timestamp, EpochNumbersFollowTheUnit) {
  std::int64_t ms = 0;
  ASSERT_TRUE(parse_epoch_ms("1433221332117", TimestampUnit::kAuto, ms));  // RetailRocket, ms
  EXPECT_EQ(ms, 1433221332117LL);
  ASSERT_TRUE(parse_epoch_ms("1659304800", TimestampUnit::kAuto, ms));  // seconds
  EXPECT_EQ(ms, 1659304800000LL);
  ASSERT_TRUE(parse_epoch_ms("1659304800", TimestampUnit::kMilliseconds, ms));
  EXPECT_EQ(ms, 1659304800LL);
  ASSERT_TRUE(parse_epoch_ms("1.5", TimestampUnit::kSeconds, ms));
  EXPECT_EQ(ms, 1500);
  EXPECT_FALSE(parse_epoch_ms("12abc", TimestampUnit::kAuto, ms));
  EXPECT_FALSE(parse_epoch_ms("", TimestampUnit::kAuto, ms));
}

}  // namespace
}  // namespace shoprl
