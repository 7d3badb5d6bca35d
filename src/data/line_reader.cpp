#include "data/line_reader.h"

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/progress.h"
#include "data/prefetched_file.h"

namespace shoprl {
namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 22;
}

LineReader::LineReader(const std::filesystem::path& path) : path_(path.string()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path_ + ": file not found");
  if (std::filesystem::is_directory(path, ec))
    throw IoError(path_ + ": is a directory, not a file");
  file_ = std::make_unique<PrefetchedFile>(path_);
  buffer_.resize(kBufferBytes);
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  progress_ = std::make_unique<Progress>("reading " + path.filename().string(), ec ? 0 : size, "B");
}

LineReader::~LineReader() = default;

bool LineReader::refill() {
  if (eof_) return false;
  // Keep the unfinished line, move it to the front, grow if one line fills the buffer.
  const std::size_t pending = end_ - begin_;
  if (pending > 0 && begin_ > 0) std::memmove(buffer_.data(), buffer_.data() + begin_, pending);
  begin_ = 0;
  end_ = pending;
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const std::size_t got = file_->read(buffer_.data() + end_, buffer_.size() - end_);
  if (got == 0) {
    eof_ = true;
    progress_->finish();
    return false;
  }
  end_ += got;
  // Progress in bytes of the file on disk (compressed bytes for .gz), once per block.
  progress_->update(file_->file_offset());
  return true;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (newline != nullptr) {
      std::size_t length = static_cast<std::size_t>(newline - start);
      begin_ += length + 1;
      bytes_consumed_ += length + 1;
      if (length > 0 && start[length - 1] == '\r') --length;
      line = std::string_view(start, length);
      ++line_number_;
      line_terminated_ = true;
      return true;
    }
    if (!refill()) {
      if (begin_ == end_) return false;
      // Last line without a trailing newline.
      std::size_t length = end_ - begin_;
      const char* tail = buffer_.data() + begin_;
      begin_ = end_;
      bytes_consumed_ += length;
      if (length > 0 && tail[length - 1] == '\r') --length;
      line = std::string_view(tail, length);
      ++line_number_;
      line_terminated_ = false;
      return true;
    }
  }
}

}  // namespace shoprl
