// Closed-form toy cases for the slate estimators, the pseudoinverse weight's closed form against
// a brute-force Eigen pseudoinverse, and exact unbiasedness by enumerating every slate.
#include "eval/slate/slate_estimators.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "core/error.h"
#include "core/seeding.h"

namespace shoprl {
namespace {

double mean_contribution(const EstimatorTerms& terms) {
  double sum = 0.0;
  for (const double c : terms.contribution) sum += c;
  return sum / static_cast<double>(terms.units());
}

// Two 2-slot slates, worked by hand:
//   slate 10: r = (1, 0), mu_k = (1/2, 1/2), pi_k = (1/4, 3/4), mu(s) = 1/4, pi(s) = 1/8,
//             prefix mu = (1/2, 1/4), prefix pi = (1/4, 1/8)
//   slate 11: r = (1, 1), mu_k = (1/4, 1/2), pi_k = (1/2, 1/2), mu(s) = 1/8, pi(s) = 1/4,
//             prefix mu = (1/4, 1/8), prefix pi = (1/2, 1/4)
LoggedRounds toy_slates() {
  LoggedRounds rounds;
  rounds.len_list = 2;
  rounds.slate_id = {10, 10, 11, 11};
  rounds.position = {0, 1, 0, 1};
  rounds.reward = {1.0, 0.0, 1.0, 1.0};
  rounds.pscore = {0.5, 0.5, 0.25, 0.5};
  rounds.target_pscore = {0.25, 0.75, 0.5, 0.5};
  rounds.slate_pscore = {0.25, 0.25, 0.125, 0.125};
  rounds.slate_target_pscore = {0.125, 0.125, 0.25, 0.25};
  rounds.prefix_pscore = {0.5, 0.25, 0.25, 0.125};
  rounds.prefix_target_pscore = {0.25, 0.125, 0.5, 0.25};
  return rounds;
}

TEST(StandardSlateIps, WeighsTheSlateRewardByTheJointRatio) {
  const EstimatorTerms terms = sips_terms(toy_slates(), OpeConfig{});
  // w = 1/2 and 2; contributions 1/2 * 1 and 2 * 2.
  EXPECT_EQ(terms.weights, (std::vector<double>{0.5, 2.0}));
  EXPECT_EQ(terms.contribution, (std::vector<double>{0.5, 4.0}));
  EXPECT_DOUBLE_EQ(mean_contribution(terms), 2.25);
  // Two slots of reward in [0, 1] times the largest weight 2.
  EXPECT_EQ(terms.contribution_min, 0.0);
  EXPECT_EQ(terms.contribution_max, 4.0);
}

TEST(SelfNormalisedSlateIps, DividesBySummedWeights) {
  const EstimatorTerms terms = snsips_terms(toy_slates(), OpeConfig{});
  EXPECT_EQ(terms.weights, (std::vector<double>{0.5, 2.0}));
  EXPECT_EQ(terms.contribution, (std::vector<double>{0.5, 4.0}));
  EXPECT_EQ(terms.normaliser, terms.weights);
  EXPECT_TRUE(terms.self_normalised());
  // (0.5 + 4) / (0.5 + 2) = 1.8, where SIPS gives 2.25; no a-priori range for a ratio.
  EXPECT_DOUBLE_EQ(
      (terms.contribution[0] + terms.contribution[1]) / (terms.normaliser[0] + terms.normaliser[1]),
      1.8);
  EXPECT_TRUE(std::isnan(terms.contribution_min));
  EXPECT_TRUE(std::isnan(terms.contribution_max));
  // The logging policy evaluated on its own slates: the logs' mean slate reward, (1 + 2) / 2.
  LoggedRounds own = toy_slates();
  own.slate_target_pscore = own.slate_pscore;
  const EstimatorTerms on_policy = snsips_terms(own, OpeConfig{});
  EXPECT_DOUBLE_EQ((on_policy.contribution[0] + on_policy.contribution[1]) /
                       (on_policy.normaliser[0] + on_policy.normaliser[1]),
                   1.5);
}

TEST(IndependentIps, WeighsEachSlotByItsOwnMarginals) {
  const EstimatorTerms terms = iips_terms(toy_slates(), OpeConfig{});
  // Slot weights (1/2, 3/2) and (2, 1): 1/2 * 1 + 3/2 * 0 and 2 * 1 + 1 * 1.
  EXPECT_EQ(terms.contribution, (std::vector<double>{0.5, 3.0}));
  EXPECT_DOUBLE_EQ(mean_contribution(terms), 1.75);
  // The per-slate weight reported is the mean of the slot weights.
  EXPECT_EQ(terms.weights, (std::vector<double>{1.0, 1.5}));
  EXPECT_EQ(terms.contribution_max, 4.0);
}

TEST(RewardInteractionIps, WeighsEachSlotByItsPrefix) {
  const EstimatorTerms terms = rips_terms(toy_slates(), OpeConfig{});
  // Prefix weights (1/2, 1/2) and (2, 2): 1/2 * 1 + 1/2 * 0 and 2 * 1 + 2 * 1.
  EXPECT_EQ(terms.contribution, (std::vector<double>{0.5, 4.0}));
  EXPECT_DOUBLE_EQ(mean_contribution(terms), 2.25);
  EXPECT_EQ(terms.weights, (std::vector<double>{0.5, 2.0}));
}

TEST(SlateEstimators, DeclineWithoutSlates) {
  LoggedRounds rounds = toy_slates();
  rounds.slate_id.clear();
  for (const auto estimator : {&sips_terms, &snsips_terms, &iips_terms, &rips_terms, &pi_terms}) {
    const EstimatorTerms terms = estimator(rounds, OpeConfig{});
    EXPECT_NE(terms.declined.find("needs slates"), std::string::npos) << terms.declined;
    EXPECT_EQ(terms.units(), 0u);
  }
}

TEST(SlateEstimators, DeclineWithoutTheProbabilitiesTheyNeed) {
  LoggedRounds rounds = toy_slates();
  rounds.slate_pscore.clear();
  EXPECT_NE(sips_terms(rounds, OpeConfig{}).declined.find("slate_pscore"), std::string::npos);
  EXPECT_NE(snsips_terms(rounds, OpeConfig{}).declined.find("slate_pscore"), std::string::npos);
  rounds.prefix_target_pscore.clear();
  EXPECT_NE(rips_terms(rounds, OpeConfig{}).declined.find("prefix_target_pscore"),
            std::string::npos);
  // IIPS needs only the slot marginals.
  EXPECT_TRUE(iips_terms(rounds, OpeConfig{}).declined.empty());
}

TEST(SlateEstimators, DeclineOnAnUnknownProbabilityNamingTheRow) {
  LoggedRounds rounds = toy_slates();
  rounds.slate_target_pscore[2] = std::numeric_limits<double>::quiet_NaN();
  rounds.prefix_pscore[3] = std::numeric_limits<double>::quiet_NaN();
  const std::string sips = sips_terms(rounds, OpeConfig{}).declined;
  EXPECT_NE(sips.find("slate_target_pscore"), std::string::npos) << sips;
  EXPECT_NE(sips.find("row 2"), std::string::npos) << sips;
  const std::string rips = rips_terms(rounds, OpeConfig{}).declined;
  EXPECT_NE(rips.find("row 3"), std::string::npos) << rips;
}

TEST(SlateEstimators, RejectSlatesWhoseRowsAreNotContiguous) {
  LoggedRounds rounds = toy_slates();
  rounds.slate_id = {10, 11, 10, 11};
  EXPECT_THROW(iips_terms(rounds, OpeConfig{}), DataError);
}

// --- Enumeration of every ordered K-slate of m items (no item twice). ---

using Slate = std::vector<int>;

std::vector<Slate> all_slates(int items, int slots) {
  std::vector<Slate> slates;
  Slate slate;
  std::vector<bool> used(items, false);
  std::function<void()> extend = [&]() {
    if (static_cast<int>(slate.size()) == slots) {
      slates.push_back(slate);
      return;
    }
    for (int j = 0; j < items; ++j) {
      if (used[j]) continue;
      used[j] = true;
      slate.push_back(j);
      extend();
      slate.pop_back();
      used[j] = false;
    }
  };
  extend();
  return slates;
}

// A random distribution over the slates (fixed seed; positive everywhere).
std::vector<double> random_distribution(std::size_t size, std::uint64_t stream) {
  Rng rng = make_rng(20240611, stream);
  std::vector<double> p(size);
  double total = 0.0;
  for (double& x : p) total += (x = 0.05 + uniform01(rng));
  for (double& x : p) x /= total;
  return p;
}

// Probability under `dist` of the slates that start with `slate`'s first `length` items.
double prefix_probability(const std::vector<Slate>& slates, const std::vector<double>& dist,
                          const Slate& slate, std::size_t length) {
  double p = 0.0;
  for (std::size_t t = 0; t < slates.size(); ++t) {
    bool match = true;
    for (std::size_t k = 0; k < length && match; ++k) match = slates[t][k] == slate[k];
    if (match) p += dist[t];
  }
  return p;
}

// marginal[k][j] = P(slot k shows item j).
std::vector<std::vector<double>> slot_marginals(const std::vector<Slate>& slates,
                                                const std::vector<double>& dist, int items) {
  std::vector<std::vector<double>> marginal(slates.front().size(), std::vector<double>(items, 0.0));
  for (std::size_t t = 0; t < slates.size(); ++t) {
    for (std::size_t k = 0; k < slates[t].size(); ++k) marginal[k][slates[t][k]] += dist[t];
  }
  return marginal;
}

// One slate logged as LoggedRounds, with every probability column filled.
LoggedRounds log_one_slate(const std::vector<Slate>& slates, const std::vector<double>& mu,
                           const std::vector<double>& pi, std::size_t which,
                           const std::vector<double>& slot_reward, int items) {
  const Slate& slate = slates[which];
  const std::vector<std::vector<double>> mu_k = slot_marginals(slates, mu, items);
  const std::vector<std::vector<double>> pi_k = slot_marginals(slates, pi, items);
  LoggedRounds rounds;
  rounds.len_list = static_cast<int>(slate.size());
  for (std::size_t k = 0; k < slate.size(); ++k) {
    rounds.slate_id.push_back(7);
    rounds.position.push_back(static_cast<std::int32_t>(k));
    rounds.reward.push_back(slot_reward[k]);
    rounds.pscore.push_back(mu_k[k][slate[k]]);
    rounds.target_pscore.push_back(pi_k[k][slate[k]]);
    double inclusion = 0.0;
    for (std::size_t k2 = 0; k2 < slate.size(); ++k2) inclusion += pi_k[k2][slate[k]];
    rounds.target_inclusion.push_back(inclusion);
    rounds.slate_pscore.push_back(mu[which]);
    rounds.slate_target_pscore.push_back(pi[which]);
    rounds.prefix_pscore.push_back(prefix_probability(slates, mu, slate, k + 1));
    rounds.prefix_target_pscore.push_back(prefix_probability(slates, pi, slate, k + 1));
  }
  return rounds;
}

using SlotReward = std::function<std::vector<double>(const Slate&)>;

// E_mu[estimate] (one logged slate, every slate enumerated) minus E_pi[sum_k r_k].
double exact_bias(EstimatorTerms (*estimator)(const LoggedRounds&, const OpeConfig&), int items,
                  int slots, const std::vector<double>& mu, const std::vector<double>& pi,
                  const SlotReward& reward, bool uniform) {
  const std::vector<Slate> slates = all_slates(items, slots);
  double expected_estimate = 0.0;
  double true_value = 0.0;
  for (std::size_t t = 0; t < slates.size(); ++t) {
    const std::vector<double> r = reward(slates[t]);
    LoggedRounds rounds = log_one_slate(slates, mu, pi, t, r, items);
    if (uniform) rounds.uniform_logging_items = items;
    const EstimatorTerms terms = estimator(rounds, OpeConfig{});
    EXPECT_TRUE(terms.declined.empty()) << terms.declined;
    expected_estimate += mu[t] * terms.contribution.at(0);
    for (const double x : r) true_value += pi[t] * x;
  }
  return expected_estimate - true_value;
}

// Deterministic, deliberately uneven rewards of the three forms the estimators assume.

std::vector<double> additive_reward(const Slate& s) {
  std::vector<double> r;
  for (std::size_t k = 0; k < s.size(); ++k) r.push_back(0.1 + 0.13 * s[k] + 0.07 * k * s[k]);
  return r;
}
// Slot k's reward depends on the items down to k (a cascade): an item pays less after item 0.
std::vector<double> cascade_reward(const Slate& s) {
  std::vector<double> r;
  bool after_zero = false;
  for (std::size_t k = 0; k < s.size(); ++k) {
    r.push_back((0.2 + 0.15 * s[k]) * (after_zero ? 0.3 : 1.0));
    after_zero = after_zero || s[k] == 0;
  }
  return r;
}
// Slot rewards that depend on the whole slate (a later item changes an earlier reward).
std::vector<double> whole_slate_reward(const Slate& s) {
  std::vector<double> r;
  for (std::size_t k = 0; k < s.size(); ++k)
    r.push_back(0.1 * (s[k] + 1) * (s.back() == 1 ? 2 : 1));
  return r;
}

TEST(SlateUnbiasedness, SipsIsUnbiasedForAnyReward) {
  const int items = 4, slots = 3;
  const std::size_t n = all_slates(items, slots).size();
  const std::vector<double> mu = random_distribution(n, 1), pi = random_distribution(n, 2);
  EXPECT_NEAR(exact_bias(&sips_terms, items, slots, mu, pi, whole_slate_reward, false), 0.0, 1e-12);
}

TEST(SlateUnbiasedness, IipsIsUnbiasedForAdditiveRewardsOnly) {
  const int items = 4, slots = 3;
  const std::size_t n = all_slates(items, slots).size();
  const std::vector<double> mu = random_distribution(n, 3), pi = random_distribution(n, 4);
  EXPECT_NEAR(exact_bias(&iips_terms, items, slots, mu, pi, additive_reward, false), 0.0, 1e-12);
  // The test can fail: a cascade reward breaks IIPS's assumption.
  EXPECT_GT(std::abs(exact_bias(&iips_terms, items, slots, mu, pi, cascade_reward, false)), 1e-3);
}

TEST(SlateUnbiasedness, RipsIsUnbiasedForCascadeRewards) {
  const int items = 4, slots = 3;
  const std::size_t n = all_slates(items, slots).size();
  const std::vector<double> mu = random_distribution(n, 5), pi = random_distribution(n, 6);
  EXPECT_NEAR(exact_bias(&rips_terms, items, slots, mu, pi, cascade_reward, false), 0.0, 1e-12);
  EXPECT_GT(std::abs(exact_bias(&rips_terms, items, slots, mu, pi, whole_slate_reward, false)),
            1e-3);
}

TEST(SlateUnbiasedness, PseudoinverseIsUnbiasedForAdditiveRewardsUnderUniformLogging) {
  for (const auto& [items, slots] : {std::pair{4, 2}, {5, 3}, {3, 3}, {4, 1}}) {
    const std::size_t n = all_slates(items, slots).size();
    const std::vector<double> mu(n, 1.0 / static_cast<double>(n));
    const std::vector<double> pi = random_distribution(n, 7);
    EXPECT_NEAR(exact_bias(&pi_terms, items, slots, mu, pi, additive_reward, true), 0.0, 1e-12)
        << items << " items, " << slots << " slots";
  }
}

// Brute force: Gamma = E_mu[1_s 1_s^T] over (slot, item) indicators, its Moore-Penrose
// pseudoinverse by complete orthogonal decomposition, weight = theta^T Gamma^+ 1_s.
Eigen::VectorXd indicator(const Slate& s, int items) {
  Eigen::VectorXd x = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(s.size()) * items);
  for (std::size_t k = 0; k < s.size(); ++k) x(static_cast<Eigen::Index>(k) * items + s[k]) = 1.0;
  return x;
}

TEST(PseudoinverseWeight, MatchesTheBruteForcePseudoinverse) {
  for (const auto& [items, slots] : {std::pair{4, 2}, {5, 3}, {3, 3}, {4, 1}, {5, 4}}) {
    const std::vector<Slate> slates = all_slates(items, slots);
    const Eigen::Index dim = static_cast<Eigen::Index>(slots) * items;
    Eigen::MatrixXd gamma = Eigen::MatrixXd::Zero(dim, dim);
    for (const Slate& s : slates) {
      const Eigen::VectorXd x = indicator(s, items);
      gamma += x * x.transpose() / static_cast<double>(slates.size());
    }
    const Eigen::MatrixXd gamma_pinv =
        Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(gamma).pseudoInverse();
    const std::vector<double> pi = random_distribution(slates.size(), 8 + items * 10 + slots);
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(dim);
    for (std::size_t t = 0; t < slates.size(); ++t) theta += pi[t] * indicator(slates[t], items);
    for (const Slate& s : slates) {
      double a = 0.0, c = 0.0;
      for (int k = 0; k < slots; ++k) {
        a += theta(k * items + s[k]);
        for (int k2 = 0; k2 < slots; ++k2) c += theta(k2 * items + s[k]);
      }
      const double brute = theta.dot(gamma_pinv * indicator(s, items));
      EXPECT_NEAR(pseudoinverse_uniform_weight(a, c, slots, items), brute, 1e-10)
          << items << " items, " << slots << " slots";
    }
  }
}

TEST(PseudoinverseWeight, IsIpsForOneSlotAndOneUnderTheLoggingPolicy) {
  EXPECT_DOUBLE_EQ(pseudoinverse_uniform_weight(0.3, 0.3, 1, 5), 1.5);  // m pi(s_0)
  // pi = mu: A = K/m, C = K^2/m.
  EXPECT_DOUBLE_EQ(pseudoinverse_uniform_weight(2.0 / 5.0, 4.0 / 5.0, 2, 5), 1.0);
  EXPECT_DOUBLE_EQ(pseudoinverse_uniform_weight(1.0, 3.0, 3, 3), 1.0);
}

TEST(PseudoinverseWeight, IsUnbiasedForTargetsThatRepeatItemsWhenSlatesAreShort) {
  // Target slot marginals drawn independently per slot (a target that may show an item twice):
  // for K < m they still lie in the range of Gamma, so E_mu[w sum_k r_k] = sum_kj theta_kj f.
  const int items = 5, slots = 3;
  const std::vector<Slate> slates = all_slates(items, slots);
  std::vector<std::vector<double>> theta;
  for (int k = 0; k < slots; ++k) theta.push_back(random_distribution(items, 40 + k));
  double true_value = 0.0;
  for (int k = 0; k < slots; ++k) {
    for (int j = 0; j < items; ++j) true_value += theta[k][j] * (0.1 + 0.13 * j + 0.07 * k * j);
  }
  double expected_estimate = 0.0;
  for (const Slate& s : slates) {
    double a = 0.0, c = 0.0;
    for (int k = 0; k < slots; ++k) {
      a += theta[k][s[k]];
      for (int k2 = 0; k2 < slots; ++k2) c += theta[k2][s[k]];
    }
    double reward_sum = 0.0;
    for (const double r : additive_reward(s)) reward_sum += r;
    expected_estimate += pseudoinverse_uniform_weight(a, c, slots, items) * reward_sum /
                         static_cast<double>(slates.size());
  }
  EXPECT_NEAR(expected_estimate, true_value, 1e-12);
}

TEST(Pseudoinverse, WorkedExampleWithTwoOfFourItems) {
  // m = 4, K = 2; logged slate (item 0, item 1), rewards (1, 0).
  // Target marginals of those rows pi_0(0) = 0.5, pi_1(1) = 0.25; inclusion sums 0.7 and 0.6.
  // w = 1 + 3 [0.75 + (1.3 - 2) / 2] = 1 + 3 * 0.4 = 2.2; contribution 2.2 * 1.
  LoggedRounds rounds;
  rounds.slate_id = {0, 0};
  rounds.position = {0, 1};
  rounds.reward = {1.0, 0.0};
  rounds.pscore = {0.25, 0.25};
  rounds.target_pscore = {0.5, 0.25};
  rounds.target_inclusion = {0.7, 0.6};
  rounds.uniform_logging_items = 4;
  const EstimatorTerms terms = pi_terms(rounds, OpeConfig{});
  ASSERT_TRUE(terms.declined.empty()) << terms.declined;
  EXPECT_NEAR(terms.weights.at(0), 2.2, 1e-15);
  EXPECT_NEAR(terms.contribution.at(0), 2.2, 1e-15);
}

TEST(Pseudoinverse, DeclinesWithoutAUniformLogger) {
  LoggedRounds rounds = toy_slates();
  rounds.target_inclusion = {1.0, 1.0, 1.0, 1.0};
  EXPECT_NE(pi_terms(rounds, OpeConfig{}).declined.find("uniform_logging_items"),
            std::string::npos);
  rounds.uniform_logging_items = 4;  // but the pscores are not 1/4
  const std::string reason = pi_terms(rounds, OpeConfig{}).declined;
  EXPECT_NE(reason.find("row 0"), std::string::npos) << reason;
  rounds.pscore = {0.25, 0.25, 0.25, 0.25};
  EXPECT_TRUE(pi_terms(rounds, OpeConfig{}).declined.empty());
  rounds.target_inclusion.clear();
  EXPECT_NE(pi_terms(rounds, OpeConfig{}).declined.find("target_inclusion"), std::string::npos);
  rounds.uniform_logging_items = 1;  // fewer items than slots
  rounds.pscore = {1.0, 1.0, 1.0, 1.0};
  EXPECT_NE(pi_terms(rounds, OpeConfig{}).declined.find("2 slots"), std::string::npos);
}

}  // namespace
}  // namespace shoprl
