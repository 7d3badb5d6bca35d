// What the fidelity report's three formats share: the calibration's source in words, the
// binned session-length histograms, and the report writer.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "sim/fidelity_report.h"

namespace shoprl {

std::string calibration_source_text(const CalibrationSummary& calibration) {
  if (calibration.source == "impressions")
    return fmt::format("fitted from {} impression slates (log-likelihood {:.4g} per slate)",
                       calibration.slates_used, calibration.log_likelihood);
  return "taken from config";
}

LengthHistogram length_histogram(const std::vector<std::int64_t>& real,
                                 const std::vector<std::int64_t>& simulated, int max_bins) {
  LengthHistogram histogram;
  std::int64_t longest = -1;
  for (const std::int64_t v : real) longest = std::max(longest, v);
  for (const std::int64_t v : simulated) longest = std::max(longest, v);
  if (longest < 0) return histogram;
  std::int64_t shortest = longest;
  for (const std::int64_t v : real) shortest = std::min(shortest, v);
  for (const std::int64_t v : simulated) shortest = std::min(shortest, v);
  const std::int64_t span = longest - shortest + 1;
  const std::int64_t width = (span + max_bins - 1) / max_bins;
  const std::int64_t bins = (span + width - 1) / width;
  for (std::int64_t b = 0; b <= bins; ++b) histogram.edges.push_back(shortest + b * width);
  histogram.real_count.assign(bins, 0);
  histogram.simulated_count.assign(bins, 0);
  for (const std::int64_t v : real) ++histogram.real_count[(v - shortest) / width];
  for (const std::int64_t v : simulated) ++histogram.simulated_count[(v - shortest) / width];
  const auto fractions = [](const std::vector<std::int64_t>& counts, std::size_t total) {
    std::vector<double> out(counts.size(), 0.0);
    for (std::size_t b = 0; b < counts.size() && total > 0; ++b)
      out[b] = static_cast<double>(counts[b]) / static_cast<double>(total);
    return out;
  };
  histogram.real_fraction = fractions(histogram.real_count, real.size());
  histogram.simulated_fraction = fractions(histogram.simulated_count, simulated.size());
  return histogram;
}

bool ground_truth_matches(const GroundTruthResult& ground_truth, const std::string& store_hash) {
  return !store_hash.empty() && ground_truth.store_hash == store_hash;
}

void write_fidelity_report(const FidelityReport& report, const std::string& dir) {
  const std::filesystem::path folder(dir);
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw IoError(dir + ": cannot create the report folder: " + error.message());
  write_file_atomic(folder / "report.json", fidelity_report_json(report));
  write_file_atomic(folder / "report.md", fidelity_report_markdown(report));
  write_file_atomic(folder / "index.html", fidelity_report_html(report));
}

}  // namespace shoprl
