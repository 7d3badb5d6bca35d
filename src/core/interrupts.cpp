// Interrupt handling (interrupts.h).
#include "core/interrupts.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace shoprl {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

int g_pipe[2] = {-1, -1};
std::atomic<int> g_graceful_depth{0};
std::atomic<int> g_graceful_signal{0};

std::mutex& registry_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::uint64_t, std::filesystem::path>& registry() {
  static std::map<std::uint64_t, std::filesystem::path> paths;
  return paths;
}

std::uint64_t g_next_id = 1;  // guarded by registry_mutex()

// Async-signal-safe: an atomic exchange or a write(2) to the pipe.
extern "C" void on_interrupt(int signal) {
  const int saved_errno = errno;
  int none = 0;
  if (g_graceful_depth.load() > 0 && g_graceful_signal.compare_exchange_strong(none, signal)) {
    errno = saved_errno;
    return;
  }
  const unsigned char byte = static_cast<unsigned char>(signal);
  [[maybe_unused]] const ssize_t written = ::write(g_pipe[1], &byte, 1);
  errno = saved_errno;
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "a signal";
  }
}

void write_stderr(const std::string& text) {
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
}

// Removes every registered temporary and ends the process by `signal`. The registry's lock is
// kept to the end, so no output can be published half-way through.
[[noreturn]] void terminate_after_cleanup(int signal) {
  registry_mutex().lock();
  std::size_t removed = 0;
  for (const auto& [id, path] : registry()) {
    std::error_code ignored;  // already gone is fine; nothing else can be done now
    if (std::filesystem::remove_all(path, ignored) > 0) ++removed;
  }
  write_stderr("shoprl: interrupted by " + std::string(signal_name(signal)) +
               (removed > 0 ? "; removed " + std::to_string(removed) + " unfinished output" +
                                  (removed == 1 ? "" : "s")
                            : std::string()) +
               "\n");
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(signal, &default_action, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  std::raise(signal);  // delivered to this thread before raise returns
  ::_exit(128 + signal);
}

void watch_interrupts() {
  for (;;) {
    unsigned char byte = 0;
    const ssize_t n = ::read(g_pipe[0], &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1) return;  // the pipe failed: the default actions are all that is left
    terminate_after_cleanup(byte);
  }
}

}  // namespace

void install_interrupt_handling() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(g_pipe, O_CLOEXEC) != 0) return;  // keep the default actions
    std::thread(watch_interrupts).detach();
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : kSignals) {
      // A signal ignored when the program started (a background job of a script, nohup)
      // stays ignored, as the shell meant it.
      struct sigaction current {};
      if (::sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
      ::sigaction(signal, &action, nullptr);
    }
  });
}

TemporaryOutput::TemporaryOutput(std::filesystem::path path) : path_(std::move(path)) {
  install_interrupt_handling();
  const std::lock_guard<std::mutex> lock(registry_mutex());
  id_ = g_next_id++;
  registry().emplace(id_, path_);
  registered_ = true;
}

TemporaryOutput::~TemporaryOutput() {
  if (!registered_) return;
  const std::lock_guard<std::mutex> lock(registry_mutex());
  registry().erase(id_);
}

void TemporaryOutput::publish(const std::function<void()>& publish) {
  const std::lock_guard<std::mutex> lock(registry_mutex());
  publish();
  registry().erase(id_);
  registered_ = false;
}

GracefulStop::GracefulStop() {
  install_interrupt_handling();
  g_graceful_signal.store(0);
  g_graceful_depth.fetch_add(1);
}

GracefulStop::~GracefulStop() { g_graceful_depth.fetch_sub(1); }

int GracefulStop::received() const { return g_graceful_signal.load(); }

}  // namespace shoprl
