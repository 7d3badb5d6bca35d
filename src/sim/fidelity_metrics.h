// The statistics of the simulator's fidelity report (docs/simulator.md, "Fidelity report"),
// free of LibTorch: ranking of the true next item, ROC AUC and reliability of a probability,
// the two-sample Kolmogorov-Smirnov distance, popularity concentration and rank correlations.
// Undefined values (an AUC without positives, a correlation of constant values) are NaN; the
// report writes them as null / n/a.
#pragma once

#include <cstdint>
#include <vector>

#include "eval/tied_rank.h"

namespace shoprl {

// ---- Ranking of the true next item ----
// HR@k and NDCG@k of one target under random tie-breaking: eval/tied_rank.h.

// Accumulates next-item targets: their rank and the log-probability the model gave them.
class NextItemAccumulator {
 public:
  explicit NextItemAccumulator(std::vector<int> cutoffs = {5, 10, 20});
  void add(std::int64_t higher, std::int64_t ties, double log_probability);

  const std::vector<int>& cutoffs() const { return cutoffs_; }
  std::int64_t targets() const { return targets_; }
  double hit_rate(std::size_t cutoff) const;  // mean over targets; NaN without targets
  double ndcg(std::size_t cutoff) const;
  double mean_log_likelihood() const;  // nats per target
  double perplexity() const;           // exp(-mean log-likelihood)

 private:
  std::vector<int> cutoffs_;
  std::vector<double> hit_sum_;
  std::vector<double> ndcg_sum_;
  double log_likelihood_sum_ = 0;
  std::int64_t targets_ = 0;
};

// ---- Probability of a binary event ----
// ROC AUC = P(score of a random positive > score of a random negative) + P(tie) / 2, by the
// Mann-Whitney U statistic over average ranks (ties share their mean rank). NaN when there is
// no positive or no negative. labels are 0/1.
double roc_auc(const std::vector<double>& scores, const std::vector<std::int8_t>& labels);

struct ReliabilityBin {
  double low = 0;  // bin edges: [low, high), the last bin closed at 1
  double high = 0;
  double mean_predicted = 0;  // NaN for an empty bin
  double observed_rate = 0;   // NaN for an empty bin
  std::int64_t count = 0;
};
// `bins` equal-width bins of [0, 1] (scores clamped into it).
std::vector<ReliabilityBin> reliability_bins(const std::vector<double>& scores,
                                             const std::vector<std::int8_t>& labels, int bins = 10);
// ECE = sum_b (n_b / n) |observed_b - predicted_b| (Naeini et al. 2015); NaN when n = 0.
double expected_calibration_error(const std::vector<ReliabilityBin>& bins);

// ---- Distributions ----
struct KsResult {
  double statistic = 0;  // D = sup_x |F_a(x) - F_b(x)|
  double p_value = 1;    // asymptotic: Q_KS(sqrt(n m / (n + m)) D)
};
// The two-sample Kolmogorov-Smirnov test (Smirnov 1939). D is exact for integer samples
// (evaluated after all copies of each value); the asymptotic p-value assumes continuous
// distributions, which makes it conservative for discrete ones such as session lengths.
// Both samples empty or either empty: D = NaN, p = NaN.
KsResult ks_two_sample(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b);
// Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2), the Kolmogorov distribution's
// survival function (1 for lambda near 0).
double kolmogorov_survival(double lambda);

// counts[v] = how many of `sample` equal v, for v in [0, max(sample)] (and at least `size`).
std::vector<std::int64_t> value_counts(const std::vector<std::int64_t>& sample,
                                       std::size_t size = 0);

// ---- Popularity concentration ----
// Gini coefficient of non-negative counts (one per item, zeros included):
//   G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n,  x_(1) <= ... <= x_(n), i from 1.
// 0: every item equally clicked; (n - 1) / n: one item has every click. NaN when sum x = 0.
double gini_coefficient(const std::vector<std::int64_t>& counts);
// Share of the total held by the ceil(fraction * n) largest counts (at least one item).
// NaN when sum = 0.
double top_share(const std::vector<std::int64_t>& counts, double fraction = 0.01);

// ---- Rank correlation ----
// Average ranks (1-based; ties share their mean rank).
std::vector<double> average_ranks(const std::vector<double>& values);
// Spearman's rho: Pearson correlation of the average ranks. NaN for n < 2 or constant input.
double spearman_correlation(const std::vector<double>& x, const std::vector<double>& y);
// Kendall's tau-b = (concordant - discordant) / sqrt((n0 - n1)(n0 - n2)), n0 = n(n-1)/2,
// n1, n2 the pairs tied in x, in y (Kendall 1945). NaN when either is constant or n < 2.
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace shoprl
