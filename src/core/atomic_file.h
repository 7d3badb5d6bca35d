// Atomic file output: everything shoprl writes goes to a temporary name beside the target and
// is renamed over it only when complete, so a crash leaves the old file or the new one.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/interrupts.h"

namespace shoprl {

// Owns a temporary path `<dir>/.<name>.tmp-<pid>-<n>`. Write to temp_path() (directly, or
// through a library that opens files itself, such as HDF5), then commit(): fsync, rename onto
// the target, fsync the directory. Destroyed uncommitted, it deletes the temporary file.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_path_;
  TemporaryOutput interrupt_cleanup_;
  bool committed_ = false;
};

// Writes `contents` to `path` atomically, creating parent directories.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// Reads a whole file; IoError naming the path when it cannot.
std::string read_file_text(const std::filesystem::path& path);

}  // namespace shoprl
