// The arms of an A/B experiment (jobs/experiment_arms.h): read from the import config each store
// records, and refused when swapped, mixed or mismatched.
#include "jobs/experiment_arms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace shoprl {
namespace {

using ::testing::HasSubstr;

SessionStore arm_store(const std::string& import_yaml, const std::string& format = "decision-log") {
  SessionStore store;
  store.item_raw_id = {"i0", "i1"};
  store.provenance.source_format = format;
  store.provenance.import_config_yaml = import_yaml;
  return store;
}

std::string refusal(const SessionStore& served, const SessionStore& canary) {
  try {
    check_experiment_arms(served, "evaluate.store (a.h5)", "shop", canary,
                          "promote.canary_logs (b.h5)");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const SessionStore kServed =
    arm_store("import:\n  model: shop\n  version: 2\n  unit_prefix: round3/\n");

TEST(ExperimentArms, AnArmIsReadFromItsRecordedImport) {
  const ExperimentArm arm = experiment_arm(kServed, "a");
  EXPECT_EQ(arm.model, "shop");
  EXPECT_EQ(arm.version, 2);
  EXPECT_EQ(arm.unit_prefix, "round3/");
  const SessionStore canary = arm_store(
      "run:\n  seed: 1\nimport:\n  model: shop-canary\n  version: 1\n"
      "  unit_prefix: round3/\n");
  EXPECT_EQ(refusal(kServed, canary), "");
}

TEST(ExperimentArms, MismatchedArmsAreRefused) {
  const SessionStore canary = arm_store("import:\n  model: shop-canary\n  unit_prefix: round3/\n");
  EXPECT_THAT(refusal(canary, kServed),
              HasSubstr("evaluate.store (a.h5): model 'shop-canary''s traffic, not the served "
                        "model 'shop' (promote.name)"));
  EXPECT_THAT(refusal(kServed, kServed), HasSubstr("promote.canary_logs (b.h5): both arms hold "
                                                   "model 'shop' version 2"));
  EXPECT_THAT(
      refusal(kServed, arm_store("import:\n  model: shop-canary\n  unit_prefix: round2/\n")),
      HasSubstr("cover different units (import.unit_prefix 'round3/' and 'round2/')"));
  EXPECT_THAT(refusal(kServed, arm_store("import:\n  model: \"\"\n")),
              HasSubstr("promote.canary_logs (b.h5): the decisions of every model"));
  EXPECT_THAT(refusal(arm_store("import:\n  model: x\n", "diginetica"), kServed),
              HasSubstr("evaluate.store (a.h5): diginetica logs, not served traffic"));
  SessionStore other_items = arm_store("import:\n  model: c\n  unit_prefix: round3/\n");
  other_items.item_raw_id = {"i1", "i0"};
  EXPECT_THAT(refusal(kServed, other_items), HasSubstr("number their items otherwise"));
}

}  // namespace
}  // namespace shoprl
