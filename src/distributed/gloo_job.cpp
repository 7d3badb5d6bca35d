// A data-parallel job over c10d's ProcessGroupGloo and TCPStore (data_parallel_job.h).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <netdb.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "core/error.h"
#include "distributed/data_parallel_job.h"

namespace shoprl {

namespace {

using Milliseconds = std::chrono::milliseconds;
constexpr Milliseconds kHeartbeatPeriod{500};
// Forming a job waits at least this long, whatever distributed.timeout_seconds says.
constexpr Milliseconds kLeastJoinTimeout{60000};

// Where every rank's own message about a failed job turns to advice.
constexpr const char* kJobStops = "; the job stops.";

// A peer's report (report_failure) without what this rank's message repeats: the peer's rank
// prefix and the advice.
std::string peer_reason(std::string text, int rank) {
  const std::string prefix = fmt::format("rank {}: ", rank);
  if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
  const std::size_t advice = text.find(kJobStops);
  if (advice != std::string::npos) text.erase(advice);
  return text;
}

double seconds(Milliseconds duration) { return static_cast<double>(duration.count()) / 1000; }

constexpr const char* kFailedPrefix = "shoprl/failed/";
constexpr const char* kBeatPrefix = "shoprl/beat/";
constexpr const char* kJoinedPrefix = "shoprl/joined/";

std::vector<std::uint8_t> as_bytes(const std::string& text) { return {text.begin(), text.end()}; }
std::string as_text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

// The job's store: hosted by rank 0, or by torchrun's agent (launch.agent_store), whose keys
// this job's live under the attempt's prefix.
c10::intrusive_ptr<c10d::Store> connect_store(const LaunchEnvironment& launch, bool host,
                                              Milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(launch.master_port);
  options.isServer = host && !launch.agent_store;
  options.numWorkers = launch.world_size;
  options.waitWorkers = false;  // joined below, so that a missing rank can be named
  options.timeout = timeout;
  auto store = c10::make_intrusive<c10d::TCPStore>(launch.master_addr, options);
  if (!launch.agent_store) return store;
  return c10::make_intrusive<c10d::PrefixStore>(
      fmt::format("/worker/attempt_{}", launch.restart_count), store);
}

bool is_loopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// The local address this machine reaches `host` from, or "" when that cannot be told. Connecting
// a UDP socket sends nothing; it only asks the kernel for the route.
std::string local_address_towards(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return "";
  std::string address;
  for (addrinfo* a = found; a != nullptr && address.empty(); a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    char text[INET6_ADDRSTRLEN] = {};
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
      const void* raw =
          local.ss_family == AF_INET
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr)
              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr);
      if (::inet_ntop(local.ss_family, raw, text, sizeof text) != nullptr) address = text;
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return address;
}

// The network device Gloo's pairs use: the interface GLOO_SOCKET_IFNAME names (as torchrun),
// loopback for a job addressed by loopback, else the address this machine reaches rank 0's
// from. Not the host name's address, which Debian maps to 127.0.1.1 in /etc/hosts: peers on
// other machines could not connect to it.
std::shared_ptr<gloo::transport::Device> gloo_device(const LaunchEnvironment& launch) {
  if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name != nullptr && *name != '\0')
    return c10d::ProcessGroupGloo::createDeviceForInterface(name);
  if (is_loopback(launch.master_addr))
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  const std::string local = local_address_towards(launch.master_addr, launch.master_port);
  if (local.empty()) return c10d::ProcessGroupGloo::createDefaultDevice();
  spdlog::debug("rank {}: Gloo connections on {}, the address that reaches {}", launch.rank, local,
                launch.master_addr);
  return c10d::ProcessGroupGloo::createDeviceForHostname(local);
}

