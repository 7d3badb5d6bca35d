// The decision log of a server: every decision (request, history, slate, propensities, rule)
// and every feedback as one JSON line, in <dir>/decisions.jsonl and <dir>/feedback.jsonl, so
// that served traffic can be evaluated off-policy later (docs/serving.md).
//
// Durability: lines are buffered in memory and handed to the operating system by a background
// thread every `flush_ms` (and at once when a buffer passes 1 MiB), each time in one write(2)
// of whole lines to a file opened O_APPEND. So a crash never corrupts an earlier line: a
// `kill -9` loses at most the lines of the last `flush_ms` (and can leave one torn last line,
// which the decision-log import names and --skip-bad-rows passes over), and a clean stop
// (close(), SIGTERM in `shoprl serve`) writes everything and fsyncs. A power loss can lose what the operating system had not yet written.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace shoprl {

class DecisionLog {
 public:
  // Creates `dir` and opens both files for appending; IoError naming the file when it cannot.
  DecisionLog(std::filesystem::path dir, int flush_ms);
  ~DecisionLog();  // close()
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // `line` is one JSON object without its newline. Thread-safe, never blocks on the disk.
  void decision(const std::string& line) { append(decisions_, line); }
  void feedback(const std::string& line) { append(feedback_, line); }

  // Writes what is buffered now (the background thread does this every flush_ms).
  void flush();
  // Flushes, fsyncs and closes; idempotent.
  void close();

  const std::filesystem::path& dir() const { return dir_; }
  std::uint64_t lines_written() const;

 private:
  struct Stream {
    std::filesystem::path path;
    int fd = -1;
    std::string buffer;
  };
  void append(Stream& stream, const std::string& line);
  void write_out(Stream& stream, std::string& pending);
  void flush_loop();

  std::filesystem::path dir_;
  int flush_ms_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Stream decisions_;
  Stream feedback_;
  std::uint64_t lines_ = 0;
  bool closing_ = false;
  std::mutex write_mutex_;  // one writer at a time, outside mutex_
  std::thread flusher_;
};

}  // namespace shoprl
