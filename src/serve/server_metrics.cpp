// Prometheus metrics of the server (server_metrics.h).
#include "serve/server_metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace shoprl {

void ServerMetrics::record(const std::string& endpoint, int status, double seconds) {
  const std::size_t bucket = static_cast<std::size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  // A handler that set content but no status answers 200 (cpp-httplib fills it in afterwards).
  if (status < 100) status = 200;
  const std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{endpoint, status}];
  Histogram& h = latency_[endpoint];
  ++h.counts[bucket];
  h.sum += seconds;
  ++h.count;
}

void ServerMetrics::set_serving_version(const std::string& model, std::int64_t version) {
  const std::lock_guard<std::mutex> lock(mutex_);
  versions_[model] = version;
}

std::string ServerMetrics::prometheus_text() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::string out =
      "# HELP shoprl_requests_total HTTP requests by endpoint and status.\n"
      "# TYPE shoprl_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += fmt::format("shoprl_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, count);
  }
  out +=
      "# HELP shoprl_request_seconds Time from a request's arrival to its response, by "
      "endpoint.\n# TYPE shoprl_request_seconds histogram\n";
  for (const auto& [endpoint, h] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += h.counts[b];
      out += fmt::format("shoprl_request_seconds_bucket{{endpoint=\"{}\",le=\"{}\"}} {}\n",
                         endpoint, kBuckets[b], cumulative);
    }
    cumulative += h.counts.back();
    out += fmt::format("shoprl_request_seconds_bucket{{endpoint=\"{}\",le=\"+Inf\"}} {}\n",
                       endpoint, cumulative);
    out += fmt::format("shoprl_request_seconds_sum{{endpoint=\"{}\"}} {}\n", endpoint, h.sum);
    out += fmt::format("shoprl_request_seconds_count{{endpoint=\"{}\"}} {}\n", endpoint, h.count);
  }
  out +=
      "# HELP shoprl_model_version The version each model serves.\n"
      "# TYPE shoprl_model_version gauge\n";
  for (const auto& [model, version] : versions_)
    out += fmt::format("shoprl_model_version{{model=\"{}\"}} {}\n", model, version);
  out += fmt::format(
      "# HELP shoprl_decisions_total Decisions made (and logged, with --log-dir).\n"
      "# TYPE shoprl_decisions_total counter\nshoprl_decisions_total {}\n",
      decisions_.load());
  return out;
}

}  // namespace shoprl
