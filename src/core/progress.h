// A progress line for long loops (count, rate, ETA) on stderr. Silent when stderr is not a
// terminal or when quiet mode is set, so logs and CI output stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace shoprl {

void set_progress_quiet(bool quiet);

// The line a Progress draws: the count, the percentage, the rate of the work done in this
// process (done - start_at over elapsed_seconds), and the ETA at that rate.
std::string progress_line(const std::string& label, const std::string& unit, std::uint64_t done,
                          std::uint64_t total, std::uint64_t start_at, double elapsed_seconds);

class Progress {
 public:
  // total = 0 when unknown (then no percentage or ETA is shown). `start_at`: the count already
  // done when the work starts (a resumed run), which the rate, and so the ETA, leaves out: the
  // ETA is the remaining count over the rate measured in this process.
  Progress(std::string label, std::uint64_t total, std::string unit = "",
           std::uint64_t start_at = 0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Redraws at most ten times a second; reads the clock on each call (about 20 ns), so hot
  // loops call it every few thousand iterations rather than every one.
  void update(std::uint64_t done) {
    done_ = done;
    if (enabled_) maybe_draw();
  }
  void finish();

 private:
  void maybe_draw();
  void draw();
  std::string label_;
  std::string unit_;
  std::uint64_t total_;
  std::uint64_t start_at_;
  std::uint64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace shoprl
