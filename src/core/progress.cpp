#include "core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace shoprl {
namespace {

std::atomic<bool> g_quiet{false};

std::string human(double x) {
  if (x >= 1e9) return fmt::format("{:.2f}G", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.2f}M", x / 1e6);
  if (x >= 1e3) return fmt::format("{:.1f}k", x / 1e3);
  return fmt::format("{:.0f}", x);
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, static_cast<int>(s / 60 % 60),
                     static_cast<int>(s % 60));
}

}  // namespace

void set_progress_quiet(bool quiet) { g_quiet = quiet; }

Progress::Progress(std::string label, std::uint64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(!g_quiet && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::maybe_draw() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw();
}

void Progress::draw() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  std::string line = fmt::format("\r{} {}", label_, human(static_cast<double>(done_)));
  if (total_ > 0) {
    line += fmt::format("/{} ({:.0f}%)", human(static_cast<double>(total_)),
                        100.0 * static_cast<double>(done_) / static_cast<double>(total_));
  }
  line += fmt::format(" {}{}/s", human(rate), unit_.empty() ? "" : " " + unit_);
  if (total_ > 0 && rate > 0 && done_ <= total_) {
    line += " ETA " + clock_text(static_cast<double>(total_ - done_) / rate);
  } else {
    line += " " + clock_text(elapsed);
  }
  std::fputs((line + "\x1b[K").c_str(), stderr);
  std::fflush(stderr);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  draw();
  std::fputc('\n', stderr);
}

}  // namespace shoprl
