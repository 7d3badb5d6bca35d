#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace shoprl {
namespace {

std::atomic<unsigned> g_temp_counter{0};

void fsync_path(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) throw IoError(path.string() + ": cannot open for fsync: " + errno_message(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems refuse fsync on directories (EINVAL); the rename is still atomic there.
  if (rc != 0 && !(directory && err == EINVAL)) {
    throw IoError(path.string() + ": fsync failed: " + errno_message(err));
  }
}

}  // namespace

namespace {

std::filesystem::path temporary_name(const std::filesystem::path& target) {
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  return dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                std::to_string(g_temp_counter++));
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target)
    : target_(std::move(target)),
      temp_path_(temporary_name(target_)),
      interrupt_cleanup_(temp_path_) {
  const std::filesystem::path dir = temp_path_.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError(dir.string() + ": cannot create directory: " + ec.message());
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ignored;  // best effort: the temporary may never have been created
    std::filesystem::remove(temp_path_, ignored);
  }
}

void AtomicFile::commit() {
  fsync_path(temp_path_, false);
  interrupt_cleanup_.publish([this] {
    std::error_code ec;
    std::filesystem::rename(temp_path_, target_, ec);
    if (ec) {
      throw IoError(target_.string() +
                    ": cannot rename temporary file into place: " + ec.message());
    }
  });
  committed_ = true;
  std::filesystem::path dir = target_.parent_path();
  fsync_path(dir.empty() ? "." : dir, true);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(path.string() + ": cannot open for writing: " + errno_message(errno));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) throw IoError(path.string() + ": write failed: " + errno_message(errno));
  }
  file.commit();
}

std::string read_file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open: " + errno_message(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError(path.string() + ": read failed");
  return buffer.str();
}

}  // namespace shoprl
