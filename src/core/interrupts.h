// Ctrl-C and `kill` leave no debris: SIGINT, SIGTERM and SIGHUP remove every temporary output
// still in progress (the `.NAME.tmp-*` files and folders of atomic_file.h and atomic_folder.h)
// and then end the process by the same signal, so a shell sees an ordinary interrupted job. A
// job that can stop cleanly (training checkpoints first) takes the first signal as a request
// instead (GracefulStop); a second signal ends it as above.
//
// Why a watcher thread: removing a folder is not async-signal-safe, so the handler only writes
// the signal number to a pipe, and a thread that blocks on that pipe does the cleanup in
// ordinary code. The registry's lock makes "rename into place" and "remove on interrupt"
// exclusive: an interrupt finds either the temporary (and removes it) or the finished output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

namespace shoprl {

// Installs the handlers and starts the watcher; idempotent and thread-safe. main() calls it
// first; GracefulStop and TemporaryOutput call it too, so library users get the same promise.
void install_interrupt_handling();

// A temporary path that an interrupt removes (a file, or a folder with everything in it) for
// as long as this object lives.
class TemporaryOutput {
 public:
  explicit TemporaryOutput(std::filesystem::path path);
  ~TemporaryOutput();
  TemporaryOutput(const TemporaryOutput&) = delete;
  TemporaryOutput& operator=(const TemporaryOutput&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Runs `publish` (the rename that puts the output in place) under the registry's lock and
  // then forgets the path: an interrupt sees the temporary or nothing.
  void publish(const std::function<void()>& publish);

 private:
  std::filesystem::path path_;
  std::uint64_t id_ = 0;
  bool registered_ = false;
};

// While one lives, the first SIGINT/SIGTERM/SIGHUP is only recorded (received() turns
// non-zero) and the job stops at its next safe point; a second one interrupts as usual.
class GracefulStop {
 public:
  GracefulStop();
  ~GracefulStop();
  GracefulStop(const GracefulStop&) = delete;
  GracefulStop& operator=(const GracefulStop&) = delete;
  // The signal received, 0 while none.
  int received() const;
};

}  // namespace shoprl
