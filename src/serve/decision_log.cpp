// The decision log (decision_log.h).
#include "serve/decision_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "core/error.h"

namespace shoprl {
namespace {

constexpr std::size_t kEagerFlushBytes = std::size_t{1} << 20;

int open_append(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    throw IoError(
        fmt::format("{}: cannot open for appending: {}", path.string(), errno_message(errno)));
  return fd;
}

}  // namespace

DecisionLog::DecisionLog(std::filesystem::path dir, int flush_ms)
    : dir_(std::move(dir)), flush_ms_(flush_ms) {
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) throw IoError(fmt::format("{}: cannot create: {}", dir_.string(), error.message()));
  decisions_.path = dir_ / "decisions.jsonl";
  feedback_.path = dir_ / "feedback.jsonl";
  decisions_.fd = open_append(decisions_.path);
  feedback_.fd = open_append(feedback_.path);
  flusher_ = std::thread([this] { flush_loop(); });
}

DecisionLog::~DecisionLog() { close(); }

void DecisionLog::append(Stream& stream, const std::string& line) {
  bool eager = false;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stream.buffer += line;
    stream.buffer += '\n';
    ++lines_;
    eager = stream.buffer.size() >= kEagerFlushBytes;
  }
  if (eager) wake_.notify_one();
}

void DecisionLog::write_out(Stream& stream, std::string& pending) {
  std::size_t done = 0;
  while (done < pending.size()) {
    const ssize_t n = ::write(stream.fd, pending.data() + done, pending.size() - done);
    if (n < 0 && errno == EINTR) continue;
    // A full disk: the lines are dropped rather than stopping the server, and said once.
    if (n < 0) {
      std::fprintf(stderr, "shoprl: error: %s: write failed (%s); decisions are being lost\n",
                   stream.path.c_str(), errno_message(errno).c_str());
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  pending.clear();
}

void DecisionLog::flush() {
  const std::lock_guard<std::mutex> writing(write_mutex_);
  std::string decisions, feedback;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    decisions.swap(decisions_.buffer);
    feedback.swap(feedback_.buffer);
  }
  if (decisions_.fd >= 0 && !decisions.empty()) write_out(decisions_, decisions);
  if (feedback_.fd >= 0 && !feedback.empty()) write_out(feedback_, feedback);
}

void DecisionLog::flush_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!closing_) {
    wake_.wait_for(lock, std::chrono::milliseconds(flush_ms_));
    lock.unlock();
    flush();
    lock.lock();
  }
}

void DecisionLog::close() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    closing_ = true;
  }
  wake_.notify_one();
  if (flusher_.joinable()) flusher_.join();
  flush();
  for (Stream* stream : {&decisions_, &feedback_}) {
    if (stream->fd < 0) continue;
    ::fsync(stream->fd);
    ::close(stream->fd);
    stream->fd = -1;
  }
}

std::uint64_t DecisionLog::lines_written() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return lines_;
}

}  // namespace shoprl
