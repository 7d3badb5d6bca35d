#include "data/prefetched_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace shoprl {
namespace {
constexpr std::size_t kBlockBytes = std::size_t{1} << 22;
constexpr std::size_t kBlocksAhead = 3;
}  // namespace

PrefetchedFile::PrefetchedFile(const std::string& path) : path_(path) {
  gz_ = gzopen(path_.c_str(), "rb");
  if (gz_ == nullptr) throw IoError(path_ + ": cannot open: " + errno_message(errno));
  gzbuffer(static_cast<gzFile>(gz_), 1 << 20);
  current_.last = false;
  producer_ = std::thread([this] { produce(); });
}

PrefetchedFile::~PrefetchedFile() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  producer_.join();
  gzclose(static_cast<gzFile>(gz_));
}

void PrefetchedFile::produce() {
  auto* gz = static_cast<gzFile>(gz_);
  for (;;) {
    Block block;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stop_ || ready_.size() < kBlocksAhead; });
      if (stop_) return;
      if (!spare_.empty()) {
        block.data = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    block.data.resize(kBlockBytes);
    const int got = gzread(gz, block.data.data(), static_cast<unsigned>(block.data.size()));
    int code = Z_OK;
    const char* message = gzerror(gz, &code);
    if (got < 0) {
      block.error = std::string("cannot decompress: ") + (message ? message : "zlib error");
    } else if (got == 0) {
      // zlib reports a stream cut off before its end as Z_BUF_ERROR once the input runs out.
      if (code != Z_OK) {
        block.error = std::string("truncated or corrupt gzip file (") +
                      (message ? message : "zlib error") + ")";
      }
      block.last = true;
    }
    block.size = got > 0 ? static_cast<std::size_t>(got) : 0;
    block.file_offset = static_cast<std::uint64_t>(gzoffset(gz));
    const bool done = block.last || !block.error.empty();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(std::move(block));
    }
    changed_.notify_all();
    if (done) return;
  }
}

std::size_t PrefetchedFile::read(char* destination, std::size_t capacity) {
  while (current_.consumed == current_.size) {
    if (finished_) return 0;
    std::unique_lock<std::mutex> lock(mutex_);
    if (!current_.data.empty()) spare_.push_back(std::move(current_.data));
    changed_.wait(lock, [this] { return !ready_.empty(); });
    current_ = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    changed_.notify_all();
    if (!current_.error.empty()) {
      finished_ = true;
      throw DataError(path_ + ": " + current_.error);
    }
    if (current_.last) finished_ = true;
  }
  const std::size_t count = std::min(capacity, current_.size - current_.consumed);
  std::memcpy(destination, current_.data.data() + current_.consumed, count);
  current_.consumed += count;
  return count;
}

}  // namespace shoprl
