// Tests the leave hazard (src/sim/leave_hazard.cpp): its running counts and probability against
// a hand computation, and the maximum-likelihood fit against sessions drawn from a known
// hazard, within standard errors from the Fisher information; sessions cut at the logs'
// longest length must not count as leaving (labelled as leaves, they bias the fit).
#include "sim/leave_hazard.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "env/random_stream.h"
#include "env/statistics.h"

namespace shoprl {
namespace {

using testing::kSigmas;

double logistic(double eta) { return 1.0 / (1.0 + std::exp(-eta)); }

TEST(LeaveHazard, CountsAndProbabilityByHand) {
  LeaveHazard h;
  h.decays = {0.5};
  h.weights = {-2.0, -0.7, -0.4, 0.9};  // bias, clicked, bought, missed
  ASSERT_EQ(h.features(), 4);
  std::vector<double> state(h.state_size(), 7.0);
  h.reset(state.data());
  EXPECT_DOUBLE_EQ(h.leave_probability(state.data()), logistic(-2.0));
  h.advance(state.data(), true, true);    // C 1, B 1, M 0
  h.advance(state.data(), false, false);  // C 0.5, B 0.5, M 1
  EXPECT_DOUBLE_EQ(state[0], 0.5);
  EXPECT_DOUBLE_EQ(state[1], 0.5);
  EXPECT_DOUBLE_EQ(state[2], 1.0);
  EXPECT_NEAR(h.leave_probability(state.data()), logistic(-2.0 - 0.7 * 0.5 - 0.4 * 0.5 + 0.9 * 1.0),
              1e-15);
}

// Sessions whose users leave by a hazard of the fitted form (decays 0.5 and 0.9), each slate
// clicked with probability 0.5 and bought after a click with probability 0.3, cut at `cap`
// slates. Also returns the Fisher information at the true weights over the labelled slates.
struct Drawn {
  std::vector<SessionOutcomes> sessions;
  Eigen::MatrixXd information;
  std::int64_t cut = 0;
};

Drawn draw_sessions(const LeaveHazard& truth, int sessions, int cap, std::uint64_t seed) {
  Drawn d;
  const int p = truth.features();
  d.information = Eigen::MatrixXd::Zero(p, p);
  RandomStream rng(seed);
  for (int s = 0; s < sessions; ++s) {
    SessionOutcomes session;
    std::vector<double> counts(truth.state_size(), 0.0);  // the test's own running counts
    for (int t = 1;; ++t) {
      SlateOutcome o;
      o.clicked = rng.uniform() < 0.5;
      o.bought = o.clicked && rng.uniform() < 0.3;
      session.slates.push_back(o);
      Eigen::VectorXd x(p);
      x(0) = 1;
      for (std::size_t k = 0; k < truth.decays.size(); ++k) {
        const double g = truth.decays[k];
        counts[3 * k] = g * counts[3 * k] + o.clicked;
        counts[3 * k + 1] = g * counts[3 * k + 1] + o.bought;
        counts[3 * k + 2] = g * counts[3 * k + 2] + !o.clicked;
        for (int j = 0; j < 3; ++j) x(1 + 3 * k + j) = counts[3 * k + j];
      }
      // Cut: the logs stop at the cap whatever she would have done, so the last slate of a
      // session that reached it has no label (a label there only when she left would select
      // on the outcome).
      if (t == cap) {
        session.left = false;
        ++d.cut;
        break;
      }
      const double q = logistic(x.dot(Eigen::Map<const Eigen::VectorXd>(truth.weights.data(), p)));
      d.information += q * (1 - q) * x * x.transpose();
      if (rng.uniform() < q) break;
    }
    d.sessions.push_back(std::move(session));
  }
  return d;
}

LeaveHazard true_hazard() {
  LeaveHazard h;
  h.decays = {0.5, 0.9};
  h.weights = {-2.2, -0.5, -0.8, 0.6, -0.1, -0.3, 0.15};
  return h;
}

TEST(LeaveHazard, FitRecoversAKnownHazard) {
  const LeaveHazard truth = true_hazard();
  const Drawn drawn = draw_sessions(truth, 20000, 12, 5);
  ASSERT_GT(drawn.cut, 500);  // the cap matters in these logs

  LeaveHazard fitted;
  fitted.decays = truth.decays;
  fit_leave_hazard(drawn.sessions, fitted);
  ASSERT_EQ(fitted.weights.size(), truth.weights.size());
  EXPECT_EQ(fitted.censored, drawn.cut);
  const Eigen::MatrixXd covariance = drawn.information.inverse();
  for (std::size_t f = 0; f < truth.weights.size(); ++f)
    EXPECT_NEAR(fitted.weights[f], truth.weights[f], kSigmas * std::sqrt(covariance(f, f)))
        << "weight " << f;
  EXPECT_LT(fitted.log_likelihood, 0.0);

  // The same logs with the cut sessions taken as leaves: the hazard is then overstated late in
  // sessions, and the fit leaves the truth's error bars.
  std::vector<SessionOutcomes> mislabelled = drawn.sessions;
  for (SessionOutcomes& s : mislabelled) s.left = true;
  LeaveHazard biased;
  biased.decays = truth.decays;
  fit_leave_hazard(mislabelled, biased);
  double worst = 0;
  for (std::size_t f = 0; f < truth.weights.size(); ++f)
    worst = std::max(worst,
                     std::abs(biased.weights[f] - truth.weights[f]) / std::sqrt(covariance(f, f)));
  EXPECT_GT(worst, kSigmas);
}

TEST(LeaveHazard, NoLabelIsADataError) {
  LeaveHazard h;
  std::vector<SessionOutcomes> sessions(3);
  for (SessionOutcomes& s : sessions) {
    s.slates.resize(1);
    s.left = false;
  }
  EXPECT_THROW(fit_leave_hazard(sessions, h), DataError);
  EXPECT_THROW(fit_leave_hazard({}, h), DataError);
}

}  // namespace
}  // namespace shoprl
