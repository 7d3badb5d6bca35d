// Reads a file (plain, or gzip decompressed by zlib) on a background thread, a few blocks
// ahead of its consumer: on 2 cores the decompression of a .gz log overlaps its parsing.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace shoprl {

class PrefetchedFile {
 public:
  // IoError when the file cannot be opened.
  explicit PrefetchedFile(const std::string& path);
  ~PrefetchedFile();
  PrefetchedFile(const PrefetchedFile&) = delete;
  PrefetchedFile& operator=(const PrefetchedFile&) = delete;

  // Copies up to `capacity` bytes into `destination`; 0 at the end of the file. DataError for
  // a truncated or corrupt gzip stream, thrown here, on the consumer's thread.
  std::size_t read(char* destination, std::size_t capacity);
  // Bytes of the file on disk consumed so far (compressed bytes for .gz), for progress.
  std::uint64_t file_offset() const { return current_.file_offset; }

 private:
  struct Block {
    std::vector<char> data;
    std::size_t size = 0;
    std::size_t consumed = 0;
    std::uint64_t file_offset = 0;
    bool last = false;
    std::string error;  // non-empty: the stream failed here
  };
  void produce();

  std::string path_;
  void* gz_ = nullptr;  // gzFile, used only by the producer thread after construction
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block> ready_;
  std::vector<std::vector<char>> spare_;  // consumed buffers, reused to avoid fresh pages
  bool stop_ = false;
  Block current_;
  bool finished_ = false;
  std::thread producer_;
};

}  // namespace shoprl
