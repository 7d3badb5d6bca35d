#include "data/line_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

std::vector<std::string> read_all(const std::filesystem::path& path) {
  LineReader reader(path);
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(line)) lines.emplace_back(line);
  return lines;
}

TEST(LineReader, ReadsPlainAndGzipIdenticallyWithOrWithoutFinalNewline) {
  testing::TempDir dir;
  testing::write_text(dir / "a.csv", "x,1\r\ny,2\nz,3");
  testing::write_text(dir / "a.csv.gz", "x,1\r\ny,2\nz,3");
  const std::vector<std::string> expected{"x,1", "y,2", "z,3"};
  EXPECT_EQ(read_all(dir / "a.csv"), expected);
  EXPECT_EQ(read_all(dir / "a.csv.gz"), expected);
}

TEST(LineReader, HandlesLinesLongerThanItsBlock) {
  testing::TempDir dir;
  const std::string long_line(9 << 20, 'q');
  testing::write_text(dir / "long.txt", "head\n" + long_line + "\ntail\n");
  const auto lines = read_all(dir / "long.txt");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].size(), long_line.size());
  EXPECT_EQ(lines[2], "tail");
}

TEST(LineReader, ReadsManyPrefetchedBlocksInOrder) {
  // ~24 MB of text: several 4 MiB blocks pass through the read-ahead queue and its reused
  // buffers; every line must come back once, in order.
  testing::TempDir dir;
  std::string text;
  const int lines = 1500000;
  for (int i = 0; i < lines; ++i) text += std::to_string(i) + ",payload\n";
  testing::write_text(dir / "many.csv.gz", text);
  LineReader reader(dir / "many.csv.gz");
  std::string_view line;
  int expected = 0;
  while (reader.next(line)) {
    ASSERT_EQ(line, std::to_string(expected) + ",payload");
    ++expected;
  }
  EXPECT_EQ(expected, lines);
  EXPECT_EQ(reader.bytes_consumed(), text.size());
}

TEST(LineReader, CountsLinesForErrorMessages) {
  testing::TempDir dir;
  testing::write_text(dir / "n.csv", "a\nb\nc\n");
  LineReader reader(dir / "n.csv");
  std::string_view line;
  reader.next(line);
  reader.next(line);
  EXPECT_EQ(reader.where(), (dir / "n.csv").string() + ":2");
}

TEST(LineReader, TruncatedGzipIsADataError) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "row," + std::to_string(i * 7919) + "\n";
  testing::write_text(dir / "full.csv.gz", text);
  const std::string bytes = [&] {
    std::ifstream in(dir / "full.csv.gz", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  testing::write_text(dir / "cut.csv", bytes.substr(0, bytes.size() / 2));
  std::filesystem::rename(dir / "cut.csv", dir / "cut.csv.gz.part");
  try {
    read_all(dir / "cut.csv.gz.part");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated or corrupt gzip"), std::string::npos)
        << e.what();
  }
}

TEST(LineReader, MissingFileIsAnIoError) {
  EXPECT_THROW(LineReader("/nonexistent/shoprl/file.csv"), IoError);
}

}  // namespace
}  // namespace shoprl
