#include "sim/fidelity_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"
#include "core/numbers.h"

namespace shoprl {

NextItemAccumulator::NextItemAccumulator(std::vector<int> cutoffs)
    : cutoffs_(std::move(cutoffs)),
      hit_sum_(cutoffs_.size(), 0.0),
      ndcg_sum_(cutoffs_.size(), 0.0) {}

void NextItemAccumulator::add(std::int64_t higher, std::int64_t ties, double log_probability) {
  for (std::size_t c = 0; c < cutoffs_.size(); ++c) {
    hit_sum_[c] += expected_hit_at_k(higher, ties, cutoffs_[c]);
    ndcg_sum_[c] += expected_ndcg_at_k(higher, ties, cutoffs_[c]);
  }
  log_likelihood_sum_ += log_probability;
  ++targets_;
}

double NextItemAccumulator::hit_rate(std::size_t cutoff) const {
  return targets_ ? hit_sum_[cutoff] / static_cast<double>(targets_) : kNaN;
}

double NextItemAccumulator::ndcg(std::size_t cutoff) const {
  return targets_ ? ndcg_sum_[cutoff] / static_cast<double>(targets_) : kNaN;
}

double NextItemAccumulator::mean_log_likelihood() const {
  return targets_ ? log_likelihood_sum_ / static_cast<double>(targets_) : kNaN;
}

double NextItemAccumulator::perplexity() const { return std::exp(-mean_log_likelihood()); }

std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t stop = start + 1;
    while (stop < order.size() && values[order[stop]] == values[order[start]]) ++stop;
    // Positions start..stop-1 hold ranks start+1..stop; each gets their mean.
    const double mean_rank = 0.5 * static_cast<double>(start + 1 + stop);
    for (std::size_t p = start; p < stop; ++p) ranks[order[p]] = mean_rank;
    start = stop;
  }
  return ranks;
}

double roc_auc(const std::vector<double>& scores, const std::vector<std::int8_t>& labels) {
  if (scores.size() != labels.size())
    throw Error(fmt::format("roc_auc: {} scores but {} labels", scores.size(), labels.size()));
  const std::vector<double> ranks = average_ranks(scores);
  double positive_rank_sum = 0;
  double positives = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (labels[i]) {
      positive_rank_sum += ranks[i];
      positives += 1;
    }
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  // U = R_pos - n_pos (n_pos + 1) / 2 counts the (positive, negative) pairs the positive wins,
  // ties counting one half (Mann and Whitney 1947); AUC = U / (n_pos n_neg).
  const double u = positive_rank_sum - positives * (positives + 1) / 2;
  return u / (positives * negatives);
}

std::vector<ReliabilityBin> reliability_bins(const std::vector<double>& scores,
                                             const std::vector<std::int8_t>& labels, int bins) {
  if (scores.size() != labels.size())
    throw Error(
        fmt::format("reliability_bins: {} scores but {} labels", scores.size(), labels.size()));
  if (bins < 1) throw Error(fmt::format("reliability_bins: {} bins", bins));
  std::vector<ReliabilityBin> out(bins);
  std::vector<double> predicted_sum(bins, 0.0), observed_sum(bins, 0.0);
  for (int b = 0; b < bins; ++b) {
    out[b].low = static_cast<double>(b) / bins;
    out[b].high = static_cast<double>(b + 1) / bins;
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double p = std::clamp(scores[i], 0.0, 1.0);
    const int b = std::min(bins - 1, static_cast<int>(std::floor(p * bins)));
    predicted_sum[b] += p;
    observed_sum[b] += labels[i] ? 1.0 : 0.0;
    ++out[b].count;
  }
  for (int b = 0; b < bins; ++b) {
    const double n = static_cast<double>(out[b].count);
    out[b].mean_predicted = out[b].count ? predicted_sum[b] / n : kNaN;
    out[b].observed_rate = out[b].count ? observed_sum[b] / n : kNaN;
  }
  return out;
}

