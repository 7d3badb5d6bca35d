// Atomic folder output: a folder (a fitted simulator, a training checkpoint) is staged in a
// hidden sibling and swapped into place with renames, so a crash leaves the previous folder or
// the new one, never a mix. Each file inside is itself written with core/atomic_file.h.
#pragma once

#include <filesystem>

#include "core/interrupts.h"

namespace shoprl {

class AtomicFolder {
 public:
  // Creates a fresh staging folder `.<name>.tmp-<pid>` beside `target` (and target's parent).
  explicit AtomicFolder(std::filesystem::path target);
  // Uncommitted, removes the staging folder.
  ~AtomicFolder();
  AtomicFolder(const AtomicFolder&) = delete;
  AtomicFolder& operator=(const AtomicFolder&) = delete;

  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }
  // Retires the current target to `.<name>.old-<pid>`, renames the staging folder onto the
  // target, then deletes the retired one. IoError naming the paths on failure.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  std::filesystem::path retired_;
  TemporaryOutput interrupt_cleanup_;  // an interrupt removes the staging folder
  bool committed_ = false;
};

}  // namespace shoprl
