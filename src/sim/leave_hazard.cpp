#include "sim/leave_hazard.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace shoprl {
namespace {

constexpr int kMaxNewtonSteps = 100;
// Keeps the Newton system positive definite when a count never varies in the logs (a decay's
// counts are then collinear with the intercept); far below any identified coefficient's
// standard error on a few hundred slates.
constexpr double kRidge = 1e-6;

double sigmoid(double eta) {
  if (eta >= 0) return 1.0 / (1.0 + std::exp(-eta));
  const double e = std::exp(eta);
  return e / (1.0 + e);
}

// log(1 + exp(eta)) - y eta without overflow.
double cross_entropy(double eta, double y) {
  return std::max(eta, 0.0) + std::log1p(std::exp(-std::abs(eta))) - y * eta;
}

void hazard_features(const LeaveHazard& hazard, const double* state, double* x) {
  x[0] = 1;
  std::copy(state, state + hazard.state_size(), x + 1);
}

}  // namespace

std::string leave_rule_text(const LeaveHazard& hazard) {
  if (!hazard.fitted())
    return "the user model's end head after a step with an event, the quiet-leave rate after a "
           "step without one";
  std::string decays;
  for (std::size_t d = 0; d < hazard.decays.size(); ++d)
    decays += fmt::format("{}{:g}", d ? ", " : "", hazard.decays[d]);
  return fmt::format(
      "a logistic hazard on the session's recent slates (decays {}), fitted on {} slates ({} "
      "sessions cut at the logs' longest length left unlabelled)",
      decays, hazard.steps_used, hazard.censored);
}

void LeaveHazard::reset(double* state) const { std::fill_n(state, state_size(), 0.0); }

void LeaveHazard::advance(double* state, bool clicked, bool bought) const {
  for (std::size_t d = 0; d < decays.size(); ++d) {
    double* counts = state + 3 * d;
    counts[0] = decays[d] * counts[0] + (clicked ? 1 : 0);
    counts[1] = decays[d] * counts[1] + (bought ? 1 : 0);
    counts[2] = decays[d] * counts[2] + (clicked ? 0 : 1);
  }
}

double LeaveHazard::leave_probability(const double* state) const {
  double eta = weights[0];  // the features are [1, state...]
  for (int j = 0; j < state_size(); ++j) eta += weights[1 + j] * state[j];
  return sigmoid(eta);
}

void fit_leave_hazard(const std::vector<SessionOutcomes>& sessions, LeaveHazard& hazard) {
  const int p = hazard.features();
  // The design: one row per labelled slate, and whether she left after it.
  std::vector<double> rows;
  std::vector<double> left;
  std::vector<double> state(hazard.state_size());
  std::vector<double> x(p);
  hazard.censored = 0;
  for (const SessionOutcomes& session : sessions) {
    hazard.reset(state.data());
    hazard.censored += !session.left;
    for (std::size_t t = 0; t < session.slates.size(); ++t) {
      hazard.advance(state.data(), session.slates[t].clicked, session.slates[t].bought);
      const bool last = t + 1 == session.slates.size();
      if (last && !session.left) continue;  // cut: no label
      hazard_features(hazard, state.data(), x.data());
      rows.insert(rows.end(), x.begin(), x.end());
      left.push_back(last ? 1.0 : 0.0);
    }
  }
  const auto n = static_cast<Eigen::Index>(left.size());
  if (n == 0) throw DataError("leave hazard: no logged slate has a leave label");
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> X(
      rows.data(), n, p);
  const Eigen::Map<const Eigen::VectorXd> y(left.data(), n);

  auto objective = [&](const Eigen::VectorXd& w) {
    const Eigen::VectorXd eta = X * w;
    double total = 0.5 * kRidge * w.squaredNorm();
    for (Eigen::Index i = 0; i < n; ++i) total += cross_entropy(eta(i), y(i));
    return total;
  };
  // Start at the base rate: the intercept alone.
  const double rate = std::clamp(y.mean(), 1e-6, 1 - 1e-6);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  w(0) = std::log(rate / (1 - rate));
  double value = objective(w);
  for (int step = 0; step < kMaxNewtonSteps; ++step) {
    const Eigen::VectorXd eta = X * w;
    Eigen::VectorXd residual(n), curvature(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double q = sigmoid(eta(i));
      residual(i) = q - y(i);
      curvature(i) = q * (1 - q);
    }
    const Eigen::VectorXd gradient = X.transpose() * residual + kRidge * w;
    const Eigen::MatrixXd hessian =
        X.transpose() * curvature.asDiagonal() * X + kRidge * Eigen::MatrixXd::Identity(p, p);
    const Eigen::VectorXd direction = hessian.ldlt().solve(gradient);
    // Converged when the Newton decrement is negligible against the objective.
    if (!(0.5 * gradient.dot(direction) > 1e-12 * (1 + value))) break;
    // Backtracking keeps every step a descent step.
    bool moved = false;
    double scale = 1;
    for (int halving = 0; halving < 40 && !moved; ++halving, scale *= 0.5) {
      const Eigen::VectorXd candidate = w - scale * direction;
      const double next = objective(candidate);
      if (next <= value) {
        w = candidate;
        value = next;
        moved = true;
      }
    }
    if (!moved) break;
  }
  hazard.weights.assign(w.data(), w.data() + p);
  hazard.steps_used = n;
  hazard.log_likelihood = -(value - 0.5 * kRidge * w.squaredNorm()) / static_cast<double>(n);
}

}  // namespace shoprl
