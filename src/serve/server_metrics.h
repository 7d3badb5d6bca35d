// What `shoprl serve` counts, in Prometheus's text format (GET /metrics): requests by endpoint
// and status, a latency histogram per endpoint, decisions logged, and the version each model
// serves. Thread-safe; a request costs one short lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace shoprl {

class ServerMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (the last bucket is +Inf).
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0};

  void record(const std::string& endpoint, int status, double seconds);
  void set_serving_version(const std::string& model, std::int64_t version);
  void count_decision() { decisions_.fetch_add(1); }

  std::string prometheus_text() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size() + 1> counts{};
    double sum = 0;
    std::uint64_t count = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, std::int64_t> versions_;
  std::atomic<std::uint64_t> decisions_{0};
};

}  // namespace shoprl