double expected_calibration_error(const std::vector<ReliabilityBin>& bins) {
  double total = 0, weighted_gap = 0;
  for (const ReliabilityBin& bin : bins) {
    if (bin.count == 0) continue;
    total += static_cast<double>(bin.count);
    weighted_gap +=
        static_cast<double>(bin.count) * std::abs(bin.observed_rate - bin.mean_predicted);
  }
  return total > 0 ? weighted_gap / total : kNaN;
}

double kolmogorov_survival(double lambda) {
  // The alternating series converges fast for lambda >~ 0.2; below that Q is 1 to 1e-10
  // (Q(0.2) = 1 - 2e-11), where the series would need many terms.
  if (lambda < 0.2) return 1.0;
  double sum = 0;
  for (int j = 1; j <= 100; ++j) {
    const double term = std::exp(-2.0 * j * j * lambda * lambda);
    sum += (j % 2 == 1 ? term : -term);
    if (term < 1e-17) break;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

KsResult ks_two_sample(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  if (a.empty() || b.empty()) return {kNaN, kNaN};
  std::vector<std::int64_t> x = a, y = b;
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  const double n = static_cast<double>(x.size()), m = static_cast<double>(y.size());
  double d = 0;
  std::size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    // The next distinct value; both empirical CDFs step past all its copies before comparing.
    std::int64_t v;
    if (i == x.size())
      v = y[j];
    else if (j == y.size())
      v = x[i];
    else
      v = std::min(x[i], y[j]);
    while (i < x.size() && x[i] == v) ++i;
    while (j < y.size() && y[j] == v) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  return {d, kolmogorov_survival(std::sqrt(n * m / (n + m)) * d)};
}

std::vector<std::int64_t> value_counts(const std::vector<std::int64_t>& sample, std::size_t size) {
  std::int64_t largest = -1;
  for (const std::int64_t v : sample) {
    if (v < 0) throw Error(fmt::format("value_counts: negative value {}", v));
    largest = std::max(largest, v);
  }
  std::vector<std::int64_t> counts(std::max<std::size_t>(size, largest + 1), 0);
  for (const std::int64_t v : sample) ++counts[v];
  return counts;
}

double gini_coefficient(const std::vector<std::int64_t>& counts) {
  std::vector<std::int64_t> sorted = counts;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  double total = 0, weighted = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i] < 0) throw Error(fmt::format("gini_coefficient: negative count {}", sorted[i]));
    total += static_cast<double>(sorted[i]);
    weighted += static_cast<double>(i + 1) * static_cast<double>(sorted[i]);
  }
  if (total == 0) return kNaN;
  return 2.0 * weighted / (n * total) - (n + 1.0) / n;
}

double top_share(const std::vector<std::int64_t>& counts, double fraction) {
  if (counts.empty()) return kNaN;
  std::vector<std::int64_t> sorted = counts;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  const std::size_t top = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size()) - 1e-9)), 1,
      sorted.size());
  double total = 0, head = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    total += static_cast<double>(sorted[i]);
    if (i < top) head += static_cast<double>(sorted[i]);
  }
  return total > 0 ? head / total : kNaN;
}

double spearman_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size())
    throw Error(fmt::format("spearman_correlation: {} and {} values", x.size(), y.size()));
  if (x.size() < 2) return kNaN;
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  const double mean = 0.5 * static_cast<double>(x.size() + 1);  // the mean of any ranks
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size())
    throw Error(fmt::format("kendall_tau_b: {} and {} values", x.size(), y.size()));
  // O(n^2): a handful of policies.
  double concordant = 0, discordant = 0, tied_x = 0, tied_y = 0, pairs = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      pairs += 1;
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx == 0) tied_x += 1;
      if (dy == 0) tied_y += 1;
      if (dx == 0 || dy == 0) continue;
      if ((dx > 0) == (dy > 0))
        concordant += 1;
      else
        discordant += 1;
    }
  }
  const double denominator = std::sqrt((pairs - tied_x) * (pairs - tied_y));
  if (pairs == 0 || denominator == 0) return kNaN;
  return (concordant - discordant) / denominator;
}

}  // namespace shoprl
