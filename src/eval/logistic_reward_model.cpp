#include "eval/logistic_reward_model.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace shoprl {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A ridge floor on every coefficient, the intercept included: it keeps the Newton system
// positive definite when l2 = 0 (the action one-hot, slot one-hot, action features and bias are
// collinear) and keeps the optimum finite on separable data, where the unpenalised likelihood
// has none. At 1e-8 against a per-row curvature of up to 1/4 it moves no identified
// coefficient measurably.
constexpr double kRidgeFloor = 1e-8;
constexpr double kDecrementTolerance = 1e-12;  // Newton decrement g' H^-1 g / 2 at convergence
constexpr std::size_t kChunkRows = 2048;

// log(1 + exp(eta)) - y eta, the cross-entropy of a [0, 1] target y, without overflow.
double cross_entropy(double eta, double y) {
  return std::max(eta, 0.0) + std::log1p(std::exp(-std::abs(eta))) - y * eta;
}

double sigmoid(double eta) {
  if (eta >= 0) return 1.0 / (1.0 + std::exp(-eta));
  const double e = std::exp(eta);
  return e / (1.0 + e);
}

// The penalised objective and its derivatives over the training rows, parameters laid out as
// theta = [w_x (d) | w_f (F) | b (A) | c (L) | bias]. The Hessian X' W X is assembled from
// sufficient statistics of each block (one-hot blocks are diagonal or count tables; the action
// features enter only through the action), so a pass costs O(n d^2 + n d), never O(n P^2).
class LogisticProblem {
 public:
  LogisticProblem(const RewardModelData& data, const std::vector<std::size_t>& rows,
                  const std::vector<double>& target, double l2)
      : data_(data),
        rows_(rows),
        target_(target),
        d_(data.context_dim),
        f_(data.action_feature_dim),
        a_(data.actions),
        l_(data.len_list),
        p_(d_ + f_ + a_ + l_ + 1),
        features_(data.action_features.data(), a_, f_),
        penalty_(Eigen::VectorXd::Constant(p_, l2 + kRidgeFloor)) {
    penalty_[p_ - 1] = kRidgeFloor;  // the intercept is not shrunk
  }

  int parameters() const { return p_; }
  int context_offset() const { return 0; }
  int feature_offset() const { return d_; }
  int action_offset() const { return d_ + f_; }
  int slot_offset() const { return d_ + f_ + a_; }
  int intercept_offset() const { return p_ - 1; }

  // b_a + w_f . f(a) for every action.
  Eigen::VectorXd action_effects(const Eigen::VectorXd& theta) const {
    Eigen::VectorXd effects = theta.segment(action_offset(), a_);
    if (f_ > 0) effects += features_ * theta.segment(feature_offset(), f_);
    return effects;
  }

  double objective(const Eigen::VectorXd& theta) const { return sweep(theta, nullptr, nullptr); }

  // Objective, gradient and Hessian at theta.
  double derivatives(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient,
                     Eigen::MatrixXd& hessian) const {
    return sweep(theta, &gradient, &hessian);
  }

