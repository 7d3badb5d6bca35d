// Tests the one aggregation (src/eval/estimate.cpp): point values and linearised standard
// errors on closed-form terms, which intervals are defined for which terms, the weight
// diagnostics, declined terms, paired resamples, and independence of the thread count.
#include "eval/estimate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "eval/distribution_quantiles.h"

namespace shoprl {
namespace {

NamedTerms mean_terms(const std::string& name, std::vector<double> contribution) {
  NamedTerms named{name, "round", {}};
  named.terms.contribution = std::move(contribution);
  return named;
}

OpeConfig small_config() {
  OpeConfig config;
  config.bootstrap_resamples = 200;
  config.threads = 2;
  return config;
}

TEST(AggregateEstimates, MeanOfTermsWithItsStandardErrorAndIntervals) {
  NamedTerms terms = mean_terms("ipw", {1, 2, 3, 4});
  terms.terms.contribution_min = 0;
  terms.terms.contribution_max = 10;
  OpeConfig config = small_config();
  config.interval = "t";
  const std::vector<Estimate> out = aggregate_estimates({terms}, config, 1);
  ASSERT_EQ(out.size(), 1u);
  const Estimate& e = out[0];
  EXPECT_EQ(e.estimator, "ipw");
  EXPECT_EQ(e.unit, "round");
  EXPECT_EQ(e.units, 4u);
  EXPECT_DOUBLE_EQ(e.value, 2.5);
  // Sample variance 5/3, so SE sqrt(5/3 / 4).
  const double se = std::sqrt(5.0 / 12.0);
  EXPECT_NEAR(e.std_error, se, 1e-15);
  EXPECT_NEAR(e.ci_t.high, 2.5 + 3.182446 * se, 1e-5);  // t_{3, 0.975}
  EXPECT_NEAR(e.ci_normal.low, 2.5 - 1.959963984540054 * se, 1e-12);
  EXPECT_EQ(e.ci.low, e.ci_t.low);
  EXPECT_EQ(e.ci.high, e.ci_t.high);
  // Hoeffding on [0, 10], n = 4: 10 sqrt(ln 40 / 8).
  EXPECT_NEAR(e.ci_hoeffding.high, 2.5 + 10 * std::sqrt(std::log(40.0) / 8), 1e-12);
  EXPECT_NEAR(e.ci_bernstein.high,
              2.5 + std::sqrt(2 * (5.0 / 3) * std::log(80.0) / 4) + 70 * std::log(80.0) / 9, 1e-12);
  EXPECT_TRUE(e.ci_bootstrap.defined());
  EXPECT_GE(e.ci_bootstrap.low, 1.0);
  EXPECT_LE(e.ci_bootstrap.high, 4.0);
  EXPECT_TRUE(std::isnan(e.effective_sample_size));  // no weights
  EXPECT_TRUE(e.declined.empty());
}

// A weight on one unit of 200 (a deterministic policy that agrees with the logs once) gives a
// number, but not an estimate: it is marked unreliable with its effective sample size, and so
// are weights that are all zero. Even weights are not.
TEST(AggregateEstimates, WeightsOnAlmostNoUnitMarkTheEstimateUnreliable) {
  NamedTerms one = mean_terms("pdis", std::vector<double>(200, 0.0));
  one.terms.weights.assign(200, 0.0);
  one.terms.weights[7] = 50;
  one.terms.contribution[7] = 50;
  NamedTerms none = mean_terms("sips", std::vector<double>(200, 0.0));
  none.terms.weights.assign(200, 0.0);
  NamedTerms even = mean_terms("ipw", std::vector<double>(200, 1.0));
  even.terms.weights.assign(200, 1.0);
  const std::vector<Estimate> out = aggregate_estimates({one, none, even}, small_config(), 3);
  EXPECT_DOUBLE_EQ(out[0].effective_sample_size, 1.0);
  EXPECT_NE(out[0].unreliable.find("effective sample size 1.00 of 200 units"), std::string::npos)
      << out[0].unreliable;
  EXPECT_EQ(out[1].effective_sample_size, 0.0);
  EXPECT_FALSE(out[1].unreliable.empty());
  EXPECT_DOUBLE_EQ(out[2].effective_sample_size, 200.0);
  EXPECT_TRUE(out[2].unreliable.empty()) << out[2].unreliable;
}

TEST(AggregateEstimates, RatioWithOffsetUsesTheDeltaMethod) {
  // value = mean(o) + sum c / sum n; psi_i = (o_i - mean o) + (c_i - R n_i) / mean n.
  NamedTerms named{"sndr", "round", {}};
  EstimatorTerms& t = named.terms;
  t.contribution = {0.5, 0.0, 2.0, 1.0, 0.0};
  t.normaliser = {0.5, 1.0, 2.0, 1.5, 1.0};
  t.offset = {0.1, 0.2, 0.3, 0.2, 0.2};
  t.contribution_min = 0;  // ignored: a ratio is not a mean of bounded terms
  t.contribution_max = 2;
  const std::vector<Estimate> out = aggregate_estimates({named}, small_config(), 2);
  const double ratio = 3.5 / 6.0, mean_n = 6.0 / 5, mean_o = 1.0 / 5;
  EXPECT_NEAR(out[0].value, mean_o + ratio, 1e-15);
  std::vector<double> psi(5);
  for (int i = 0; i < 5; ++i) {
    psi[i] = (t.offset[i] - mean_o) + (t.contribution[i] - ratio * t.normaliser[i]) / mean_n;
  }
  const double psi_mean = std::accumulate(psi.begin(), psi.end(), 0.0) / 5;
  double squares = 0;
  for (double p : psi) squares += (p - psi_mean) * (p - psi_mean);
  EXPECT_NEAR(psi_mean, 0.0, 1e-15);
  EXPECT_NEAR(out[0].std_error, std::sqrt(squares / 4 / 5), 1e-15);
  EXPECT_FALSE(out[0].ci_hoeffding.defined());
  EXPECT_FALSE(out[0].ci_bernstein.defined());
  EXPECT_TRUE(out[0].ci_normal.defined());
  EXPECT_TRUE(out[0].ci_t.defined());
  EXPECT_EQ(out[0].ci.low, out[0].ci_bootstrap.low);  // the default kind
}

TEST(AggregateEstimates, WeightDiagnostics) {
  NamedTerms named = mean_terms("ipw", {0, 1, 0, 2});
  named.terms.weights = {1, 1, 2, 4};
  named.terms.clipped = 1;
  const std::vector<Estimate> out = aggregate_estimates({named}, small_config(), 3);
  EXPECT_DOUBLE_EQ(out[0].effective_sample_size, 64.0 / 22.0);
  EXPECT_DOUBLE_EQ(out[0].max_weight, 4.0);
  EXPECT_DOUBLE_EQ(out[0].clipped_fraction, 0.25);
}

TEST(AggregateEstimates, DeclinedTermsGiveDeclinedEstimates) {
  NamedTerms declined{"dr", "round", {}};
  declined.terms.declined = "no reward model";
  NamedTerms empty{"ipw", "round", {}};
  const std::vector<Estimate> out =
      aggregate_estimates({declined, empty, mean_terms("dm", {1, 2})}, small_config(), 4);
  EXPECT_EQ(out[0].declined, "no reward model");
  EXPECT_TRUE(std::isnan(out[0].value));
  EXPECT_EQ(out[1].declined, "no rounds to average over");
  EXPECT_TRUE(out[2].declined.empty());
  EXPECT_DOUBLE_EQ(out[2].value, 1.5);
}

TEST(AggregateEstimates, ResampledValueSharesThePairedResamples) {
  // A "non-linear" estimator that is the mean in disguise gets the same resamples as the
  // linear one beside it, so its bootstrap interval equals the linear one's and its standard
  // error is the bootstrap's (close to, not equal to, the linearised one).
  std::vector<double> x(3000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::fmod(i * 0.618033988749895, 1.0);
  NamedTerms linear = mean_terms("ipw", x);
  NamedTerms resampled{"magic", "round", {}};
  resampled.terms.contribution = x;
  resampled.terms.value = 123.0;  // taken as is
  resampled.terms.resampled_value = [&x](const std::vector<std::uint32_t>& count) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += count[i] * x[i];
    return s / x.size();
  };
  OpeConfig config = small_config();
  config.bootstrap_resamples = 500;
  const std::vector<Estimate> out = aggregate_estimates({linear, resampled}, config, 5);
  EXPECT_EQ(out[1].value, 123.0);
  EXPECT_NEAR(out[1].ci_bootstrap.low, out[0].ci_bootstrap.low, 1e-12);
  EXPECT_NEAR(out[1].ci_bootstrap.high, out[0].ci_bootstrap.high, 1e-12);
  // Bootstrap sd over 500 resamples: relative SE 1 / sqrt(998) = 3.2%; 4.5 sigma = 14%.
  EXPECT_NEAR(out[1].std_error / out[0].std_error, 1.0, 0.14);
  EXPECT_FALSE(out[1].ci_hoeffding.defined());
  EXPECT_NEAR(out[1].ci_normal.high - 123.0, 1.959963984540054 * out[1].std_error, 1e-12);
}

TEST(AggregateEstimates, ResultsDoNotDependOnTheThreadCount) {
  std::vector<double> x(5000), w(5000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::sin(double(i));
    w[i] = 1 + std::cos(double(i));
  }
  NamedTerms a = mean_terms("ipw", x);
  NamedTerms b{"snipw", "round", {}};
  b.terms.contribution = x;
  b.terms.normaliser = w;
  NamedTerms c = mean_terms("pdis", {1, 2, 3});  // another group size
  OpeConfig one = small_config(), three = small_config();
  one.threads = 1;
  three.threads = 3;
  const std::vector<Estimate> x1 = aggregate_estimates({a, b, c}, one, 6);
  const std::vector<Estimate> x3 = aggregate_estimates({a, b, c}, three, 6);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(x1[i].ci_bootstrap.low, x3[i].ci_bootstrap.low) << i;
    EXPECT_EQ(x1[i].ci_bootstrap.high, x3[i].ci_bootstrap.high) << i;
    EXPECT_EQ(x1[i].value, x3[i].value) << i;
  }
}

TEST(AggregateEstimates, MismatchedColumnsAreABug) {
  NamedTerms named = mean_terms("snipw", {1, 2, 3});
  named.terms.normaliser = {1, 2};
  EXPECT_THROW(aggregate_estimates({named}, small_config(), 7), Error);
}

}  // namespace
}  // namespace shoprl
