// MAGIC's parts (Thomas & Brunskill 2016, sec. 6 and Algorithm 1), apart from its
// EstimatorTerms (sequential_estimators.h) so that the tests can check each: the horizons,
// the off-policy j-step returns, their covariance and bias bounds, and the blend.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "eval/sequential/session_steps.h"

namespace shoprl {

// At most this many j-step returns are blended.
inline constexpr std::size_t kMagicMaxHorizons = 20;

// The horizons j of the blended returns for sessions of at most `longest` steps: every j in
// {-1, 0, ..., longest - 1} when there are at most kMagicMaxHorizons of them, otherwise
// kMagicMaxHorizons of them spread evenly from -1 to longest - 1 (both ends always kept: g^(-1)
// is the model alone, g^(longest-1) is WDR).
std::vector<std::ptrdiff_t> magic_horizons(std::size_t longest);

struct MagicBlend {
  std::vector<std::ptrdiff_t> horizon;  // j
  Eigen::VectorXd partial_return;       // g^(j), the WDR-weighted j-step returns
  Eigen::MatrixXd share;                // [sessions, horizons]: g^(j) = sum_s count[s] share(s, j)
  Eigen::MatrixXd covariance;           // Omega_hat
  Eigen::VectorXd bias;                 // b_hat(j): distance from g^(j) to the WDR interval
  double interval_low = 0.0;            // the WDR interval
  double interval_high = 0.0;
  Eigen::VectorXd blend_weight;  // x on the simplex
  double value = 0.0;            // x^T g
};

// MAGIC on `steps` with session s counted count[s] times (a bootstrap resample; all ones for
// the data). The WDR interval is a percentile bootstrap over sessions with `wdr_resamples`
// resamples drawn from make_rng(seed, kMagicStream), or the normal interval
// g^(J) +- z sqrt(Omega_hat(J, J)) when wdr_resamples == 0; both at level `confidence`.
MagicBlend magic_blend(const SessionSteps& steps, double gamma, const std::vector<double>& count,
                       int wdr_resamples, double confidence, std::uint64_t seed);

// The stream of the bias bootstrap's generator under ope.bootstrap_seed ("magic").
inline constexpr std::uint64_t kMagicStream = 0x6d61676963;

}  // namespace shoprl