 private:
  double sweep(const Eigen::VectorXd& theta, Eigen::VectorXd* gradient,
               Eigen::MatrixXd* hessian) const {
    const bool second_order = gradient != nullptr;
    const Eigen::VectorXd effects = action_effects(theta);
    const Eigen::VectorXd w_x = theta.segment(context_offset(), d_);
    const Eigen::VectorXd c = theta.segment(slot_offset(), l_);
    const double bias = theta[intercept_offset()];

    // Sufficient statistics (sums over rows; r = p - y the residual, w = p (1 - p)).
    Eigen::MatrixXd xx = Eigen::MatrixXd::Zero(d_, d_);            // sum w x x'
    RowMatrix x_by_action = RowMatrix::Zero(a_, d_);               // sum_{a_i = a} w x
    RowMatrix x_by_slot = RowMatrix::Zero(l_, d_);                 // sum_{pos_i = l} w x
    Eigen::MatrixXd weight_cells = Eigen::MatrixXd::Zero(a_, l_);  // sum_{a, l} w
    Eigen::VectorXd grad_x = Eigen::VectorXd::Zero(d_);            // sum r x
    Eigen::VectorXd grad_action = Eigen::VectorXd::Zero(a_);
    Eigen::VectorXd grad_slot = Eigen::VectorXd::Zero(l_);
    double loss = 0;

    RowMatrix chunk(static_cast<Eigen::Index>(std::min(kChunkRows, rows_.size())), d_);
    Eigen::VectorXd eta(chunk.rows());
    Eigen::VectorXd residual(chunk.rows());
    for (std::size_t begin = 0; begin < rows_.size(); begin += kChunkRows) {
      const auto size = static_cast<Eigen::Index>(std::min(kChunkRows, rows_.size() - begin));
      for (Eigen::Index j = 0; j < size; ++j) {
        const std::size_t row = rows_[begin + static_cast<std::size_t>(j)];
        chunk.row(j) = Eigen::Map<const Eigen::RowVectorXd>(
            data_.context.data() + row * static_cast<std::size_t>(d_), d_);
      }
      eta.head(size).noalias() = chunk.topRows(size) * w_x;
      for (Eigen::Index j = 0; j < size; ++j) {
        const std::size_t index = begin + static_cast<std::size_t>(j);
        const std::size_t row = rows_[index];
        const int action = data_.action[row];
        const int slot = data_.position[row];
        const double e = eta[j] + effects[action] + c[slot] + bias;
        loss += cross_entropy(e, target_[index]);
        if (!second_order) continue;
        const double p = sigmoid(e);
        const double w = p * (1.0 - p);
        residual[j] = p - target_[index];
        grad_action[action] += residual[j];
        grad_slot[slot] += residual[j];
        weight_cells(action, slot) += w;
        if (d_ > 0) {
          x_by_action.row(action) += w * chunk.row(j);
          x_by_slot.row(slot) += w * chunk.row(j);
          eta[j] = std::sqrt(w);  // reused below as the row scale of sqrt(W) X
        }
      }
      if (second_order && d_ > 0) {
        grad_x.noalias() += chunk.topRows(size).transpose() * residual.head(size);
        const RowMatrix scaled = eta.head(size).asDiagonal() * chunk.topRows(size);
        xx.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
      }
    }

    const double n = static_cast<double>(rows_.size());
    double objective = loss / n + 0.5 * theta.cwiseProduct(theta).dot(penalty_);
    if (!second_order) return objective;

    const Eigen::VectorXd weight_by_action = weight_cells.rowwise().sum();
    const Eigen::VectorXd weight_by_slot = weight_cells.colwise().sum().transpose();
    const Eigen::RowVectorXd x_total = x_by_action.colwise().sum();
    const double residual_total = grad_action.sum();

    Eigen::VectorXd& g = *gradient;
    g.setZero(p_);
    g.segment(context_offset(), d_) = grad_x;
    if (f_ > 0) g.segment(feature_offset(), f_) = features_.transpose() * grad_action;
    g.segment(action_offset(), a_) = grad_action;
    g.segment(slot_offset(), l_) = grad_slot;
    g[intercept_offset()] = residual_total;
    g /= n;
    g += penalty_.cwiseProduct(theta);

    // Upper blocks of X' W X, then mirrored.
    Eigen::MatrixXd& h = *hessian;
    h.setZero(p_, p_);
    const int x0 = context_offset(), f0 = feature_offset(), a0 = action_offset();
    const int l0 = slot_offset(), i0 = intercept_offset();
    h.block(x0, x0, d_, d_) = xx.selfadjointView<Eigen::Lower>();
    h.block(x0, a0, d_, a_) = x_by_action.transpose();
    h.block(x0, l0, d_, l_) = x_by_slot.transpose();
    h.block(x0, i0, d_, 1) = x_total.transpose();
    if (f_ > 0) {
      h.block(x0, f0, d_, f_) = x_by_action.transpose() * features_;
      h.block(f0, f0, f_, f_) = features_.transpose() * weight_by_action.asDiagonal() * features_;
      h.block(f0, a0, f_, a_) = features_.transpose() * weight_by_action.asDiagonal();
      h.block(f0, l0, f_, l_) = features_.transpose() * weight_cells;
      h.block(f0, i0, f_, 1) = features_.transpose() * weight_by_action;
    }
    h.block(a0, a0, a_, a_) = weight_by_action.asDiagonal();
    h.block(a0, l0, a_, l_) = weight_cells;
    h.block(a0, i0, a_, 1) = weight_by_action;
    h.block(l0, l0, l_, l_) = weight_by_slot.asDiagonal();
    h.block(l0, i0, l_, 1) = weight_by_slot;
    h(i0, i0) = weight_by_action.sum();
    h = h.selfadjointView<Eigen::Upper>();
    h /= n;
    h.diagonal() += penalty_;
    return objective;
  }

