#include "data/sample_log.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "data/line_reader.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

TEST(SampleLog, SameSeedSameBytesOtherSeedOtherBytes) {
  testing::TempDir dir;
  SampleLogConfig config;
  config.events = 2000;
  write_sample_retailrocket_log(dir / "a.csv", config, 1);
  write_sample_retailrocket_log(dir / "b.csv", config, 1);
  write_sample_retailrocket_log(dir / "c.csv", config, 2);
  EXPECT_EQ(read_file_text(dir / "a.csv"), read_file_text(dir / "b.csv"));
  EXPECT_NE(read_file_text(dir / "a.csv"), read_file_text(dir / "c.csv"));
}

TEST(SampleLog, WritesTheRequestedRowsInTimeOrderWithTheRetailRocketHeader) {
  testing::TempDir dir;
  SampleLogConfig config;
  config.events = 5000;
  config.items = 50;
  const SampleLogSummary summary = write_sample_retailrocket_log(dir / "e.csv.gz", config, 9);
  EXPECT_EQ(summary.events, 5000u);
  LineReader reader(dir / "e.csv.gz");
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "timestamp,visitorid,event,itemid,transactionid");
  std::int64_t previous = 0;
  std::size_t rows = 0, transactions = 0;
  while (reader.next(line)) {
    ++rows;
    const std::int64_t time = std::stoll(std::string(line.substr(0, line.find(','))));
    EXPECT_GE(time, previous);
    previous = time;
    transactions += line.find(",transaction,") != std::string_view::npos;
  }
  EXPECT_EQ(rows, 5000u);
  // Expected transactions: rows × P(cart) × P(purchase) / (1 + P(cart)(1 + P(purchase))) ≈ 70;
  // a Poisson-like count that far from 0 is a check that the purchase path runs at all.
  EXPECT_GT(transactions, 20u);
}

}  // namespace
}  // namespace shoprl
