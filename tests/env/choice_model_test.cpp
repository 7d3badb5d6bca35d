// Tests the choice models (src/env/choice_model.h): click probabilities against the closed
// forms of the header comment, written out here independently of the implementation, on
// cases small enough to check by hand; that single-click models leave exactly the no-click
// mass; and that draw_clicks hits the probabilities it is given.
#include "env/choice_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "env/random_stream.h"
#include "env/statistics.h"

namespace shoprl {
namespace {

using testing::binomial_std_error;
using testing::kSigmas;

ChoiceParams params(const std::string& model, double no_click_utility, double position_bias,
                    double continuation, double pbm_exponent, int slots) {
  ChoiceConfig config;
  config.model = model;
  config.no_click_utility = no_click_utility;
  config.position_bias = position_bias;
  config.cascade_continuation = continuation;
  config.pbm_exponent = pbm_exponent;
  return ChoiceParams(config, slots);
}

std::vector<double> probabilities(const ChoiceParams& p, const std::vector<double>& utility) {
  std::vector<double> out(utility.size(), -1.0);
  click_probabilities(p, utility.data(), static_cast<int>(utility.size()), out.data());
  return out;
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// --- Closed forms on hand-sized cases --------------------------------------------------------

TEST(ChoiceModelMnl, MatchesHandComputedCases) {
  // No bias, everything at the no-click utility: three equal alternatives.
  auto p = probabilities(params("mnl", 0, 0, 1, 1, 2), {0.0, 0.0});
  EXPECT_NEAR(p[0], 1.0 / 3, 1e-15);
  EXPECT_NEAR(p[1], 1.0 / 3, 1e-15);
  // Bias 1 divides slot k's weight by (1 + k): utilities ln(1 + k) cancel it exactly, so the
  // three slots and no-click weigh one each.
  p = probabilities(params("mnl", 0, 1.0, 1, 1, 3), {0.0, std::log(2.0), std::log(3.0)});
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(p[k], 0.25, 1e-15) << k;
}

TEST(ChoiceModelMnl, MatchesTheClosedFormWithPositionBias) {
  // P(k) = e^{x_k} (1 + k)^{-bias} / (e^{x0} + sum_j e^{x_j} (1 + j)^{-bias}).
  const double bias = 0.7, x0 = 0.8;
  const std::vector<double> x{0.5, -0.3, 1.2};
  for (int slots = 2; slots <= 3; ++slots) {
    const std::vector<double> shown(x.begin(), x.begin() + slots);
    const auto p = probabilities(params("mnl", x0, bias, 1, 1, slots), shown);
    double denominator = std::exp(x0);
    for (int j = 0; j < slots; ++j) denominator += std::exp(x[j]) * std::pow(1.0 + j, -bias);
    for (int k = 0; k < slots; ++k)
      EXPECT_NEAR(p[k], std::exp(x[k]) * std::pow(1.0 + k, -bias) / denominator, 1e-14)
          << "K=" << slots << " slot " << k;
  }
}

TEST(ChoiceModelCascade, MatchesHandComputedCases) {
  // Attraction 1/2 everywhere, continuation 1/2: 1/2, then 1/2 * 1/4, then 1/2 * 1/16.
  auto p = probabilities(params("cascade", 1.5, 0, 0.5, 1, 3), {1.5, 1.5, 1.5});
  EXPECT_NEAR(p[0], 0.5, 1e-15);
  EXPECT_NEAR(p[1], 0.125, 1e-15);
  EXPECT_NEAR(p[2], 1.0 / 32, 1e-15);
  // Attractions 1/4 and 3/4 (utilities x0 -+ ln 3), no attention decay: 1/4, 3/4 * 3/4.
  p = probabilities(params("cascade", 0.2, 0, 1.0, 1, 2),
                    {0.2 - std::log(3.0), 0.2 + std::log(3.0)});
  EXPECT_NEAR(p[0], 0.25, 1e-15);
  EXPECT_NEAR(p[1], 9.0 / 16, 1e-15);
}

TEST(ChoiceModelCascade, MatchesTheClosedForm) {
  // P(k) = a_k c^k prod_{j<k} (1 - a_j), a_k = 1 / (1 + e^{x0 - x_k}).
  const double x0 = -0.4, c = 0.85;
  const std::vector<double> x{0.5, -1.3, 1.2};
  for (int slots = 2; slots <= 3; ++slots) {
    const std::vector<double> shown(x.begin(), x.begin() + slots);
    const auto p = probabilities(params("cascade", x0, 0.7, c, 1, slots), shown);
    for (int k = 0; k < slots; ++k) {
      double expected = std::pow(c, k) / (1 + std::exp(x0 - x[k]));
      for (int j = 0; j < k; ++j) expected *= 1 - 1 / (1 + std::exp(x0 - x[j]));
      EXPECT_NEAR(p[k], expected, 1e-14) << "K=" << slots << " slot " << k;
    }
  }
}

TEST(ChoiceModelPbm, MatchesHandComputedCases) {
  // Attraction 1/2, exponent 1: examination 1, 1/2, 1/3.
  auto p = probabilities(params("pbm", 2.0, 0, 1, 1.0, 3), {2.0, 2.0, 2.0});
  EXPECT_NEAR(p[0], 0.5, 1e-15);
  EXPECT_NEAR(p[1], 0.25, 1e-15);
  EXPECT_NEAR(p[2], 1.0 / 6, 1e-15);
  // Attraction 3/4, exponent 2: examination 1, 1/4, 1/9.
  const double x = std::log(3.0);
  p = probabilities(params("pbm", 0.0, 0, 1, 2.0, 3), {x, x, x});
  EXPECT_NEAR(p[0], 0.75, 1e-15);
  EXPECT_NEAR(p[1], 0.75 / 4, 1e-15);
  EXPECT_NEAR(p[2], 0.75 / 9, 1e-15);
}

TEST(ChoiceModelPbm, MatchesTheClosedForm) {
  // P(k) = (1 + k)^{-exponent} / (1 + e^{x0 - x_k}), independent of the other slots.
  const double x0 = 1.1, exponent = 0.6;
  const std::vector<double> x{0.5, -1.3, 2.2};
  for (int slots = 2; slots <= 3; ++slots) {
    const std::vector<double> shown(x.begin(), x.begin() + slots);
    const auto p = probabilities(params("pbm", x0, 0.7, 0.5, exponent, slots), shown);
    for (int k = 0; k < slots; ++k)
      EXPECT_NEAR(p[k], std::pow(1.0 + k, -exponent) / (1 + std::exp(x0 - x[k])), 1e-14)
          << "K=" << slots << " slot " << k;
  }
}

// --- Single-click models: the slots and no-click make up one distribution -----------------

// P(no click) written independently of click_probabilities: mnl's no-click share; for the
// cascade, the user stops after an unattractive slot k < K - 1 (prob. 1 - c) or reads all K.
double no_click_probability(const std::string& model, double x0, double bias, double c,
                            const std::vector<double>& x) {
  const int slots = static_cast<int>(x.size());
  if (model == "mnl") {
    double denominator = std::exp(x0);
    for (int j = 0; j < slots; ++j) denominator += std::exp(x[j]) * std::pow(1.0 + j, -bias);
    return std::exp(x0) / denominator;
  }
  double none = 0, reach = 1;  // reach: P(reads slot k with no click so far)
  for (int k = 0; k < slots; ++k) {
    const double unattractive = 1 - logistic(x[k] - x0);
    none += reach * unattractive * (k + 1 < slots ? 1 - c : 1.0);
    reach *= unattractive * c;
  }
  return none;
}

TEST(ChoiceModel, SingleClickModelsSumToOneWithNoClick) {
  RandomStream rng(11);
  for (const std::string model : {"mnl", "cascade"}) {
    for (int trial = 0; trial < 300; ++trial) {
      const int slots = 1 + static_cast<int>(rng.index(kMaxSlateSize));
      const double x0 = 8 * rng.uniform() - 4;
      const double bias = 2 * rng.uniform();
      const double c = rng.uniform();
      std::vector<double> x(slots);
      for (double& u : x) u = 30 * rng.uniform() - 15;  // far into both tails
      const auto p = probabilities(params(model, x0, bias, c, 1, slots), x);
      double sum = no_click_probability(model, x0, bias, c, x);
      for (int k = 0; k < slots; ++k) {
        EXPECT_GE(p[k], 0.0) << model << " slot " << k;
        EXPECT_LE(p[k], 1.0) << model << " slot " << k;
        sum += p[k];
      }
      EXPECT_NEAR(sum, 1.0, 1e-12) << model << " K=" << slots;
    }
  }
}

TEST(ChoiceModelPbm, ProbabilitiesAreProbabilities) {
  RandomStream rng(12);
  for (int trial = 0; trial < 300; ++trial) {
    const int slots = 1 + static_cast<int>(rng.index(kMaxSlateSize));
    std::vector<double> x(slots);
    for (double& u : x) u = 30 * rng.uniform() - 15;
    const auto p = probabilities(params("pbm", 0.3, 0, 1, 3 * rng.uniform(), slots), x);
    for (int k = 0; k < slots; ++k) {
      EXPECT_GE(p[k], 0.0);
      EXPECT_LE(p[k], 1.0);
    }
  }
}

// --- Draws ---------------------------------------------------------------------------------

// 200,000 draws: a frequency's standard error is at most 0.0011. Each cell is checked at
// 4.5 sigma (false failure ≈ 6.8e-6 per cell, under 1e-4 for the whole test).
constexpr std::int64_t kDraws = 200000;

TEST(ChoiceModel, SingleClickDrawsHitTheProbabilities) {
  const std::vector<double> x{0.5, -0.3, 1.2};
  for (const std::string model : {"mnl", "cascade"}) {
    const ChoiceParams p = params(model, 0.8, 0.7, 0.85, 1, 3);
    const auto probability = probabilities(p, x);
    RandomStream rng(21);
    std::vector<std::int64_t> count(4, 0);  // slots 0..2, then no click
    for (std::int64_t n = 0; n < kDraws; ++n) {
      const std::uint32_t mask = draw_clicks(p, probability.data(), 3, rng);
      ASSERT_LE(__builtin_popcount(mask), 1) << model << ": more than one click";
      ASSERT_EQ(mask >> 3, 0u) << model << ": a click outside the slate";
      ++count[mask ? __builtin_ctz(mask) : 3];
    }
    const double none = 1 - probability[0] - probability[1] - probability[2];
    for (int cell = 0; cell < 4; ++cell) {
      const double expected = cell < 3 ? probability[cell] : none;
      EXPECT_NEAR(static_cast<double>(count[cell]) / kDraws, expected,
                  kSigmas * binomial_std_error(expected, kDraws))
          << model << " cell " << cell;
    }
  }
}

TEST(ChoiceModelPbm, DrawsAreIndependentClicksWithTheGivenMarginals) {
  const ChoiceParams p = params("pbm", 0.3, 0, 1, 1.0, 3);
  const auto probability = probabilities(p, {0.5, -0.3, 1.2});
  RandomStream rng(22);
  std::int64_t marginal[3] = {0, 0, 0}, both01 = 0, both12 = 0, none = 0, several = 0;
  for (std::int64_t n = 0; n < kDraws; ++n) {
    const std::uint32_t mask = draw_clicks(p, probability.data(), 3, rng);
    ASSERT_EQ(mask >> 3, 0u) << "a click outside the slate";
    for (int k = 0; k < 3; ++k) marginal[k] += (mask >> k) & 1u;
    both01 += (mask & 3u) == 3u;
    both12 += (mask & 6u) == 6u;
    none += mask == 0;
    several += __builtin_popcount(mask) > 1;
  }
  auto expect_rate = [](std::int64_t count, double expected, const char* what) {
    EXPECT_NEAR(static_cast<double>(count) / kDraws, expected,
                kSigmas * binomial_std_error(expected, kDraws))
        << what;
  };
  expect_rate(marginal[0], probability[0], "slot 0");
  expect_rate(marginal[1], probability[1], "slot 1");
  expect_rate(marginal[2], probability[2], "slot 2");
  // Independence: joint rates are products of the marginals.
  expect_rate(both01, probability[0] * probability[1], "slots 0 and 1");
  expect_rate(both12, probability[1] * probability[2], "slots 1 and 2");
  expect_rate(none, (1 - probability[0]) * (1 - probability[1]) * (1 - probability[2]), "no click");
  EXPECT_GT(several, 0) << "pbm never clicked twice";
}

// --- Configuration ---------------------------------------------------------------------------

TEST(ChoiceModel, ParsesTheThreeModelsAndRejectsOthers) {
  EXPECT_EQ(parse_choice_model("mnl"), ChoiceModel::kMnl);
  EXPECT_EQ(parse_choice_model("cascade"), ChoiceModel::kCascade);
  EXPECT_EQ(parse_choice_model("pbm"), ChoiceModel::kPbm);
  for (const std::string bad : {"MNL", "logit", "", "pbm "}) {
    try {
      parse_choice_model(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find("world.choice.model"), std::string::npos);
      EXPECT_NE(std::string(error.what()).find("'" + bad + "'"), std::string::npos);
    }
  }
}

TEST(ChoiceModel, ParamsRejectSlatesOutsideTheClickMask) {
  ChoiceConfig config;
  EXPECT_THROW(ChoiceParams(config, 0), ConfigError);
  EXPECT_THROW(ChoiceParams(config, kMaxSlateSize + 1), ConfigError);
  EXPECT_NO_THROW(ChoiceParams(config, kMaxSlateSize));
  config.model = "probit";
  EXPECT_THROW(ChoiceParams(config, 3), ConfigError);
}

}  // namespace
}  // namespace shoprl