  const RewardModelData& data_;
  const std::vector<std::size_t>& rows_;
  const std::vector<double>& target_;
  const int d_, f_, a_, l_, p_;
  const Eigen::Map<const RowMatrix> features_;
  Eigen::VectorXd penalty_;
};

}  // namespace

LogisticRewardModel::LogisticRewardModel(const RewardModelConfig& config,
                                         const RewardModelData& data,
                                         const std::vector<std::size_t>& train_rows)
    : RewardModel(data) {
  if (train_rows.empty()) throw DataError("logistic reward model: no rows to fit on");
  // The same [lo, hi] for every fold: it comes from all rows, not the training rows.
  const auto [r_min, r_max] = std::minmax_element(data.reward.begin(), data.reward.end());
  reward_low_ = std::min(0.0, *r_min);
  reward_scale_ = std::max(1.0, *r_max) - reward_low_;
  std::vector<double> target(train_rows.size());
  double target_mean = 0;
  for (std::size_t i = 0; i < train_rows.size(); ++i) {
    target[i] = (data.reward[train_rows[i]] - reward_low_) / reward_scale_;
    target_mean += target[i];
  }
  target_mean /= static_cast<double>(train_rows.size());

  const LogisticProblem problem(data, train_rows, target, config.l2);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(problem.parameters());
  // Start at the intercept-only fit, which is the optimum when everything else is shrunk away.
  const double start_mean = std::clamp(target_mean, 1e-6, 1.0 - 1e-6);
  theta[problem.intercept_offset()] = std::log(start_mean / (1.0 - start_mean));

  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;
  for (int iteration = 0; iteration < config.epochs; ++iteration) {
    const double objective = problem.derivatives(theta, gradient, hessian);
    const Eigen::VectorXd step = -hessian.ldlt().solve(gradient);
    const double decrement = -gradient.dot(step);
    if (!std::isfinite(decrement)) {
      throw DataError(fmt::format(
          "logistic reward model: the Newton step is not finite at iteration {} (objective {})",
          iteration, objective));
    }
    if (decrement / 2 < kDecrementTolerance) {
      converged_ = true;
      break;
    }
    // Backtracking (Armijo) line search: a full Newton step can overshoot far from the optimum.
    double scale = 1.0;
    Eigen::VectorXd candidate = theta + step;
    while (problem.objective(candidate) > objective - 1e-4 * scale * decrement) {
      scale *= 0.5;
      if (scale < 1e-10) break;
      candidate = theta + scale * step;
    }
    if (scale < 1e-10) break;  // no descent left in double precision: at the optimum
    theta = candidate;
    iterations_ = iteration + 1;
  }
  if (!converged_) {
    spdlog::warn(
        "logistic reward model: not converged after {} Newton iterations "
        "(reward_model.epochs)",
        iterations_);
  }

  context_weights_ = theta.segment(problem.context_offset(), data.context_dim);
  action_feature_weights_ = theta.segment(problem.feature_offset(), data.action_feature_dim);
  action_bias_ = theta.segment(problem.action_offset(), data.actions);
  slot_bias_ = theta.segment(problem.slot_offset(), data.len_list);
  intercept_ = theta[problem.intercept_offset()];
  action_offset_ = problem.action_effects(theta);
}

double LogisticRewardModel::logit(std::size_t row, int action, int position) const {
  const RewardModelData& d = *data_;
  const Eigen::Map<const Eigen::VectorXd> x(d.context.data() + row * d.context_dim, d.context_dim);
  return x.dot(context_weights_) + action_offset_[action] + slot_bias_[position] + intercept_;
}

void LogisticRewardModel::predict(std::size_t row, int position, double* out) const {
  const RewardModelData& d = *data_;
  const Eigen::Map<const Eigen::VectorXd> x(d.context.data() + row * d.context_dim, d.context_dim);
  const double base = x.dot(context_weights_) + slot_bias_[position] + intercept_;
  for (int a = 0; a < d.actions; ++a) {
    out[a] = reward_low_ + reward_scale_ * sigmoid(base + action_offset_[a]);
  }
}

}  // namespace shoprl
