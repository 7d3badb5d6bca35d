#include "eval/distribution_quantiles.h"

#include <cmath>
#include <limits>

namespace shoprl {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Acklam's approximation to the normal quantile: a rational function in the centre and in
// sqrt(-2 log p) in the tails, split at p = 0.02425.
double acklam_normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

double normal_quantile(double p) {
  if (!(p > 0 && p < 1)) {
    if (p == 0) return -std::numeric_limits<double>::infinity();
    if (p == 1) return std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  double x = acklam_normal_quantile(p);
  // One Halley step on f(x) = Phi(x) - p (Acklam's refinement): e = Phi(x) - p,
  // u = e / phi(x), x -= u / (1 + x u / 2).
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * kPi) * std::exp(x * x / 2);
  x -= u / (1 + x * u / 2);
  return x;
}

double student_t_quantile(double p, double dof) {
  if (!(p > 0 && p < 1) || !(dof >= 1)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(dof)) return normal_quantile(p);
  // Hill works with the two-tailed probability P = 2 min(p, 1 - p) and returns |t|.
  const bool upper = p > 0.5;
  const double two_tailed = 2 * (upper ? 1 - p : p);
  const double n = dof;
  double t;
  if (n == 1) {
    // Cauchy: t = cot(P pi / 2).
    const double angle = two_tailed * kPi / 2;
    t = std::cos(angle) / std::sin(angle);
  } else if (n == 2) {
    t = std::sqrt(2 / (two_tailed * (2 - two_tailed)) - 2);
  } else {
    const double a = 1 / (n - 0.5);
    const double b = 48 / (a * a);
    double c = ((20700 * a / b - 98) * a - 16) * a + 96.36;
    const double d = ((94.5 / (b + c) - 3) / b + 1) * std::sqrt(a * kPi / 2) * n;
    double x = d * two_tailed;
    double y = std::pow(x, 2 / n);
    if (y > 0.05 + a) {
      // Asymptotic inverse expansion about the normal deviate.
      x = normal_quantile(0.5 * two_tailed);
      y = x * x;
      if (n < 5) c += 0.3 * (n - 4.5) * (x + 0.6);
      c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
      y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
      y = a * y * y;
      y = y > 0.002 ? std::expm1(y) : 0.5 * y * y + y;
    } else {
      y = ((1 / (((n + 6) / (n * y) - 0.089 * d - 0.822) * (n + 2) * 3) + 0.5 / (n + 4)) * y - 1) *
              (n + 1) / (n + 2) +
          1 / y;
    }
    t = std::sqrt(n * y);
  }
  return upper ? t : -t;
}

}  // namespace shoprl
