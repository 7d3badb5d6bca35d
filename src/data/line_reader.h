// Streams a text file line by line in large blocks, plain or gzip-compressed (detected from
// the content, not the name). Memory stays constant whatever the file size; decompression
// runs a few blocks ahead on a second thread (prefetched_file.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shoprl {

class Progress;
class PrefetchedFile;

// Shows a progress line (bytes of the file read, rate, ETA) on a terminal.
class LineReader {
 public:
  // IoError when the file is missing or unreadable.
  explicit LineReader(const std::filesystem::path& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its "\n" or "\r\n"; false at the end. DataError on a truncated or
  // corrupt gzip stream. The view stays valid until the next call.
  bool next(std::string_view& line);

  std::uint64_t line_number() const { return line_number_; }  // 1-based, of the last line
  // False when the line returned last ended the file without a "\n": the torn last line that a
  // writer killed mid-line leaves behind.
  bool line_terminated() const { return line_terminated_; }
  const std::string& path() const { return path_; }
  std::uint64_t bytes_consumed() const { return bytes_consumed_; }  // uncompressed
  // "file:line", the prefix of every row error.
  std::string where() const { return path_ + ":" + std::to_string(line_number_); }

 private:
  bool refill();
  std::string path_;
  std::unique_ptr<PrefetchedFile> file_;  // reads ahead on a background thread
  std::unique_ptr<Progress> progress_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::uint64_t line_number_ = 0;
  bool line_terminated_ = true;
  std::uint64_t bytes_consumed_ = 0;
};

}  // namespace shoprl
