// A progress line for long loops (count, rate, ETA) on stderr. Silent when stderr is not a
// terminal or when quiet mode is set, so logs and CI output stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace shoprl {

void set_progress_quiet(bool quiet);

class Progress {
 public:
  // total = 0 when unknown (then no percentage or ETA is shown).
  Progress(std::string label, std::uint64_t total, std::string unit = "");
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
  std::uint64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace shoprl
