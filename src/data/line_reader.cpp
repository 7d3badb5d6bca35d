#include "data/line_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/progress.h"

namespace shoprl {
namespace {
constexpr std::size_t kBlockBytes = std::size_t{1} << 22;
}

LineReader::LineReader(const std::filesystem::path& path) : path_(path.string()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path_ + ": file not found");
  if (std::filesystem::is_directory(path, ec))
    throw IoError(path_ + ": is a directory, not a file");
  gz_ = gzopen(path_.c_str(), "rb");
  if (gz_ == nullptr) throw IoError(path_ + ": cannot open: " + errno_message(errno));
  gzbuffer(static_cast<gzFile>(gz_), 1 << 20);
  buffer_.resize(kBlockBytes);
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  progress_ = std::make_unique<Progress>("reading " + path.filename().string(), ec ? 0 : size, "B");
}

LineReader::~LineReader() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

bool LineReader::refill() {
  if (eof_) return false;
  // Keep the unfinished line, move it to the front, grow if one line fills the buffer.
  const std::size_t pending = end_ - begin_;
  if (pending > 0 && begin_ > 0) std::memmove(buffer_.data(), buffer_.data() + begin_, pending);
  begin_ = 0;
  end_ = pending;
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const int got = gzread(static_cast<gzFile>(gz_), buffer_.data() + end_,
                         static_cast<unsigned>(buffer_.size() - end_));
  if (got < 0) {
    int code = 0;
    const char* message = gzerror(static_cast<gzFile>(gz_), &code);
    throw DataError(path_ + ": cannot decompress: " + (message ? message : "unknown zlib error"));
  }
  if (got == 0) {
    int code = 0;
    const char* message = gzerror(static_cast<gzFile>(gz_), &code);
    if (code != Z_OK) {  // zlib reports a cut-off stream as Z_BUF_ERROR at the end
      throw DataError(path_ + ": truncated or corrupt gzip file (" +
                      (message ? message : "zlib error") + ")");
    }
    eof_ = true;
    progress_->finish();
    return false;
  }
  end_ += static_cast<std::size_t>(got);
  // Progress in bytes of the file on disk (compressed bytes for .gz), once per block.
  progress_->update(static_cast<std::uint64_t>(gzoffset(static_cast<gzFile>(gz_))));
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
      return true;
    }
  }
}

}  // namespace shoprl
