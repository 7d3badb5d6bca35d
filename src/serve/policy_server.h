// The HTTP/JSON server over a model repository (docs/serving.md): KServe-v2 health, the models
// and their versions, recommendations with propensities, feedback, Prometheus metrics, and hot
// reload of new versions. Built on cpp-httplib (Debian's libcpp-httplib-dev): a small,
// synchronous HTTP/1.1 server with keep-alive and a thread pool, which is all a scoring server
// needs; gRPC and Boost.Beast would add an RPC stack or an async design this workload does not
// use (docs/serving.md, "Why cpp-httplib").
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "serve/decision_log.h"
#include "serve/model_registry.h"
#include "serve/server_metrics.h"

namespace httplib {
class Server;
}

namespace shoprl {

struct ServeOptions {
  std::filesystem::path models;  // the model repository
  std::string host = "127.0.0.1";
  int port = 8000;                // 0: any free port (tests, benchmarks)
  int threads = 2;                // request workers
  std::filesystem::path log_dir;  // empty: no decision log
  int log_flush_ms = 100;
  std::size_t max_body_bytes = 1 << 20;
  double poll_seconds = 2;  // how often the repository is checked for new versions; 0: never
  int marginal_samples = 64;
  std::uint64_t seed = 42;  // of the sampled slates (each request derives its own)
};

class PolicyServer {
 public:
  // Loads every model of the repository (IoError when it is not one); does not listen yet.
  explicit PolicyServer(const ServeOptions& options);
  ~PolicyServer();  // stop()
  PolicyServer(const PolicyServer&) = delete;
  PolicyServer& operator=(const PolicyServer&) = delete;

  // Binds the socket (IoError naming host and port when it cannot); returns the port.
  int bind();
  // Serves until stop(); returns when the server has stopped. Call bind() first.
  void run();
  // Stops accepting, finishes the requests in flight, flushes the decision log. Idempotent,
  // callable from any thread.
  void stop();

  ModelRegistry& registry() { return *registry_; }
  const ServerMetrics& metrics() const { return metrics_; }

 private:
  void install_routes();
  void poll_loop();

  ServeOptions options_;
  std::unique_ptr<ModelRegistry> registry_;
  std::unique_ptr<DecisionLog> log_;
  ServerMetrics metrics_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace shoprl
