// The sequential estimators (src/eval/sequential/): hand-worked toy cases, declines, the
// simplex QP of MAGIC, exact resampling, unbiasedness by enumeration, and on-policy identities.
#include "eval/sequential/sequential_estimators.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/error.h"
#include "eval/sequential/magic.h"
#include "eval/sequential/session_steps.h"
#include "eval/sequential/simplex_qp.h"

namespace shoprl {
namespace {

struct Step {
  std::int64_t session;
  double reward;
  double pscore;
  double target_pscore;
  double q_logged;
  double q_target;
};

// One row per step (no slates).
LoggedRounds rows_of(const std::vector<Step>& steps, bool with_model = true) {
  LoggedRounds rounds;
  for (const Step& step : steps) {
    rounds.session_id.push_back(step.session);
    rounds.reward.push_back(step.reward);
    rounds.pscore.push_back(step.pscore);
    rounds.target_pscore.push_back(step.target_pscore);
    rounds.position.push_back(0);
    if (with_model) {
      rounds.q_logged.push_back(step.q_logged);
      rounds.q_target.push_back(step.q_target);
    }
  }
  return rounds;
}

double mean(const std::vector<double>& values) {
  double sum = 0.0;
  for (const double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Three sessions of lengths 2, 1, 2. Ratios rho and cumulative weights w:
//   A: rho (2, 0.5), w (2, 1),   R (1, 1), Qhat (0.5, 0.4), Vhat (0.6, 0.2)
//   B: rho (0.5),    w (0.5),    R (1),    Qhat (0.5),      Vhat (0.3)
//   C: rho (1, 3),   w (1, 3),   R (0, 1), Qhat (0.1, 0.5), Vhat (0.2, 0.7)
LoggedRounds three_sessions() {
  return rows_of({{10, 1.0, 0.5, 1.0, 0.5, 0.6},
                  {10, 1.0, 0.5, 0.25, 0.4, 0.2},
                  {20, 1.0, 0.8, 0.4, 0.5, 0.3},
                  {30, 0.0, 0.5, 0.5, 0.1, 0.2},
                  {30, 1.0, 0.3, 0.9, 0.5, 0.7}});
}

OpeConfig with_gamma(double gamma) {
  OpeConfig config;
  config.gamma = gamma;
  return config;
}

TEST(SequentialEstimators, PdisWeightsEachRewardByTheDecisionsUpToIt) {
  // gamma = 0.5: A 2*1 + 0.5*1*1 = 2.5; B 0.5*1 = 0.5; C 1*0 + 0.5*3*1 = 1.5; mean 1.5.
  const EstimatorTerms terms = pdis_terms(three_sessions(), with_gamma(0.5));
  ASSERT_EQ(terms.declined, "");
  ASSERT_EQ(terms.units(), 3u);
  EXPECT_DOUBLE_EQ(terms.contribution[0], 2.5);
  EXPECT_DOUBLE_EQ(terms.contribution[1], 0.5);
  EXPECT_DOUBLE_EQ(terms.contribution[2], 1.5);
  EXPECT_DOUBLE_EQ(mean(terms.contribution), 1.5);
  EXPECT_EQ(terms.weights, (std::vector<double>{1.0, 0.5, 3.0}));  // final cumulative weights
  EXPECT_FALSE(terms.self_normalised());
  EXPECT_FALSE(terms.resampled_value);
}

TEST(SequentialEstimators, PdisWithoutDiscountSumsTheWeightedRewards) {
  // gamma = 1: A 2 + 1 = 3; B 0.5; C 0 + 3 = 3; mean 6.5 / 3.
  const EstimatorTerms terms = pdis_terms(three_sessions(), with_gamma(1.0));
  EXPECT_DOUBLE_EQ(mean(terms.contribution), 6.5 / 3.0);
}

TEST(SequentialEstimators, WpdisNormalisesEachStepAndKeepsEndedSessionsFinalWeight) {
  // D_0 = 2 + 0.5 + 1 = 3.5, N_0 = 2*1 + 0.5*1 + 1*0 = 2.5;
  // D_1 = 1 + 0.5 (B ended, final weight) + 3 = 4.5, N_1 = 1*1 + 3*1 = 4;
  // gamma 0.5: 2.5/3.5 + 0.5 * 4/4.5 = 5/7 + 4/9 = 73/63.
  const EstimatorTerms terms = wpdis_terms(three_sessions(), with_gamma(0.5));
  ASSERT_EQ(terms.declined, "");
  ASSERT_EQ(terms.units(), 3u);
  EXPECT_NEAR(terms.value, 73.0 / 63.0, 1e-15);
  // Shares n sum_t gamma^t w R / D_t: A 3 (2/3.5 + 0.5/4.5) = 129/63; B 3 (0.5/3.5) = 27/63;
  // C 3 (0.5 * 3/4.5) = 63/63; their mean is the estimate.
  EXPECT_NEAR(terms.contribution[0], 129.0 / 63.0, 1e-14);
  EXPECT_NEAR(terms.contribution[1], 27.0 / 63.0, 1e-14);
  EXPECT_NEAR(terms.contribution[2], 1.0, 1e-14);
  EXPECT_NEAR(mean(terms.contribution), terms.value, 1e-14);
  ASSERT_TRUE(terms.resampled_value);
  EXPECT_EQ(terms.resampled_value({1, 1, 1}), terms.value);
}

TEST(SequentialEstimators, SeqDrAddsTheModelAndSubtractsItsPredictionOfTheLoggedStep) {
  // sum_t gamma^t [w_t (R_t - Qhat_t) + w_{t-1} Vhat_t], gamma 0.5:
  //   A: 2 (1 - 0.5) + 0.6 = 1.6; + 0.5 [1 (1 - 0.4) + 2 * 0.2] = 0.5 -> 2.1
  //   B: 0.5 (1 - 0.5) + 0.3 = 0.55
  //   C: 1 (0 - 0.1) + 0.2 = 0.1; + 0.5 [3 (1 - 0.5) + 1 * 0.7] = 1.1 -> 1.2
  // mean (2.1 + 0.55 + 1.2) / 3 = 77/60.
  const EstimatorTerms terms = seq_dr_terms(three_sessions(), with_gamma(0.5));
  ASSERT_EQ(terms.declined, "");
  EXPECT_NEAR(terms.contribution[0], 2.1, 1e-15);
  EXPECT_NEAR(terms.contribution[1], 0.55, 1e-15);
  EXPECT_NEAR(terms.contribution[2], 1.2, 1e-15);
  EXPECT_NEAR(mean(terms.contribution), 77.0 / 60.0, 1e-15);
  EXPECT_EQ(terms.weights, (std::vector<double>{1.0, 0.5, 3.0}));
}

TEST(SequentialEstimators, WdrUsesPerStepNormalisedWeights) {
  // v_t = w_t / D_t with D_0 = 3.5, D_1 = 4.5, v_{-1} = 1/3; gamma 0.5:
  //   A: (2/3.5) 0.5 + (1/3) 0.6 = 51/105; + 0.5 [(1/4.5) 0.6 + (2/3.5) 0.2] = 13/105 -> 64/105
  //   B: (0.5/3.5) 0.5 + (1/3) 0.3 = 18/105
  //   C: (1/3.5)(-0.1) + (1/3) 0.2 = 4/105; + 0.5 [(3/4.5) 0.5 + (1/3.5) 0.7] = 28/105
  //      -> 32/105
  // WDR = 114/105 = 38/35.
  const EstimatorTerms terms = wdr_terms(three_sessions(), with_gamma(0.5));
  ASSERT_EQ(terms.declined, "");
  EXPECT_NEAR(terms.value, 38.0 / 35.0, 1e-15);
  EXPECT_NEAR(terms.contribution[0], 3.0 * 64.0 / 105.0, 1e-14);
  EXPECT_NEAR(terms.contribution[1], 3.0 * 18.0 / 105.0, 1e-14);
  EXPECT_NEAR(terms.contribution[2], 3.0 * 32.0 / 105.0, 1e-14);
  ASSERT_TRUE(terms.resampled_value);
  EXPECT_EQ(terms.resampled_value({1, 1, 1}), terms.value);
}

TEST(SequentialEstimators, ResampledValueEqualsTheEstimateOnTheResampledData) {
  // count (2, 0, 1): session A twice, B dropped, C once, against the data written out that way.
  const LoggedRounds data = three_sessions();
  const LoggedRounds drawn = rows_of({{10, 1.0, 0.5, 1.0, 0.5, 0.6},
                                      {10, 1.0, 0.5, 0.25, 0.4, 0.2},
                                      {11, 1.0, 0.5, 1.0, 0.5, 0.6},
                                      {11, 1.0, 0.5, 0.25, 0.4, 0.2},
                                      {30, 0.0, 0.5, 0.5, 0.1, 0.2},
                                      {30, 1.0, 0.3, 0.9, 0.5, 0.7}});
  OpeConfig config = with_gamma(0.7);
  config.magic_bootstrap = 0;
  const std::vector<std::uint32_t> count = {2, 0, 1};
  EXPECT_NEAR(wpdis_terms(data, config).resampled_value(count), wpdis_terms(drawn, config).value,
              1e-14);
  EXPECT_NEAR(wdr_terms(data, config).resampled_value(count), wdr_terms(drawn, config).value,
              1e-14);
  EXPECT_NEAR(magic_terms(data, config).resampled_value(count), magic_terms(drawn, config).value,
              1e-12);
}

TEST(SequentialEstimators, SlatesAreStepsWithSummedRewardsAndSlatePropensities) {
  // Session 1: slate 100 (rewards 1, 0; mu(s) 0.25, pi(s) 0.5: rho 2), slate 101 (rewards 1, 1;
  // 0.5, 0.25: rho 0.5), w (2, 1). Session 2: slate 200 (rewards 0, 1; 0.2, 0.1: rho 0.5).
  // gamma 0.9: 2 * 1 + 0.9 * 1 * 2 = 3.8 and 0.5 * 1; mean 2.15. The rows' own (slot)
  // propensities, 0.9 and 0.1, would give other numbers.
  LoggedRounds rounds;
  rounds.len_list = 2;
  rounds.session_id = {1, 1, 1, 1, 2, 2};
  rounds.slate_id = {100, 100, 101, 101, 200, 200};
  rounds.reward = {1, 0, 1, 1, 0, 1};
  rounds.position = {0, 1, 0, 1, 0, 1};
  rounds.pscore.assign(6, 0.9);
  rounds.target_pscore.assign(6, 0.1);
  rounds.slate_pscore = {0.25, 0.25, 0.5, 0.5, 0.2, 0.2};
  rounds.slate_target_pscore = {0.5, 0.5, 0.25, 0.25, 0.1, 0.1};
  // Step models sum the rows': Qhat (0.3, 0.5, 0.4), Vhat (0.4, 0.6, 0.2).
  rounds.q_logged = {0.1, 0.2, 0.25, 0.25, 0.4, 0.0};
  rounds.q_target = {0.3, 0.1, 0.5, 0.1, 0.1, 0.1};
  const EstimatorTerms pdis = pdis_terms(rounds, with_gamma(0.9));
  ASSERT_EQ(pdis.units(), 2u);
  EXPECT_NEAR(pdis.contribution[0], 3.8, 1e-15);
  EXPECT_NEAR(pdis.contribution[1], 0.5, 1e-15);
  // Seq-DR, session 1: 2 (1 - 0.3) + 0.4 = 1.8; + 0.9 [1 (2 - 0.5) + 2 * 0.6] = 2.43 -> 4.23;
  // session 2: 0.5 (1 - 0.4) + 0.2 = 0.5.
  const EstimatorTerms dr = seq_dr_terms(rounds, with_gamma(0.9));
  EXPECT_NEAR(dr.contribution[0], 4.23, 1e-14);
  EXPECT_NEAR(dr.contribution[1], 0.5, 1e-15);
}

TEST(SequentialEstimators, ASlateSpanningTwoSessionsIsADataErrorNamingTheRow) {
  LoggedRounds rounds;
  rounds.session_id = {1, 1, 2, 2};
  rounds.slate_id = {7, 8, 8, 9};
  rounds.reward = {0, 0, 0, 0};
  rounds.position = {0, 0, 1, 0};
  rounds.pscore.assign(4, 0.5);
  rounds.target_pscore.assign(4, 0.5);
  rounds.slate_pscore.assign(4, 0.5);
  rounds.slate_target_pscore.assign(4, 0.5);
  try {
    pdis_terms(rounds, OpeConfig{});
    FAIL() << "expected a DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("row 2"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("slate"), std::string::npos) << error.what();
  }
}

TEST(SequentialEstimators, ASessionThatReappearsIsADataError) {
  const LoggedRounds rounds =
      rows_of({{1, 0, 0.5, 0.5, 0, 0}, {2, 0, 0.5, 0.5, 0, 0}, {1, 0, 0.5, 0.5, 0, 0}});
  EXPECT_THROW(wpdis_terms(rounds, OpeConfig{}), DataError);
}

TEST(SequentialEstimators, ANonPositiveLoggingPropensityIsADataErrorNamingTheRow) {
  const LoggedRounds rounds = rows_of({{1, 0, 0.5, 0.5, 0, 0}, {1, 0, 0.0, 0.5, 0, 0}});
  try {
    pdis_terms(rounds, OpeConfig{});
    FAIL() << "expected a DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("pscore: row 1"), std::string::npos) << error.what();
  }
}

TEST(SequentialEstimators, DeclineWithoutSessionsOrWithoutARewardModel) {
  LoggedRounds no_sessions = three_sessions();
  no_sessions.session_id.clear();
  for (auto* terms_of : {&pdis_terms, &wpdis_terms, &seq_dr_terms, &wdr_terms, &magic_terms}) {
    const EstimatorTerms terms = terms_of(no_sessions, OpeConfig{});
    EXPECT_NE(terms.declined.find("session"), std::string::npos) << terms.declined;
    EXPECT_EQ(terms.units(), 0u);
  }
  LoggedRounds no_model = three_sessions();
  no_model.q_logged.clear();
  no_model.q_target.clear();
  EXPECT_EQ(pdis_terms(no_model, OpeConfig{}).declined, "");
  EXPECT_EQ(wpdis_terms(no_model, OpeConfig{}).declined, "");
  for (auto* terms_of : {&seq_dr_terms, &wdr_terms, &magic_terms}) {
    const EstimatorTerms terms = terms_of(no_model, OpeConfig{});
    EXPECT_NE(terms.declined.find("reward model"), std::string::npos) << terms.declined;
    EXPECT_EQ(terms.units(), 0u);
  }
  const LoggedRounds one_session = rows_of({{1, 1, 0.5, 0.5, 0.5, 0.5}});
  EXPECT_NE(magic_terms(one_session, OpeConfig{}).declined, "");
}

TEST(SequentialEstimators, DeclineSlotsOfASlateWithoutSlateIds) {
  // Two slots per slate, rows only: the rows are not decisions, so no estimator multiplies them.
  LoggedRounds rounds = three_sessions();
  rounds.len_list = 2;
  for (auto* terms_of : {&pdis_terms, &wpdis_terms, &seq_dr_terms, &wdr_terms, &magic_terms}) {
    const EstimatorTerms terms = terms_of(rounds, OpeConfig{});
    EXPECT_NE(terms.declined.find("2 slots per slate but no slates"), std::string::npos)
        << terms.declined;
    EXPECT_EQ(terms.units(), 0u);
  }
  // With slate ids and slate propensities the slates are the steps, and they run.
  rounds.slate_id = {1, 2, 3, 4, 5};
  rounds.slate_pscore = rounds.pscore;
  rounds.slate_target_pscore = rounds.target_pscore;
  EXPECT_EQ(pdis_terms(rounds, OpeConfig{}).declined, "");
}

TEST(SequentialEstimators, DeclineWhenAStepProbabilityIsUnknown) {
  // Slates whose probability the evaluation policy cannot say (NaN, e.g. a policy known only
  // by its slot marginals): every later weight of the session would be NaN, so each estimator
  // declines and names the column and the first such row instead of returning NaN.
  LoggedRounds rounds = three_sessions();
  rounds.slate_id = {1, 2, 3, 4, 5};
  rounds.slate_pscore = rounds.pscore;
  rounds.slate_target_pscore = rounds.target_pscore;
  rounds.slate_target_pscore[3] = std::nan("");
  for (auto* terms_of : {&pdis_terms, &wpdis_terms, &seq_dr_terms, &wdr_terms, &magic_terms}) {
    const EstimatorTerms terms = terms_of(rounds, OpeConfig{});
    EXPECT_NE(terms.declined.find("slate_target_pscore: row 3 is NaN"), std::string::npos)
        << terms.declined;
  }
}

// --- Unbiasedness by exact enumeration of a two-step problem. ---
// Step 0: action a0 in {0, 1}; reward ~ Bernoulli(p0[a0]). Step 1: action a1 in {0, 1} drawn
// given a0; reward ~ Bernoulli(p1[a0][a1]). Every trajectory (a0, r0, a1, r1) is enumerated
// with its probability under the logging policy mu, every dataset of two sessions too, and the
// expected estimate is compared with the target policy's true value.
struct TwoStepProblem {
  double mu0[2] = {0.3, 0.7};
  double pi0[2] = {0.6, 0.4};
  double mu1[2][2] = {{0.5, 0.5}, {0.2, 0.8}};  // [a0][a1]
  double pi1[2][2] = {{0.1, 0.9}, {0.7, 0.3}};
  double p0[2] = {0.9, 0.2};
  double p1[2][2] = {{0.3, 0.6}, {0.8, 0.1}};
  // A deliberately wrong reward model: DR must stay unbiased anyway.
  double q0[2] = {0.2, 0.7};
  double q1[2][2] = {{0.9, 0.1}, {0.4, 0.4}};

  double true_value(double gamma) const {
    double value = 0.0;
    for (int a0 = 0; a0 < 2; ++a0) {
      double next = 0.0;
      for (int a1 = 0; a1 < 2; ++a1) next += pi1[a0][a1] * p1[a0][a1];
      value += pi0[a0] * (p0[a0] + gamma * next);
    }
    return value;
  }

  struct Trajectory {
    double probability;
    std::vector<Step> steps;  // session id filled in later
  };

  std::vector<Trajectory> trajectories() const {
    std::vector<Trajectory> out;
    for (int a0 = 0; a0 < 2; ++a0) {
      for (int r0 = 0; r0 < 2; ++r0) {
        for (int a1 = 0; a1 < 2; ++a1) {
          for (int r1 = 0; r1 < 2; ++r1) {
            const double probability = mu0[a0] * (r0 ? p0[a0] : 1 - p0[a0]) * mu1[a0][a1] *
                                       (r1 ? p1[a0][a1] : 1 - p1[a0][a1]);
            const double v0 = pi0[0] * q0[0] + pi0[1] * q0[1];
            const double v1 = pi1[a0][0] * q1[a0][0] + pi1[a0][1] * q1[a0][1];
            out.push_back({probability,
                           {{0, double(r0), mu0[a0], pi0[a0], q0[a0], v0},
                            {0, double(r1), mu1[a0][a1], pi1[a0][a1], q1[a0][a1], v1}}});
          }
        }
      }
    }
    return out;
  }
};

double expected_estimate(EstimatorTerms (*terms_of)(const LoggedRounds&, const OpeConfig&),
                         double gamma) {
  const TwoStepProblem problem;
  const auto trajectories = problem.trajectories();
  double expectation = 0.0;
  double total_probability = 0.0;
  for (const auto& first : trajectories) {
    for (const auto& second : trajectories) {
      std::vector<Step> steps;
      for (Step step : first.steps) steps.push_back(step);
      for (Step step : second.steps) {
        step.session = 1;
        steps.push_back(step);
      }
      const EstimatorTerms terms = terms_of(rows_of(steps), with_gamma(gamma));
      expectation += first.probability * second.probability * mean(terms.contribution);
      total_probability += first.probability * second.probability;
    }
  }
  EXPECT_NEAR(total_probability, 1.0, 1e-14);
  return expectation;
}

TEST(SequentialEstimators, PdisIsUnbiasedByExactEnumeration) {
  const TwoStepProblem problem;
  for (const double gamma : {1.0, 0.8}) {
    EXPECT_NEAR(expected_estimate(&pdis_terms, gamma), problem.true_value(gamma), 1e-12);
  }
}

TEST(SequentialEstimators, SeqDrIsUnbiasedByExactEnumerationWithAWrongModel) {
  const TwoStepProblem problem;
  for (const double gamma : {1.0, 0.8}) {
    EXPECT_NEAR(expected_estimate(&seq_dr_terms, gamma), problem.true_value(gamma), 1e-12);
  }
}

TEST(SequentialEstimators, OnPolicyTheWeightedEstimatorsEqualTheUnweightedOnes) {
  // pi == mu (weights all 1), unequal lengths 3, 1, 2, gamma 0.9: PDIS is the mean discounted
  // return (1 + 0.9 * 0 + 0.81 * 1 = 1.81; 0.5; 0 + 0.9 * 1 = 0.9; mean 3.21 / 3 = 1.07).
  const LoggedRounds rounds = rows_of({{1, 1.0, 0.3, 0.3, 0.2, 0.4},
                                       {1, 0.0, 0.6, 0.6, 0.5, 0.1},
                                       {1, 1.0, 0.2, 0.2, 0.7, 0.3},
                                       {2, 0.5, 0.9, 0.9, 0.1, 0.2},
                                       {3, 0.0, 0.4, 0.4, 0.3, 0.6},
                                       {3, 1.0, 0.5, 0.5, 0.9, 0.8}});
  const OpeConfig config = with_gamma(0.9);
  const double pdis = mean(pdis_terms(rounds, config).contribution);
  EXPECT_NEAR(pdis, 1.07, 1e-15);
  EXPECT_NEAR(wpdis_terms(rounds, config).value, pdis, 1e-15);
  EXPECT_NEAR(wdr_terms(rounds, config).value, mean(seq_dr_terms(rounds, config).contribution),
              1e-15);
  EXPECT_NEAR(tmis_terms(rounds, config).value, pdis, 1e-15);
}

// --- Time-marginalised importance sampling. ---

TEST(SequentialEstimators, TmisReweightsOneStepAtATimeAndCarriesSurvivalForward) {
  // three_sessions(), gamma 0.5, step ratios A (2, 0.5), B (0.5), C (1, 3):
  //   t = 0: D = 3.5, weighted reward 2.5, weighted going on (A, C) 3: r = 5/7, q = 6/7;
  //   t = 1: D = 0.5 + 3 = 3.5, weighted reward 3.5: r = 1, S = 6/7;
  //   TMIS = 5/7 + 0.5 * 6/7 * 1 = 8/7.
  const EstimatorTerms terms = tmis_terms(three_sessions(), with_gamma(0.5));
  ASSERT_EQ(terms.declined, "");
  ASSERT_EQ(terms.units(), 3u);
  EXPECT_NEAR(terms.value, 8.0 / 7.0, 1e-15);
  // Shares n sum_t gamma^t S_t rho R / D_t with scale (2/7, 6/49): A 3 (4/7 + 3/49) = 93/49,
  // B 3 (1/7) = 21/49, C 3 (18/49) = 54/49; their mean is the estimate.
  EXPECT_NEAR(terms.contribution[0], 93.0 / 49.0, 1e-14);
  EXPECT_NEAR(terms.contribution[1], 21.0 / 49.0, 1e-14);
  EXPECT_NEAR(terms.contribution[2], 54.0 / 49.0, 1e-14);
  EXPECT_NEAR(mean(terms.contribution), terms.value, 1e-14);
  EXPECT_EQ(terms.weights, (std::vector<double>{1.25, 0.5, 2.0}));  // mean step ratios
  ASSERT_TRUE(terms.resampled_value);
  EXPECT_EQ(terms.resampled_value({1, 1, 1}), terms.value);
  // Session A twice, B never: t = 0: D = 5, reward 4, going on 5 (A, A, C); t = 1: D = 4,
  // reward 4: 4/5 + 0.5 * 1 * 1 = 1.3.
  EXPECT_NEAR(terms.resampled_value({2, 0, 1}), 1.3, 1e-15);
}

// Where the step index is all a policy changes about the state (each step's state is drawn
// afresh; the action decides the reward and whether the session goes on), TMIS is consistent
// for the session value: sessions under pi last longer, and the survival curve sees it.
TEST(SequentialEstimators, TmisFindsTheSessionValueOfAPolicyThatKeepsUsersLonger) {
  const double mu[2] = {0.5, 0.5}, pi[2] = {0.8, 0.2};
  const double reward[2] = {0.6, 0.3}, going_on[2] = {0.9, 0.6};
  const int horizon = 50;
  // Closed form: sum_{t < horizon} (E_pi going on)^t E_pi reward.
  const double stay = pi[0] * going_on[0] + pi[1] * going_on[1];
  const double earn = pi[0] * reward[0] + pi[1] * reward[1];
  const double truth = earn * (1 - std::pow(stay, horizon)) / (1 - stay);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int replicates = 20, sessions = 4000;
  std::vector<double> estimates;
  for (int r = 0; r < replicates; ++r) {
    std::vector<Step> steps;
    for (int s = 0; s < sessions; ++s) {
      for (int t = 0; t < horizon; ++t) {
        const int a = uniform(rng) < mu[0] ? 0 : 1;
        steps.push_back({s, uniform(rng) < reward[a] ? 1.0 : 0.0, mu[a], pi[a], 0.0, 0.0});
        if (uniform(rng) >= going_on[a]) break;
      }
    }
    estimates.push_back(tmis_terms(rows_of(steps, false), with_gamma(1.0)).value);
  }
  const double average = mean(estimates);
  double spread = 0.0;
  for (const double e : estimates) spread += (e - average) * (e - average);
  const double std_error = std::sqrt(spread / (replicates - 1) / replicates);
  // The logging policy is worth 0.45 / 0.25 = 1.8 per session; the target 3.37.
  EXPECT_NEAR(average, truth, 4 * std_error) << "std error " << std_error;
  EXPECT_LT(std_error, 0.05);
}

// --- MAGIC. ---

TEST(Magic, HorizonsAreAllUpToTheLongestSessionOrTwentySpreadEvenly) {
  EXPECT_EQ(magic_horizons(2), (std::vector<std::ptrdiff_t>{-1, 0, 1}));
  EXPECT_EQ(magic_horizons(19).size(), 20u);
  const std::vector<std::ptrdiff_t> spread = magic_horizons(100);
  ASSERT_EQ(spread.size(), kMagicMaxHorizons);
  EXPECT_EQ(spread.front(), -1);
  EXPECT_EQ(spread.back(), 99);
  for (std::size_t k = 1; k < spread.size(); ++k) EXPECT_GT(spread[k], spread[k - 1]);
}

TEST(Magic, PartialReturnsRunFromTheModelToWdr) {
  // three_sessions(), gamma 0.5 (WDR worked in WdrUsesPerStepNormalisedWeights):
  //   g^(-1) = (1/3) sum_s sum_t gamma^t Vhat: (0.6 + 0.1 + 0.3 + 0.2 + 0.35) / 3 = 1.55 / 3
  //   g^(0)  = the step-0 WDR terms (51 + 18 + 4)/105 plus v_0 times the discounted model after
  //            step 0: A (2/3.5) 0.5 * 0.2 = 6/105, C (1/3.5) 0.5 * 0.7 = 10.5/105 -> 89.5/105
  //   g^(1)  = WDR = 114/105
  const SessionSteps steps = session_steps(three_sessions());
  const MagicBlend blend = magic_blend(steps, 0.5, {1, 1, 1}, 0, 0.95, 0);
  ASSERT_EQ(blend.horizon, (std::vector<std::ptrdiff_t>{-1, 0, 1}));
  EXPECT_NEAR(blend.partial_return[0], 1.55 / 3.0, 1e-15);
  EXPECT_NEAR(blend.partial_return[1], 89.5 / 105.0, 1e-15);
  EXPECT_NEAR(blend.partial_return[2], 114.0 / 105.0, 1e-15);
  EXPECT_NEAR(blend.blend_weight.sum(), 1.0, 1e-12);
  EXPECT_GE(blend.blend_weight.minCoeff(), 0.0);
  EXPECT_NEAR(blend.value, blend.blend_weight.dot(blend.partial_return), 1e-15);
}

TEST(Magic, AModelInsideTheWdrIntervalTakesAllTheWeightWhenItHasNoVariance) {
  // On-policy, two one-step sessions, R (1, 0), Qhat 0, Vhat 0: shares of g^(-1) are (0, 0),
  // of g^(0) = WDR (0.5, 0); g = (0, 0.5). Omega = diag(0, 2 * (0.25^2 + 0.25^2)) = diag(0, 1/4).
  // Normal 95% interval 0.5 +- 1.96 * 0.5 contains 0: b = 0, so x = (1, 0) up to the QP's
  // 1e-10 ridge, and MAGIC = g^(-1) = 0.
  const LoggedRounds rounds = rows_of({{1, 1.0, 0.5, 0.5, 0.0, 0.0}, {2, 0.0, 0.5, 0.5, 0.0, 0.0}});
  const MagicBlend blend = magic_blend(session_steps(rounds), 1.0, {1, 1}, 0, 0.95, 0);
  EXPECT_NEAR(blend.covariance(0, 0), 0.0, 1e-15);
  EXPECT_NEAR(blend.covariance(1, 1), 0.25, 1e-15);
  EXPECT_NEAR(blend.covariance(0, 1), 0.0, 1e-15);
  EXPECT_EQ(blend.bias[0], 0.0);
  EXPECT_EQ(blend.bias[1], 0.0);
  EXPECT_NEAR(blend.blend_weight[0], 1.0, 1e-9);
  EXPECT_NEAR(blend.value, 0.0, 1e-9);
}

TEST(Magic, ABiasedModelIsBlendedByVarianceAndSquaredBias) {
  // On-policy, four one-step sessions, R (1, 1, 0, 0), Qhat = Vhat = 0: g^(-1) = 0 with no
  // variance; g^(0) = WDR = 0.5 with shares (1/4, 1/4, 0, 0), Omega(1,1) = 4/3 * 4 * (1/8)^2
  // = 1/12. Normal interval at confidence 0.5: 0.5 +- z sqrt(1/12), z = Phi^-1(0.75); the
  // model's bias b = 0.5 - z sqrt(1/12). With Omega + b b^T = diag(b^2, 1/12) the simplex
  // optimum is x = (1/12, b^2) / (1/12 + b^2), so MAGIC = 0.5 b^2 / (1/12 + b^2).
  const LoggedRounds rounds = rows_of({{1, 1.0, 0.5, 0.5, 0.0, 0.0},
                                       {2, 1.0, 0.5, 0.5, 0.0, 0.0},
                                       {3, 0.0, 0.5, 0.5, 0.0, 0.0},
                                       {4, 0.0, 0.5, 0.5, 0.0, 0.0}});
  const double z = 0.6744897501960817;
  const double b = 0.5 - z * std::sqrt(1.0 / 12.0);
  const MagicBlend blend = magic_blend(session_steps(rounds), 1.0, {1, 1, 1, 1}, 0, 0.5, 0);
  EXPECT_NEAR(blend.covariance(1, 1), 1.0 / 12.0, 1e-15);
  EXPECT_NEAR(blend.interval_low, 0.5 - z * std::sqrt(1.0 / 12.0), 1e-12);
  EXPECT_NEAR(blend.bias[0], b, 1e-12);
  EXPECT_NEAR(blend.bias[1], 0.0, 1e-15);
  EXPECT_NEAR(blend.value, 0.5 * b * b / (1.0 / 12.0 + b * b), 1e-9);

  OpeConfig config = with_gamma(1.0);
  config.confidence = 0.5;
  config.magic_bootstrap = 0;
  const EstimatorTerms terms = magic_terms(rounds, config);
  EXPECT_NEAR(terms.value, blend.value, 1e-15);
  EXPECT_NEAR(mean(terms.contribution), terms.value, 1e-14);
  EXPECT_EQ(terms.resampled_value({1, 1, 1, 1}), terms.value);
}

TEST(Magic, TheBootstrapIntervalIsSeededAndTheEstimateStaysInsideTheReturnsRange) {
  OpeConfig config = with_gamma(0.5);
  config.magic_bootstrap = 200;
  config.bootstrap_seed = 42;
  const EstimatorTerms first = magic_terms(three_sessions(), config);
  const EstimatorTerms again = magic_terms(three_sessions(), config);
  ASSERT_EQ(first.declined, "");
  EXPECT_EQ(first.value, again.value);
  const MagicBlend blend =
      magic_blend(session_steps(three_sessions()), 0.5, {1, 1, 1}, 200, 0.95, 42);
  EXPECT_EQ(blend.value, first.value);
  EXPECT_LE(blend.interval_low, blend.interval_high);
  EXPECT_GE(first.value, blend.partial_return.minCoeff() - 1e-12);
  EXPECT_LE(first.value, blend.partial_return.maxCoeff() + 1e-12);
}

TEST(Magic, LongSessionsBlendTwentyReturnsFromTheModelToWdr) {
  // Lengths 25, 3 and 30 (horizons spread over -1..29): the first return is the direct method
  // along the logged sessions, the last is WDR, whatever lies between.
  std::vector<Step> rows;
  double direct_method = 0.0;
  const double gamma = 0.95;
  const std::size_t lengths[3] = {25, 3, 30};
  for (std::int64_t s = 0; s < 3; ++s) {
    double discount = 1.0;
    for (std::size_t t = 0; t < lengths[s]; ++t) {
      const double u = static_cast<double>((7 * t + 3 * static_cast<std::size_t>(s)) % 10);
      const double q_target = 0.05 * u;
      rows.push_back({s, u > 4 ? 1.0 : 0.0, 0.2 + 0.05 * u, 0.5 - 0.03 * u, 0.1 * u, q_target});
      direct_method += discount * q_target / 3.0;
      discount *= gamma;
    }
  }
  const LoggedRounds rounds = rows_of(rows);
  const MagicBlend blend = magic_blend(session_steps(rounds), gamma, {1, 1, 1}, 0, 0.95, 0);
  ASSERT_EQ(blend.horizon.size(), kMagicMaxHorizons);
  EXPECT_EQ(blend.horizon.back(), 29);
  EXPECT_NEAR(blend.partial_return[0], direct_method, 1e-12);
  OpeConfig config = with_gamma(gamma);
  EXPECT_NEAR(blend.partial_return[blend.partial_return.size() - 1],
              wdr_terms(rounds, config).value, 1e-12);
  config.magic_bootstrap = 0;
  const EstimatorTerms terms = magic_terms(rounds, config);
  EXPECT_NEAR(terms.value, blend.value, 1e-12);
  EXPECT_GE(terms.value, blend.partial_return.minCoeff() - 1e-12);
  EXPECT_LE(terms.value, blend.partial_return.maxCoeff() + 1e-12);
}

// --- The simplex QP. ---

TEST(SimplexQp, DiagonalGivesInverseDiagonalWeights) {
  Eigen::MatrixXd m(2, 2);
  m << 1, 0, 0, 3;  // x proportional to (1, 1/3): (0.75, 0.25)
  const Eigen::VectorXd x = minimise_on_simplex(m);
  EXPECT_NEAR(x[0], 0.75, 1e-9);
  EXPECT_NEAR(x[1], 0.25, 1e-9);
}

TEST(SimplexQp, AnOptimumOutsideTheSimplexLandsOnAVertex) {
  // f(x1, 1 - x1) = 2 x1^2 - 6 x1 + 5 is least at x1 = 1.5 > 1: the optimum is (1, 0).
  Eigen::MatrixXd m(2, 2);
  m << 1, 2, 2, 5;
  const Eigen::VectorXd x = minimise_on_simplex(m);
  EXPECT_NEAR(x[0], 1.0, 1e-9);
  EXPECT_NEAR(x[1], 0.0, 1e-9);
}

TEST(SimplexQp, AnOptimumOnAnEdgeOfTheTriangle) {
  // On x3 = 0, x = (1/2, 1/2, 0): M x = (1, 1, 2), gradient 2 M x = (2, 2, 4) against the
  // multiplier 2 x^T M x = 2: x3 entering would raise the objective (KKT hold).
  Eigen::MatrixXd m(3, 3);
  m << 2, 0, 2, 0, 2, 2, 2, 2, 5;
  const Eigen::VectorXd x = minimise_on_simplex(m);
  EXPECT_NEAR(x[0], 0.5, 1e-9);
  EXPECT_NEAR(x[1], 0.5, 1e-9);
  EXPECT_NEAR(x[2], 0.0, 1e-9);
}

TEST(SimplexQp, DiagonalPlusRankOneBias) {
  // Omega = I, b = (0, 0, 3): M = diag(1, 1, 10), x = (1, 1, 0.1) / 2.1.
  Eigen::MatrixXd m = Eigen::MatrixXd::Identity(3, 3);
  Eigen::Vector3d b(0, 0, 3);
  m += b * b.transpose();
  const Eigen::VectorXd x = minimise_on_simplex(m);
  EXPECT_NEAR(x[0], 1.0 / 2.1, 1e-9);
  EXPECT_NEAR(x[1], 1.0 / 2.1, 1e-9);
  EXPECT_NEAR(x[2], 0.1 / 2.1, 1e-9);
}

TEST(SimplexQp, ASingularMatrixStillGivesAMinimiser) {
  // M = b b^T with b = (0, 1, 2): x^T M x = (x2 + 2 x3)^2, least (0) at the vertex (1, 0, 0).
  Eigen::Vector3d b(0, 1, 2);
  const Eigen::VectorXd x = minimise_on_simplex(b * b.transpose());
  EXPECT_NEAR(x[0], 1.0, 1e-8);
  EXPECT_NEAR(x.dot(b), 0.0, 1e-8);
}

TEST(SimplexQp, NoGridPointOfTheTriangleDoesBetter) {
  // Random PSD matrices A A^T (fixed entries); the grid of step 1/400 must not beat the
  // solver's objective by more than rounding.
  const double entries[3][9] = {{0.3, -1.2, 0.8, 2.0, 0.1, -0.5, 0.7, 0.9, -1.1},
                                {1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.2, -0.3, 0.1},
                                {-0.4, 0.6, 1.5, 0.2, -2.0, 0.3, 1.1, 0.5, 0.4}};
  for (const auto& e : entries) {
    Eigen::Matrix3d a;
    a << e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8];
    const Eigen::MatrixXd m = a * a.transpose();
    const Eigen::VectorXd x = minimise_on_simplex(m);
    EXPECT_NEAR(x.sum(), 1.0, 1e-12);
    EXPECT_GE(x.minCoeff(), 0.0);
    const double found = x.dot(m * x);
    const int grid = 400;
    for (int i = 0; i <= grid; ++i) {
      for (int j = 0; i + j <= grid; ++j) {
        Eigen::Vector3d y(i, j, grid - i - j);
        y /= grid;
        ASSERT_LE(found, y.dot(m * y) + 1e-9 * (1.0 + m.trace()));
      }
    }
  }
}

}  // namespace
}  // namespace shoprl
