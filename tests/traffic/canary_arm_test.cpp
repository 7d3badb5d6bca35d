// The A/B assignment of synthetic shoppers (traffic/synthetic_shoppers.h, canary_arm): a unit's
// arm depends on its id and the seed only, and the canary gets its share of the units.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "traffic/synthetic_shoppers.h"

namespace shoprl {
namespace {

int canary_units(std::uint64_t seed, double share, int units) {
  int canary = 0;
  for (int u = 0; u < units; ++u) canary += canary_arm(fmt::format("round1/{}", u), seed, share);
  return canary;
}

TEST(CanaryArm, TheCanaryGetsItsShareOfTheUnits) {
  constexpr int kUnits = 20000;
  for (const double share : {0.1, 0.5, 0.8}) {
    // Within 5 binomial standard deviations (about 1 in 3.5 million by chance).
    const double sd = std::sqrt(kUnits * share * (1 - share));
    EXPECT_NEAR(canary_units(3, share, kUnits), kUnits * share, 5 * sd) << share;
  }
  EXPECT_EQ(canary_units(3, 0.0, 1000), 0);
  EXPECT_EQ(canary_units(3, 1.0, 1000), 1000);
}

TEST(CanaryArm, AUnitsArmDependsOnItsIdAndTheSeedOnly) {
  EXPECT_EQ(canary_arm("round1/17", 5, 0.5), canary_arm("round1/17", 5, 0.5));
  // A larger share only adds units: the same draw is compared with a higher bar.
  for (int u = 0; u < 500; ++u) {
    const std::string unit = fmt::format("u{}", u);
    if (canary_arm(unit, 5, 0.2)) EXPECT_TRUE(canary_arm(unit, 5, 0.6)) << unit;
  }
  // Another seed is another assignment: about half the units change arm at share 0.5.
  int changed = 0;
  for (int u = 0; u < 2000; ++u) {
    const std::string unit = fmt::format("u{}", u);
    changed += canary_arm(unit, 5, 0.5) != canary_arm(unit, 6, 0.5);
  }
  EXPECT_NEAR(changed, 1000, 5 * std::sqrt(500.0));
}

TEST(CanaryArm, ACanaryMustBeAnotherModel) {
  TrafficConfig config;
  config.model = "shop";
  config.canary_model = "shop";
  config.canary_share = 0.5;
  EXPECT_THROW(check_traffic_config(config), ConfigError);
  config.canary_model = "shop-canary";
  EXPECT_NO_THROW(check_traffic_config(config));
  config.canary_share = 0;
  EXPECT_THROW(check_traffic_config(config), ConfigError);
}

}  // namespace
}  // namespace shoprl
