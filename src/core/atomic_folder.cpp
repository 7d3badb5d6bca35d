// Atomic folder output (atomic_folder.h).
#include "core/atomic_folder.h"

#include <fmt/format.h>
#include <unistd.h>

#include "core/error.h"

namespace shoprl {

namespace {

void rename_or_throw(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code error;
  std::filesystem::rename(from, to, error);
  if (error)
    throw IoError(
        fmt::format("cannot rename {} to {}: {}", from.string(), to.string(), error.message()));
}

}  // namespace

namespace {

std::filesystem::path sibling(const std::filesystem::path& target, const char* kind) {
  return target.parent_path() /
         fmt::format(".{}.{}-{}", target.filename().string(), kind, static_cast<long>(::getpid()));
}

}  // namespace

AtomicFolder::AtomicFolder(std::filesystem::path target)
    : target_(std::filesystem::absolute(target).lexically_normal()),
      staging_(sibling(target_, "tmp")),
      retired_(sibling(target_, "old")),
      interrupt_cleanup_(staging_) {
  const std::filesystem::path parent = target_.parent_path();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  std::filesystem::remove_all(staging_, error);
  if (!std::filesystem::create_directories(staging_, error) || error)
    throw IoError(fmt::format("cannot create {}: {}", staging_.string(), error.message()));
}

AtomicFolder::~AtomicFolder() {
  if (committed_) return;
  std::error_code ignored;  // best effort: a leftover staging folder is harmless and hidden
  std::filesystem::remove_all(staging_, ignored);
}

void AtomicFolder::commit() {
  std::error_code error;
  // A crash between the two renames leaves the previous folder under its .old name.
  const bool replacing = std::filesystem::exists(target_);
  interrupt_cleanup_.publish([&] {
    if (replacing) rename_or_throw(target_, retired_);
    rename_or_throw(staging_, target_);
  });
  committed_ = true;
  if (replacing) std::filesystem::remove_all(retired_, error);
}

}  // namespace shoprl
