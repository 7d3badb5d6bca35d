#include "data/sample_log.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/seeding.h"

namespace shoprl {
namespace {

// RetailRocket's logging window (2015-05-03 .. 2015-09-18), so the sample looks like the real
// file to anything that reads its timestamps.
constexpr std::int64_t kWindowStartMs = 1430622004384LL;
constexpr std::int64_t kWindowLengthMs = 1442545187788LL - kWindowStartMs;

struct SampleEvent {
  std::int64_t time_ms;
  std::uint32_t visitor;
  std::uint32_t item_rank;
  std::uint8_t kind;  // 0 view, 1 addtocart, 2 transaction
  std::uint32_t transaction;
};

// Geometric number of trials >= 1 with the given mean.
std::int64_t geometric_at_least_one(Rng& rng, double mean) {
  const double p = 1.0 / mean;
  const double u = 1.0 - uniform01(rng);  // (0, 1]
  return 1 + static_cast<std::int64_t>(std::floor(std::log(u) / std::log1p(-p + 1e-300)));
}

class ZipfSampler {
 public:
  ZipfSampler(std::int64_t n, double exponent) : cdf_(static_cast<std::size_t>(n)) {
    double total = 0;
    for (std::int64_t r = 0; r < n; ++r) {
      total += std::pow(static_cast<double>(r + 1), -exponent);
      cdf_[static_cast<std::size_t>(r)] = total;
    }
    for (double& c : cdf_) c /= total;
  }
  std::uint32_t operator()(Rng& rng) const {
    const double u = uniform01(rng);
    const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
    return static_cast<std::uint32_t>(
        std::min<std::ptrdiff_t>(it - cdf_.begin(), static_cast<std::ptrdiff_t>(cdf_.size()) - 1));
  }

 private:
  std::vector<double> cdf_;
};

class Sink {
 public:
  explicit Sink(const std::filesystem::path& path) : gzip_(path.extension() == ".gz") {
    if (gzip_) {
      gz_ = gzopen(path.c_str(), "wb4");
      if (gz_ == nullptr) throw IoError(path.string() + ": cannot open for writing");
    } else {
      file_ = std::fopen(path.c_str(), "wb");
      if (file_ == nullptr) {
        throw IoError(path.string() + ": cannot open for writing: " + errno_message(errno));
      }
    }
    path_ = path.string();
  }
  ~Sink() { close(); }
  void write(const fmt::memory_buffer& buffer) {
    const bool ok = gzip_ ? gzwrite(gz_, buffer.data(), static_cast<unsigned>(buffer.size())) ==
                                static_cast<int>(buffer.size())
                          : std::fwrite(buffer.data(), 1, buffer.size(), file_) == buffer.size();
    if (!ok) throw IoError(path_ + ": write failed");
  }
  void close() {
    if (gz_ != nullptr && gzclose(gz_) != Z_OK) throw IoError(path_ + ": gzip close failed");
    gz_ = nullptr;
    if (file_ != nullptr && std::fclose(file_) != 0) throw IoError(path_ + ": close failed");
    file_ = nullptr;
  }

 private:
  bool gzip_;
  gzFile gz_ = nullptr;
  std::FILE* file_ = nullptr;
  std::string path_;
};

}  // namespace

SampleLogSummary write_sample_retailrocket_log(const std::filesystem::path& path,
                                               const SampleLogConfig& config, std::uint64_t seed) {
  Rng rng = make_rng(seed, /*stream: sample log*/ 0x5A3B1EULL);
  const ZipfSampler popularity(config.items, config.zipf_exponent);
  std::vector<std::uint32_t> item_id(static_cast<std::size_t>(config.items));
  std::iota(item_id.begin(), item_id.end(), 1u);
  for (std::size_t i = item_id.size(); i > 1; --i) {
    std::swap(item_id[i - 1], item_id[uniform_index(rng, i)]);
  }

  std::vector<SampleEvent> events;
  events.reserve(static_cast<std::size_t>(config.events) + 16);
  std::uint32_t visitor = 0;
  std::uint32_t transaction = 0;
  const auto target = static_cast<std::size_t>(config.events);
  while (events.size() < target) {
    std::int64_t time =
        kWindowStartMs +
        static_cast<std::int64_t>(uniform01(rng) * 0.9 * static_cast<double>(kWindowLengthMs));
    const std::int64_t sessions = geometric_at_least_one(rng, config.mean_sessions_per_visitor);
    for (std::int64_t s = 0; s < sessions && events.size() < target; ++s) {
      const std::int64_t views = geometric_at_least_one(rng, config.mean_session_events);
      for (std::int64_t v = 0; v < views && events.size() < target; ++v) {
        time += 5000 + static_cast<std::int64_t>(uniform01(rng) * 120000.0);  // 5 s .. 2 min
        const std::uint32_t item = popularity(rng);
        events.push_back({time, visitor, item, 0, 0});
        if (uniform01(rng) < config.cart_probability) {
          time += 2000 + static_cast<std::int64_t>(uniform01(rng) * 30000.0);
          events.push_back({time, visitor, item, 1, 0});
          if (uniform01(rng) < config.purchase_probability) {
            time += 30000 + static_cast<std::int64_t>(uniform01(rng) * 300000.0);
            events.push_back({time, visitor, item, 2, ++transaction});
          }
        }
      }
      time += 3600000LL * (2 + static_cast<std::int64_t>(uniform01(rng) * 70.0));  // hours apart
    }
    ++visitor;
  }
  events.resize(std::min(events.size(), target));
  // The real file is in (roughly) time order, interleaving visitors; so is the sample.
  std::stable_sort(events.begin(), events.end(), [](const SampleEvent& a, const SampleEvent& b) {
    return a.time_ms < b.time_ms;
  });

  AtomicFile file(path);
  {
    Sink sink(file.temp_path());
    fmt::memory_buffer buffer;
    fmt::format_to(std::back_inserter(buffer), "timestamp,visitorid,event,itemid,transactionid\n");
    static constexpr const char* kNames[] = {"view", "addtocart", "transaction"};
    for (const SampleEvent& e : events) {
      fmt::format_to(std::back_inserter(buffer), "{},{},{},{},", e.time_ms, e.visitor,
                     kNames[e.kind], item_id[e.item_rank]);
      if (e.kind == 2) fmt::format_to(std::back_inserter(buffer), "{}", e.transaction);
      buffer.push_back('\n');
      if (buffer.size() > (1u << 20)) {
        sink.write(buffer);
        buffer.clear();
      }
    }
    sink.write(buffer);
    sink.close();
  }
  file.commit();
  return {events.size(), visitor};
}

}  // namespace shoprl
