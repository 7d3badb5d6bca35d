// Tests the response calibration (src/sim/response_calibration.cpp): on impressions drawn
// from a position-biased MNL with known parameters over a hand-set model's log-probabilities,
// the fit recovers the no-click utility, the position bias, the preference scale, the organic
// rate and the quiet leave within their standard errors, and reads only its split; without
// impressions (or with calibration: config) the config's values come back.
#include "sim/response_calibration.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "data/event_type.h"
#include "env/random_stream.h"
#include "env/statistics.h"
#include "sim/tiny_simulator.h"
#include "testing/event_codes.h"

namespace shoprl {
namespace {

using testing::kPurchaseCode;

using testing::kClickCode;

using testing::binomial_std_error;
using testing::constant_model;
using testing::kSigmas;
using testing::log_softmax;

constexpr int kSlate = 3;
constexpr std::int64_t kCalibrationItems = 12;
const std::vector<double> kBias = {0.4, -0.2, 1.0, 0.0, -0.8, 0.6, 0.1, -0.5, 0.3, -1.2, 0.7, 0.2};
constexpr double kNoClick = -1.5;
const double kPositionBias[kSlate] = {0.0, 0.5, 1.1};
constexpr double kPreferenceScale = 0.7;  // weight = p^0.7 e^-bias: a flatter preference than p
constexpr double kOrganic = 0.4;
constexpr double kQuietLeave = 0.3;
constexpr double kEventLeave = 0.2;

// What the generator knows, to compare the fit with.
struct Truth {
  // Fisher information of (u0, b_1..b_{K-1}, alpha) over the train slates.
  Eigen::MatrixXd information = Eigen::MatrixXd::Zero(kSlate + 1, kSlate + 1);
  std::int64_t train_slates = 0;
  std::int64_t no_click = 0;  // train slates without a click
  std::int64_t quiet = 0;     // train slates with no event
};

// Sessions laid out as synthetic logs are: an entry click, then slates at t, 2t, ...; a
// slate's events a millisecond apart after it. Train sessions follow the MNL above; valid
// sessions always click slot 2, which would ruin the fit if it read them. With `slates` > 0
// every session has exactly that many slates.
SessionStore make_store(std::int64_t sessions, Truth& truth, int slates = 0) {
  SessionStore store;
  for (std::int64_t i = 0; i < kCalibrationItems; ++i)
    store.item_raw_id.push_back("i" + std::to_string(i));
  const std::vector<double> log_p = log_softmax(kBias);
  RandomStream rng(77);
  std::int64_t slate_id = 0;
  auto event = [&](std::int32_t item, std::int8_t type, std::int64_t time) {
    store.event_item.push_back(item);
    store.event_type.push_back(type);
    store.event_time_ms.push_back(time);
  };
  for (std::int64_t s = 0; s < sessions; ++s) {
    const bool train = s % 5 != 0;
    store.session_raw_id.push_back("s" + std::to_string(s));
    store.session_split.push_back(static_cast<std::int8_t>(train ? Split::kTrain : Split::kValid));
    const std::int64_t start = 1000000 * s;
    event(static_cast<std::int32_t>(rng.index(kCalibrationItems)), kClickCode, start);
    for (std::int64_t step = 1;; ++step) {
      const std::int64_t t = start + 1000 * step;
      std::int32_t slate[kSlate];
      for (int k = 0; k < kSlate; ++k) {
        bool repeated = true;
        while (repeated) {
          slate[k] = static_cast<std::int32_t>(rng.index(kCalibrationItems));
          repeated = false;
          for (int j = 0; j < k; ++j) repeated |= slate[j] == slate[k];
        }
      }
      double w[kSlate + 1];
      w[kSlate] = std::exp(kNoClick);
      double total = w[kSlate];
      for (int k = 0; k < kSlate; ++k)
        total += w[k] = std::exp(kPreferenceScale * log_p[slate[k]] - kPositionBias[k]);
      int choice = kSlate;
      if (train) {
        double u = rng.uniform() * total;
        for (int k = 0; k <= kSlate; ++k) {
          if (u < w[k]) {
            choice = k;
            break;
          }
          u -= w[k];
        }
        // Fisher information of this slate: Cov_p of the option features (no click: e_0;
        // the item at slot k: -e_k for k >= 1, and log p at alpha).
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(kSlate + 1);
        Eigen::MatrixXd second = Eigen::MatrixXd::Zero(kSlate + 1, kSlate + 1);
        for (int o = 0; o <= kSlate; ++o) {
          Eigen::VectorXd x = Eigen::VectorXd::Zero(kSlate + 1);
          if (o == kSlate) x(0) = 1;
          if (o > 0 && o < kSlate) x(o) = -1;
          if (o < kSlate) x(kSlate) = log_p[slate[o]];
          mean += w[o] / total * x;
          second += w[o] / total * x * x.transpose();
        }
        truth.information += second - mean * mean.transpose();
        ++truth.train_slates;
      } else {
        choice = 2;
      }
      bool any_event = false;
      for (int k = 0; k < kSlate; ++k) {
        store.impressions.session.push_back(s);
        store.impressions.slate.push_back(slate_id);
        store.impressions.item.push_back(slate[k]);
        store.impressions.position.push_back(static_cast<std::int16_t>(k));
        store.impressions.reward.push_back(k == choice ? 0.2f : 0.0f);
        store.impressions.propensity.push_back(1.0 / kCalibrationItems);
        store.impressions.time_ms.push_back(t);
        store.impressions.click.push_back(k == choice);
        store.impressions.purchase.push_back(0);
      }
      ++slate_id;
      if (choice < kSlate) {
        event(slate[choice], kClickCode, t + 1);
        if (rng.uniform() < 0.3) event(slate[choice], kPurchaseCode, t + 2);
        any_event = true;
      } else {
        truth.no_click += train;
        if (rng.uniform() < kOrganic) {
          event(static_cast<std::int32_t>(rng.index(kCalibrationItems)), kClickCode, t + 1);
          any_event = true;
        }
      }
      truth.quiet += train && !any_event;
      if (slates > 0 ? step == slates : rng.uniform() < (any_event ? kEventLeave : kQuietLeave))
        break;
    }
    store.session_offsets.push_back(static_cast<std::int64_t>(store.event_item.size()));
  }
  return store;
}

TEST(ResponseCalibration, RecoversAKnownPositionBiasedMnl) {
  Truth truth;
  const SessionStore store = make_store(2500, truth);
  ASSERT_TRUE(store_supports_calibration(store));
  std::vector<UserModel> members = {constant_model(kBias)};
  ResponseConfig config;  // start values: no_click_utility -3, position_bias 0.3 ln(1 + k)
  const ResponseCalibration c =
      calibrate_response(store, Split::kTrain, members, config, kSlate, "cpu");
  EXPECT_EQ(c.source, "impressions");
  EXPECT_EQ(c.slates_used, truth.train_slates);
  ASSERT_EQ(c.position_bias.size(), static_cast<std::size_t>(kSlate));
  EXPECT_EQ(c.position_bias[0], 0.0);

  // Standard errors from the Fisher information at the true parameters (the MLE is
  // asymptotically normal with covariance I^-1); kSigmas of them per parameter.
  const Eigen::MatrixXd covariance = truth.information.inverse();
  EXPECT_NEAR(c.no_click_utility, kNoClick, kSigmas * std::sqrt(covariance(0, 0)));
  for (int k = 1; k < kSlate; ++k)
    EXPECT_NEAR(c.position_bias[k], kPositionBias[k], kSigmas * std::sqrt(covariance(k, k)))
        << "slot " << k;
  EXPECT_NEAR(c.preference_scale, kPreferenceScale,
              kSigmas * std::sqrt(covariance(kSlate, kSlate)));
  // Not the 1 a fit without the scale would have assumed.
  EXPECT_GT(std::abs(c.preference_scale - 1.0), kSigmas * std::sqrt(covariance(kSlate, kSlate)));
  EXPECT_NEAR(c.organic_rate, kOrganic, kSigmas * binomial_std_error(kOrganic, truth.no_click));
  EXPECT_NEAR(c.quiet_leave, kQuietLeave, kSigmas * binomial_std_error(kQuietLeave, truth.quiet));
  EXPECT_LT(c.log_likelihood, 0.0);

  // The leave hazard, on every train slate but the last of the longest sessions (taken as cut).
  ASSERT_TRUE(c.leave.fitted());
  EXPECT_EQ(c.leave.steps_used + c.leave.censored, truth.train_slates);
  EXPECT_GT(c.leave.censored, 0);
  // These users leave more after a slate without a click (0.3 when quiet, 0.2 after an organic
  // click) than after a click (0.2): the last slate's miss count raises the hazard.
  std::vector<double> after_click(c.leave.state_size()), after_miss(c.leave.state_size());
  c.leave.reset(after_click.data());
  c.leave.reset(after_miss.data());
  c.leave.advance(after_click.data(), true, false);
  c.leave.advance(after_miss.data(), false, false);
  EXPECT_GT(c.leave.leave_probability(after_miss.data()),
            c.leave.leave_probability(after_click.data()));

  config.leave = "end_head";
  EXPECT_FALSE(
      calibrate_response(store, Split::kTrain, members, config, kSlate, "cpu").leave.fitted());
}

// The maximum of the likelihood is at least the likelihood at the true parameters: checked
// with an independent evaluation of the per-slate log-likelihood at both.
TEST(ResponseCalibration, FitIsAtLeastAsLikelyAsTheTruth) {
  Truth truth;
  const SessionStore store = make_store(800, truth);
  std::vector<UserModel> members = {constant_model(kBias)};
  const ResponseCalibration c =
      calibrate_response(store, Split::kTrain, members, ResponseConfig{}, kSlate, "cpu");
  const std::vector<double> log_p = log_softmax(kBias);
  auto log_likelihood = [&](double u0, const double* b, double alpha) {
    double total = 0;
    std::int64_t slates = 0;
    const StoreImpressions& m = store.impressions;
    for (std::size_t r = 0; r < m.size(); r += kSlate) {
      if (store.session_split[m.session[r]] != static_cast<std::int8_t>(Split::kTrain)) continue;
      double z = std::exp(u0);
      double chosen = u0;
      for (int k = 0; k < kSlate; ++k) {
        const double logit = alpha * log_p[m.item[r + k]] - b[k];
        z += std::exp(logit);
        if (m.click[r + k]) chosen = logit;
      }
      total += chosen - std::log(z);
      ++slates;
    }
    return total / static_cast<double>(slates);
  };
  const double fitted =
      log_likelihood(c.no_click_utility, c.position_bias.data(), c.preference_scale);
  EXPECT_NEAR(c.log_likelihood, fitted, 1e-5);  // the model computes in float
  EXPECT_GE(fitted, log_likelihood(kNoClick, kPositionBias, kPreferenceScale));
}

// Logs whose sessions all have one length show nobody leaving before the cut: the MNL is
// fitted, the leave hazard is not (the end head decides), and nothing throws.
TEST(ResponseCalibration, LogsOfOneSessionLengthLeaveTheHazardUnfitted) {
  Truth truth;
  const SessionStore store = make_store(300, truth, 4);
  std::vector<UserModel> members = {constant_model(kBias)};
  const ResponseCalibration c =
      calibrate_response(store, Split::kTrain, members, ResponseConfig{}, kSlate, "cpu");
  EXPECT_EQ(c.source, "impressions");
  EXPECT_EQ(c.slates_used, truth.train_slates);
  EXPECT_FALSE(c.leave.fitted());
}

TEST(ResponseCalibration, WithoutImpressionsTheConfigAnswers) {
  Truth truth;
  SessionStore store = make_store(50, truth);
  std::vector<UserModel> members = {constant_model(kBias)};
  ResponseConfig config;
  config.no_click_utility = -2.5;
  config.position_bias = 0.4;
  config.organic_rate = 0.9;
  config.quiet_leave = 0.05;
  auto expect_config = [&](const ResponseCalibration& c) {
    EXPECT_EQ(c.source, "config");
    EXPECT_EQ(c.no_click_utility, -2.5);
    ASSERT_EQ(c.position_bias.size(), 4u);
    for (int k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(c.position_bias[k], 0.4 * std::log(1.0 + k));
    EXPECT_EQ(c.organic_rate, 0.9);
    EXPECT_EQ(c.quiet_leave, 0.05);
    EXPECT_EQ(c.slates_used, 0);
  };
  config.calibration = "config";
  expect_config(calibrate_response(store, Split::kTrain, members, config, 4, "cpu"));

  config.calibration = "auto";
  store.impressions.click.clear();  // clicks not recorded
  EXPECT_FALSE(store_supports_calibration(store));
  expect_config(calibrate_response(store, Split::kTrain, members, config, 4, "cpu"));
  store.impressions = StoreImpressions{};
  EXPECT_FALSE(store_supports_calibration(store));
  expect_config(calibrate_response(store, Split::kTrain, members, config, 4, "cpu"));
}

}  // namespace
}  // namespace shoprl
