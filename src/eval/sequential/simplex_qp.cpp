#include "eval/sequential/simplex_qp.h"

#include <fmt/format.h>

#include <vector>

#include "core/error.h"

namespace shoprl {

Eigen::VectorXd minimise_on_simplex(const Eigen::MatrixXd& m) {
  const Eigen::Index d = m.rows();
  if (d == 0 || m.cols() != d) {
    throw Error(fmt::format("minimise_on_simplex: a {}x{} matrix is not square and non-empty",
                            m.rows(), m.cols()));
  }
  const double mean_diagonal = m.trace() / static_cast<double>(d);
  const double ridge = mean_diagonal > 0.0 ? 1e-10 * mean_diagonal : 1.0;
  Eigen::MatrixXd q = m;
  q.diagonal().array() += ridge;

  // Start at the vertex with the smallest objective, with only it free.
  Eigen::Index start = 0;
  q.diagonal().minCoeff(&start);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(d);
  x[start] = 1.0;
  std::vector<bool> free(static_cast<std::size_t>(d), false);
  free[static_cast<std::size_t>(start)] = true;

  // Each pass either adds a coordinate (strictly decreasing the objective) or drops one, so the
  // method ends; the cap only guards against rounding making it cycle.
  const int max_passes = 50 * static_cast<int>(d) + 50;
  for (int pass = 0; pass < max_passes; ++pass) {
    std::vector<Eigen::Index> idx;
    for (Eigen::Index i = 0; i < d; ++i) {
      if (free[static_cast<std::size_t>(i)]) idx.push_back(i);
    }
    const Eigen::Index k = static_cast<Eigen::Index>(idx.size());
    Eigen::MatrixXd q_free(k, k);
    for (Eigen::Index a = 0; a < k; ++a) {
      for (Eigen::Index b = 0; b < k; ++b) q_free(a, b) = q(idx[a], idx[b]);
    }
    // On the face {x_i = 0 for fixed i, sum x = 1}: x_F = Q_FF^{-1} 1 / (1^T Q_FF^{-1} 1).
    const Eigen::VectorXd solved = q_free.ldlt().solve(Eigen::VectorXd::Ones(k));
    const Eigen::VectorXd target = solved / solved.sum();

    if (target.minCoeff() >= 0.0) {
      x.setZero();
      for (Eigen::Index a = 0; a < k; ++a) x[idx[a]] = target[a];
      // KKT: every free coordinate has gradient lambda = 2 x^T Q x; a fixed coordinate with a
      // smaller gradient would lower the objective if it entered.
      const Eigen::VectorXd gradient = 2.0 * (q * x);
      const double lambda = 2.0 * x.dot(q * x);
      Eigen::Index entering = -1;
      double most_negative = -1e-12 * lambda;
      for (Eigen::Index i = 0; i < d; ++i) {
        if (free[static_cast<std::size_t>(i)]) continue;
        const double reduced = gradient[i] - lambda;
        if (reduced < most_negative) {
          most_negative = reduced;
          entering = i;
        }
      }
      if (entering < 0) return x;
      free[static_cast<std::size_t>(entering)] = true;
      continue;
    }

    // The face's optimum leaves the simplex: walk towards it until a coordinate reaches zero,
    // and fix that coordinate (one with a negative target always blocks, at a step below 1).
    double step = 1.0;
    Eigen::Index blocking = -1;
    for (Eigen::Index a = 0; a < k; ++a) {
      const double direction = target[a] - x[idx[a]];
      if (direction < 0.0) {
        const double ratio = x[idx[a]] / -direction;
        if (ratio < step) {
          step = ratio;
          blocking = idx[a];
        }
      }
    }
    for (Eigen::Index a = 0; a < k; ++a) x[idx[a]] += step * (target[a] - x[idx[a]]);
    x[blocking] = 0.0;
    free[static_cast<std::size_t>(blocking)] = false;
  }
  return x;
}

}  // namespace shoprl
