// Quantiles of the standard normal and Student t distributions, for the normal and t confidence
// intervals (written here rather than taken from Boost, which the project does not link).
#pragma once

namespace shoprl {

// x with Phi(x) = p, for 0 < p < 1: Acklam's rational approximation (relative error 1.2e-9)
// polished by one Halley step on std::erfc, which brings it to double precision.
double normal_quantile(double p);

// x with P(T_dof <= x) = p, for 0 < p < 1 and dof >= 1: Hill (1970), "Algorithm 396: Student's
// t-quantiles", Comm. ACM 13(10). Exact for dof 1 and 2; elsewhere accurate to about 1e-6
// relative (tests/eval/distribution_quantiles_test.cpp checks table values).
double student_t_quantile(double p, double dof);

}  // namespace shoprl