class GlooDataParallel final : public DataParallel {
 public:
  GlooDataParallel(const LaunchEnvironment& launch, const DistributedConfig& config)
      : launch_(launch),
        timeout_(static_cast<std::int64_t>(config.timeout_seconds * 1000)),
        join_timeout_(std::max(timeout_, kLeastJoinTimeout)),
        bucket_bytes_(static_cast<std::int64_t>(config.bucket_mb * 1024 * 1024)) {
    try {
      store_ = connect_store(launch_, launch_.rank == 0, join_timeout_);
    } catch (const std::exception& e) {
      throw DistributedError(fmt::format(
          "rank {}: cannot {} the job's store at {}:{} within {} s ({}): {}", launch_.rank,
          launch_.rank == 0 && !launch_.agent_store ? "listen as" : "reach", launch_.master_addr,
          launch_.master_port, seconds(join_timeout_),
          launch_.rank == 0 && !launch_.agent_store ? "is the port in use?"
                                                    : "is rank 0 running, and the address right?",
          first_line(e.what())));
    }
    wait_for_ranks();
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->devices.push_back(gloo_device(launch_));
    // Every collective's wait (LibTorch 1.13's Gloo group ignores a per-call timeout). The
    // pairs connect with it too, which is quick: every rank has joined by now.
    options->timeout = timeout_;
    try {
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, launch_.rank, launch_.world_size,
                                                           options);
    } catch (const std::exception& e) {
      fail(e);
    }
    // Started last: a constructor that throws must not leave a thread running.
    beat_thread_ = std::thread([this] { beat(); });
    spdlog::info("rank {} of {} joined the job at {}:{}", launch_.rank, launch_.world_size,
                 launch_.master_addr, launch_.master_port);
  }

  ~GlooDataParallel() override {
    {
      const std::lock_guard<std::mutex> lock(beat_mutex_);
      stopping_ = true;
    }
    beat_wake_.notify_all();
    if (beat_thread_.joinable()) beat_thread_.join();
  }

  int rank() const override { return launch_.rank; }
  int world_size() const override { return launch_.world_size; }
  std::int64_t bucket_bytes() const override { return bucket_bytes_; }

  void all_reduce_sum(std::vector<torch::Tensor>& tensors) override {
    run_collective(tensors,
                   [this](std::vector<torch::Tensor>& one) { return group_->allreduce(one); });
  }

  void broadcast_from_root(std::vector<torch::Tensor>& tensors) override {
    run_collective(tensors, [this](std::vector<torch::Tensor>& one) {
      c10d::BroadcastOptions options;
      options.rootRank = 0;
      return group_->broadcast(one, options);
    });
  }

  void barrier() override {
    ++collectives_;
    try {
      group_->barrier()->wait();
    } catch (const std::exception& e) {
      fail(e);
    }
  }

  void publish(const std::string& key, const std::string& bytes) override {
    try {
      store_->set(key, as_bytes(bytes));
    } catch (const std::exception& e) {
      fail(e);
    }
  }

  std::string fetch(const std::string& key) override {
    try {
      return as_text(store_->get(key));
    } catch (const std::exception& e) {
      fail(e);
    }
  }

  void erase(const std::string& key) override {
    try {
      store_->deleteKey(key);
    } catch (const std::exception& e) {
      fail(e);
    }
  }

  void report_failure(const std::string& message) override {
    try {
      store_->set(kFailedPrefix + std::to_string(launch_.rank), as_bytes(message));
    } catch (const std::exception& e) {
      spdlog::debug("rank {}: could not tell the others why it stops: {}", launch_.rank, e.what());
    }
  }

 private:
  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

  // Each tensor one collective, all in flight at once; results copied back to the tensors'
  // own device (Gloo reduces in host memory).
  template <typename Launch>
  void run_collective(std::vector<torch::Tensor>& tensors, const Launch& launch) {
    ++collectives_;
    std::vector<std::vector<torch::Tensor>> staged;
    staged.reserve(tensors.size());
    for (const torch::Tensor& t : tensors) staged.push_back({t.to(torch::kCPU).contiguous()});
    try {
      std::vector<c10::intrusive_ptr<c10d::Work>> works;
      works.reserve(staged.size());
      for (auto& one : staged) works.push_back(launch(one));
      for (auto& work : works) work->wait();
    } catch (const std::exception& e) {
      fail(e);
    }
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      if (tensors[i].data_ptr() != staged[i].front().data_ptr())
        tensors[i].copy_(staged[i].front());
    }
  }

  // Every rank announces itself; rank 0 waits for all and names the missing ones.
  void wait_for_ranks() {
    publish(kJoinedPrefix + std::to_string(launch_.rank), "1");
    if (launch_.rank != 0) return;
    const auto deadline = std::chrono::steady_clock::now() + join_timeout_;
    std::vector<int> missing;
    while (true) {
      missing.clear();
      for (int r = 0; r < launch_.world_size; ++r)
        if (!store_->check({kJoinedPrefix + std::to_string(r)})) missing.push_back(r);
      if (missing.empty()) return;
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(Milliseconds(50));
    }
    throw DistributedError(
        fmt::format("rank(s) {} of {} did not join the job at {}:{} within {} s: "
                    "start every rank with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE",
                    fmt::join(missing, ", "), launch_.world_size, launch_.master_addr,
                    launch_.master_port, seconds(join_timeout_)));
  }

  // A heartbeat per rank, on a connection of its own, until the job ends or the store (rank 0)
  // is gone: "<beats> <collectives entered>", so that a rank that stopped (its beats stand
  // still) and one that lags (it entered fewer collectives) can both be named.
  void beat() {
    try {
      const auto store = connect_store(launch_, false, join_timeout_);
      const std::string key = kBeatPrefix + std::to_string(launch_.rank);
      std::int64_t beats = 0;
      std::unique_lock<std::mutex> lock(beat_mutex_);
      while (!stopping_) {
        lock.unlock();
        store->set(key, as_bytes(fmt::format("{} {}", ++beats, collectives_.load())));
        lock.lock();
        beat_wake_.wait_for(lock, kHeartbeatPeriod, [this] { return stopping_; });
      }
    } catch (const std::exception& e) {
      spdlog::debug("rank {}: heartbeat stopped: {}", launch_.rank, e.what());
    }
  }

  struct Beat {
    std::int64_t beats = -1;  // -1: none yet
    std::int64_t collectives = 0;
  };
  std::vector<Beat> read_beats() {
    std::vector<Beat> out(static_cast<std::size_t>(launch_.world_size));
    for (int r = 0; r < launch_.world_size; ++r) {
      const std::string key = kBeatPrefix + std::to_string(r);
      if (!store_->check({key})) continue;
      std::istringstream text(as_text(store_->get(key)));
      text >> out[r].beats >> out[r].collectives;
    }
    return out;
  }

  // Why a collective failed, naming the rank: one that reported its failure, else the ones
  // whose heartbeat stopped, else the ones that had not entered this collective, else rank 0
  // when its store is gone.
  [[noreturn]] void fail(const std::exception& cause) {
    const std::string what = first_line(cause.what());
    std::string reason;
    try {
      for (int r = 0; r < launch_.world_size; ++r) {
        const std::string key = kFailedPrefix + std::to_string(r);
        if (r != launch_.rank && store_->check({key}))
          reason = fmt::format("rank {} failed: {}", r, peer_reason(as_text(store_->get(key)), r));
      }
      if (reason.empty()) {
        const std::vector<Beat> before = read_beats();
        std::this_thread::sleep_for(3 * kHeartbeatPeriod);
        const std::vector<Beat> after = read_beats();
        const std::int64_t mine = collectives_.load();
        std::vector<int> stopped, behind;
        std::vector<std::string> counts;
        for (int r = 0; r < launch_.world_size; ++r) {
          if (r == launch_.rank) continue;
          if (after[r].beats == before[r].beats) {
            stopped.push_back(r);
          } else if (after[r].collectives < mine) {
            behind.push_back(r);
            counts.push_back(fmt::format("rank {} {}", r, after[r].collectives));
          }
        }
        if (!stopped.empty())
          reason = fmt::format("rank {} stopped (no heartbeat): it exited, was killed or froze",
                               fmt::join(stopped, ", "));
        else if (!behind.empty())
          reason = fmt::format(
              "rank {} never reached this collective within distributed.timeout_seconds = {} s "
              "(collectives entered: this rank {}, {}): it hangs or is busy, e.g. rank 0 "
              "evaluating alone",
              fmt::join(behind, ", "), seconds(timeout_), mine, fmt::join(counts, ", "));
      }
    } catch (const std::exception&) {
      reason =
          launch_.agent_store
              ? fmt::format("the launcher's store at {}:{} no longer answers", launch_.master_addr,
                            launch_.master_port)
              : fmt::format("rank 0 stopped: the job's store it hosts at {}:{} no longer answers",
                            launch_.master_addr, launch_.master_port);
    }
    if (reason.empty())
      reason = fmt::format(
          "a collective failed or waited longer than distributed.timeout_seconds "
          "= {} s",
          seconds(timeout_));
    throw DistributedError(fmt::format(
        "rank {}: {} ({}){} Once the cause is fixed, a job that checkpointed resumes with "
        "`shoprl train --resume RUN_DIR` on every rank",
        launch_.rank, reason, what, kJobStops));
  }

  LaunchEnvironment launch_;
  Milliseconds timeout_;       // a collective's wait for the other ranks
  Milliseconds join_timeout_;  // forming the job: ranks start apart (LibTorch takes a second)
  std::int64_t bucket_bytes_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  std::thread beat_thread_;
  std::mutex beat_mutex_;
  std::condition_variable beat_wake_;
  bool stopping_ = false;
  std::atomic<std::int64_t> collectives_{0};  // entered by this rank, for naming a lagging one
};

}  // namespace

bool data_parallel_available() { return true; }

std::unique_ptr<DataParallel> join_data_parallel_job(const LaunchEnvironment& launch,
                                                     const DistributedConfig& config) {
  return std::make_unique<GlooDataParallel>(launch, config);
}

}  // namespace shoprl
