// Closed-form cases for the fidelity report's statistics; every expected number is worked out
// by hand in the comment beside it.
#include "sim/fidelity_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace shoprl {
namespace {

TEST(FidelityRanking, HitAndNdcgOfAnUntiedRank) {
  // rank = higher + 1.
  EXPECT_EQ(expected_hit_at_k(0, 0, 5), 1.0);
  EXPECT_EQ(expected_hit_at_k(4, 0, 5), 1.0);  // rank 5 is inside the top 5
  EXPECT_EQ(expected_hit_at_k(5, 0, 5), 0.0);  // rank 6 is not
  EXPECT_DOUBLE_EQ(expected_ndcg_at_k(0, 0, 5), 1.0);
  EXPECT_DOUBLE_EQ(expected_ndcg_at_k(2, 0, 5), 0.5);  // 1 / log2(3 + 1)
  EXPECT_EQ(expected_ndcg_at_k(5, 0, 5), 0.0);
}

TEST(FidelityRanking, TiesAreBrokenUniformlyAtRandom) {
  // 3 items above, 3 tied: rank uniform on {4, 5, 6, 7}; two of the four are in the top 5.
  EXPECT_DOUBLE_EQ(expected_hit_at_k(3, 3, 5), 0.5);
  // (1 / log2(5) + 1 / log2(6)) / 4.
  EXPECT_NEAR(expected_ndcg_at_k(3, 3, 5), 0.20438234132698369, 1e-15);
  // Every tied rank is inside the cutoff.
  EXPECT_DOUBLE_EQ(expected_hit_at_k(0, 9, 10), 1.0);
  EXPECT_DOUBLE_EQ(expected_hit_at_k(0, 99, 10), 0.1);
}

TEST(FidelityRanking, AccumulatorAveragesTargets) {
  NextItemAccumulator accumulator({1, 5});
  accumulator.add(0, 0, std::log(0.5));   // rank 1
  accumulator.add(2, 0, std::log(0.25));  // rank 3
  EXPECT_EQ(accumulator.targets(), 2);
  EXPECT_DOUBLE_EQ(accumulator.hit_rate(0), 0.5);
  EXPECT_DOUBLE_EQ(accumulator.hit_rate(1), 1.0);
  EXPECT_DOUBLE_EQ(accumulator.ndcg(1), 0.75);  // (1 + 1/2) / 2
  // (ln 1/2 + ln 1/4) / 2 = -1.5 ln 2; perplexity 2^1.5.
  EXPECT_DOUBLE_EQ(accumulator.mean_log_likelihood(), -1.5 * std::log(2.0));
  EXPECT_NEAR(accumulator.perplexity(), std::pow(2.0, 1.5), 1e-12);
  EXPECT_TRUE(std::isnan(NextItemAccumulator().hit_rate(0)));
}

TEST(FidelityAuc, MannWhitneyWithoutTies) {
  // Positives 0.35, 0.8 against negatives 0.1, 0.4: 3 of 4 pairs won.
  EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc({0.9, 0.1}, {1, 0}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({0.9, 0.1}, {0, 1}), 0.0);
}

TEST(FidelityAuc, TiesCountOneHalf) {
  // Positives {0.5, 0.9}, negatives {0.5, 0.2}: 0.5 + 1 + 1 + 1 of 4 pairs.
  EXPECT_DOUBLE_EQ(roc_auc({0.5, 0.5, 0.2, 0.9}, {1, 0, 0, 1}), 0.875);
  // All scores equal: every pair a tie.
  EXPECT_DOUBLE_EQ(roc_auc({0.3, 0.3, 0.3}, {1, 0, 1}), 0.5);
}

TEST(FidelityAuc, UndefinedWithoutBothClasses) {
  EXPECT_TRUE(std::isnan(roc_auc({0.1, 0.2}, {0, 0})));
  EXPECT_TRUE(std::isnan(roc_auc({0.1, 0.2}, {1, 1})));
  EXPECT_TRUE(std::isnan(roc_auc({}, {})));
}

TEST(FidelityReliability, BinsAndExpectedCalibrationError) {
  const std::vector<double> scores{0.05, 0.15, 0.12, 0.95, 1.0};
  const std::vector<std::int8_t> labels{0, 1, 0, 1, 1};
  const std::vector<ReliabilityBin> bins = reliability_bins(scores, labels, 10);
  ASSERT_EQ(bins.size(), 10u);
  EXPECT_DOUBLE_EQ(bins[1].low, 0.1);
  EXPECT_DOUBLE_EQ(bins[1].high, 0.2);
  EXPECT_EQ(bins[0].count, 1);
  EXPECT_DOUBLE_EQ(bins[0].mean_predicted, 0.05);
  EXPECT_DOUBLE_EQ(bins[0].observed_rate, 0.0);
  EXPECT_EQ(bins[1].count, 2);
  EXPECT_DOUBLE_EQ(bins[1].mean_predicted, 0.135);
  EXPECT_DOUBLE_EQ(bins[1].observed_rate, 0.5);
  EXPECT_EQ(bins[9].count, 2);  // 1.0 falls in the last, closed bin
  EXPECT_DOUBLE_EQ(bins[9].mean_predicted, 0.975);
  EXPECT_DOUBLE_EQ(bins[9].observed_rate, 1.0);
  EXPECT_EQ(bins[5].count, 0);
  EXPECT_TRUE(std::isnan(bins[5].mean_predicted));
  // (1 x 0.05 + 2 x 0.365 + 2 x 0.025) / 5.
  EXPECT_NEAR(expected_calibration_error(bins), 0.166, 1e-12);
  EXPECT_TRUE(std::isnan(expected_calibration_error(reliability_bins({}, {}, 10))));
}

TEST(FidelityKolmogorovSmirnov, DistanceAndAsymptoticPValue) {
  // CDF gaps at 1, 2, 3, 4: 1/4, 1/2, 3/4 - 1/6, 1 - 2/6: D = 2/3; then they close.
  const KsResult result = ks_two_sample({1, 2, 3, 4}, {3, 4, 5, 6, 7, 8});
  EXPECT_DOUBLE_EQ(result.statistic, 2.0 / 3.0);
  // lambda = sqrt(4 x 6 / 10) x 2/3 = 1.0327955589886446; Q_KS(lambda) by its series.
  EXPECT_NEAR(result.p_value, 0.23649007143707598, 1e-12);
  EXPECT_NEAR(kolmogorov_survival(1.0), 0.26999967167735456, 1e-12);
  EXPECT_EQ(kolmogorov_survival(0.0), 1.0);
  EXPECT_LT(kolmogorov_survival(3.0), 1e-7);
}

TEST(FidelityKolmogorovSmirnov, TiedValuesStepTogether) {
  // Both CDFs pass every copy of a value before the gap is read: at 1, 2/3 - 1/3; at 2, 0.
  // (Stepping one copy at a time would see a gap of 2/3 after the two 1s of `a`.)
  EXPECT_DOUBLE_EQ(ks_two_sample({1, 1, 2}, {1, 2, 2}).statistic, 1.0 / 3.0);
  const KsResult same = ks_two_sample({3, 1, 2}, {1, 2, 3});
  EXPECT_EQ(same.statistic, 0.0);
  EXPECT_EQ(same.p_value, 1.0);
  EXPECT_TRUE(std::isnan(ks_two_sample({}, {1}).statistic));
}

TEST(FidelityKolmogorovSmirnov, ValueCounts) {
  EXPECT_EQ(value_counts({2, 0, 2, 3}), (std::vector<std::int64_t>{1, 0, 2, 1}));
  EXPECT_EQ(value_counts({1}, 4), (std::vector<std::int64_t>{0, 1, 0, 0}));
}

TEST(FidelityPopularity, GiniCoefficient) {
  EXPECT_DOUBLE_EQ(gini_coefficient({1, 1, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(gini_coefficient({0, 10, 0, 0}), 0.75);  // one item: (n - 1) / n
  // sum_ij |x_i - x_j| / (2 n^2 mean) = 20 / 80.
  EXPECT_DOUBLE_EQ(gini_coefficient({4, 1, 3, 2}), 0.25);
  EXPECT_TRUE(std::isnan(gini_coefficient({0, 0})));
}

TEST(FidelityPopularity, TopShare) {
  std::vector<std::int64_t> counts(200, 1);
  counts[7] = 50;
  counts[100] = 30;
  // 1% of 200 items = the top 2: (50 + 30) / (80 + 198).
  EXPECT_DOUBLE_EQ(top_share(counts, 0.01), 80.0 / 278.0);
  // 1% of 50 items rounds up to one item.
  std::vector<std::int64_t> small(50, 2);
  small[3] = 2;
  EXPECT_DOUBLE_EQ(top_share(small, 0.01), 2.0 / 100.0);
  EXPECT_TRUE(std::isnan(top_share({0, 0, 0})));
}

TEST(FidelityRankCorrelation, AverageRanks) {
  EXPECT_EQ(average_ranks({5, 6, 7, 8, 7}), (std::vector<double>{1, 2, 3.5, 5, 3.5}));
}

TEST(FidelityRankCorrelation, SpearmanWithATie) {
  // Ranks of y: 1, 2, 3.5, 5, 3.5; centred products 8, sums of squares 10 and 9.5.
  EXPECT_NEAR(spearman_correlation({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}), 8 / std::sqrt(95.0), 1e-15);
  EXPECT_DOUBLE_EQ(spearman_correlation({1, 2, 3}, {30, 20, 10}), -1.0);
  EXPECT_TRUE(std::isnan(spearman_correlation({1, 2, 3}, {4, 4, 4})));
  EXPECT_TRUE(std::isnan(spearman_correlation({1}, {1})));
}

TEST(FidelityRankCorrelation, KendallTauB) {
  // 10 pairs: 8 concordant, 1 discordant (x 4 -> 5, y 8 -> 7), 1 tied in y: 7 / sqrt(10 x 9).
  EXPECT_NEAR(kendall_tau_b({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}), 7 / std::sqrt(90.0), 1e-15);
  EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {1, 2, 3, 4}), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_TRUE(std::isnan(kendall_tau_b({1, 1}, {1, 2})));
}

}  // namespace
}  // namespace shoprl
