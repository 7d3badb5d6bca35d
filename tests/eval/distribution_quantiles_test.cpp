// Tests the normal and Student t quantiles (src/eval/distribution_quantiles.cpp) against
// published table values (t: four decimals, as printed in standard tables).
#include "eval/distribution_quantiles.h"

#include <gtest/gtest.h>

#include <cmath>

namespace shoprl {
namespace {

TEST(NormalQuantile, MatchesKnownValuesToDoublePrecision) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(normal_quantile(0.995), 2.5758293035489004, 1e-13);
  EXPECT_NEAR(normal_quantile(0.95), 1.6448536269514722, 1e-13);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(0.025), -1.959963984540054, 1e-13);
  // The lower tail branch of Acklam's approximation (p < 0.02425).
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 1e-12);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-9);
}

TEST(NormalQuantile, IsNanOutsideTheUnitInterval) {
  EXPECT_TRUE(std::isnan(normal_quantile(-0.1)));
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
  EXPECT_TRUE(std::isinf(normal_quantile(1.0)));
}

struct TableValue {
  double p;
  double dof;
  double t;
};

TEST(StudentTQuantile, MatchesTableValues) {
  // Standard t table (upper-tail quantiles), rounded to four decimals: a tolerance of 6e-5
  // covers the rounding (5e-5) and Hill's own error.
  const TableValue table[] = {
      {0.975, 1, 12.7062},  {0.975, 2, 4.3027},   {0.975, 3, 3.1824},  {0.975, 4, 2.7764},
      {0.975, 5, 2.5706},   {0.975, 10, 2.2281},  {0.975, 20, 2.0860}, {0.975, 30, 2.0423},
      {0.975, 60, 2.0003},  {0.975, 120, 1.9799}, {0.995, 1, 63.6567}, {0.995, 3, 5.8409},
      {0.995, 5, 4.0321},   {0.995, 10, 3.1693},  {0.995, 30, 2.7500}, {0.95, 1, 6.3138},
      {0.95, 5, 2.0150},    {0.95, 10, 1.8125},   {0.95, 30, 1.6973},  {0.9995, 3, 12.9240},
      {0.9995, 10, 4.5869}, {0.9, 4, 1.5332},     {0.9, 7, 1.4149},    {0.75, 6, 0.7176},
  };
  for (const TableValue& row : table) {
    EXPECT_NEAR(student_t_quantile(row.p, row.dof), row.t, 6e-5)
        << "p = " << row.p << ", dof = " << row.dof;
  }
}

TEST(StudentTQuantile, IsSymmetricAndTendsToTheNormal) {
  for (double dof : {1.0, 2.0, 3.0, 7.0, 50.0}) {
    EXPECT_NEAR(student_t_quantile(0.025, dof), -student_t_quantile(0.975, dof), 1e-12);
    EXPECT_NEAR(student_t_quantile(0.5, dof), 0.0, 1e-12);
  }
  EXPECT_NEAR(student_t_quantile(0.975, 1e6), normal_quantile(0.975), 1e-5);
  EXPECT_TRUE(std::isnan(student_t_quantile(0.975, 0.5)));
}

}  // namespace
}  // namespace shoprl
