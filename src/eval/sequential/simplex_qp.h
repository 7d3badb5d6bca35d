// The small quadratic programme MAGIC solves for its blending weights (Thomas & Brunskill
// 2016, Algorithm 1): x = argmin over the probability simplex of x^T M x, M symmetric PSD.
#pragma once

#include <Eigen/Dense>

namespace shoprl {

// A primal active-set method (Nocedal & Wright 2006, Algorithm 16.3) on M + eps I, where eps is
// 1e-10 of M's mean diagonal: the ridge makes every face's equality-constrained problem have one
// solution when M is singular (b b^T alone, identical partial returns), and moves the optimum by
// O(eps) only. Exact up to rounding; meant for the ~20 dimensions MAGIC uses.
Eigen::VectorXd minimise_on_simplex(const Eigen::MatrixXd& m);

}  // namespace shoprl
