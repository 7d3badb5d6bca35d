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

std::string progress_line(const std::string& label, const std::string& unit, std::uint64_t done,
                          std::uint64_t total, std::uint64_t start_at, double elapsed_seconds) {
  const double rate = elapsed_seconds > 0 && done >= start_at
                          ? static_cast<double>(done - start_at) / elapsed_seconds
                          : 0.0;
  std::string line = fmt::format("{} {}", label, human(static_cast<double>(done)));
  if (total > 0) {
    line += fmt::format("/{} ({:.0f}%)", human(static_cast<double>(total)),
                        100.0 * static_cast<double>(done) / static_cast<double>(total));
  }
  line += fmt::format(" {}{}/s", human(rate), unit.empty() ? "" : " " + unit);
  if (total > 0 && rate > 0 && done <= total) {
    line += " ETA " + clock_text(static_cast<double>(total - done) / rate);
  } else {
    line += " " + clock_text(elapsed_seconds);
  }
  return line;
}

Progress::Progress(std::string label, std::uint64_t total, std::string unit, std::uint64_t start_at)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      start_at_(start_at),
      done_(start_at),
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
  const std::string line = progress_line(label_, unit_, done_, total_, start_at_, elapsed);
  std::fputs(("\r" + line + "\x1b[K").c_str(), stderr);
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
