#include "data/csv_fields.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace shoprl {
namespace {

TEST(SplitFields, SplitsPlainAndQuotedFieldsKeepingEmptyOnes) {
  std::vector<std::string_view> f;
  EXPECT_EQ(split_fields("a,b,,d", ',', f), 4u);
  EXPECT_EQ(f[2], "");
  EXPECT_EQ(f[3], "d");
  EXPECT_EQ(split_fields("1;\"x;y\";3", ';', f), 3u);
  EXPECT_EQ(f[1], "x;y");
  EXPECT_EQ(split_fields("", ',', f), 1u);
  EXPECT_EQ(split_fields("a,", ',', f), 2u);
}

TEST(ParseNumbers, RejectTrailingGarbageAndNonFinite) {
  std::int64_t i = 0;
  double d = 0;
  EXPECT_TRUE(parse_int64("-42", i));
  EXPECT_EQ(i, -42);
  EXPECT_FALSE(parse_int64("42x", i));
  EXPECT_FALSE(parse_int64("", i));
  EXPECT_TRUE(parse_double("0.029411764705882353", d));
  EXPECT_DOUBLE_EQ(d, 0.029411764705882353);
  EXPECT_FALSE(parse_double("nan", d));
  EXPECT_FALSE(parse_double("1.0.0", d));
}

TEST(ColumnIndex, MissingRequiredColumnNamesWhereAndWhatWasFound) {
  std::vector<std::string_view> header{"timestamp", "visitorid", "event"};
  ColumnIndex columns(header, "events.csv:1");
  EXPECT_EQ(columns.require("event"), 2);
  EXPECT_EQ(columns.optional("itemid"), -1);
  try {
    columns.require("itemid");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(),
                 "events.csv:1: missing column 'itemid' (found: timestamp, visitorid, event)");
  }
}

}  // namespace
}  // namespace shoprl
