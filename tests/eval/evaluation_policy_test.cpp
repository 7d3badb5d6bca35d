// The model-free evaluation policies: their slot marginals, slate and prefix probabilities,
// and the errors of a bad probability file.
#include "eval/evaluation_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/error.h"
#include "data/session_store_fixture.h"
#include "data/session_store_io.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::TempDir;

EvaluationPolicyConfig kind(const std::string& name) {
  EvaluationPolicyConfig config;
  config.kind = name;
  return config;
}

TEST(EvaluationPolicy, UniformHasEqualMarginalsAndFallingFactorialSlates) {
  const SessionStore store = testing::tiny_store(true);  // 3 items, slots 0 and 1 logged
  const SlotDistributionPolicy policy = make_evaluation_policy(kind("uniform"), store);
  EXPECT_EQ(policy.slots(), 2);
  for (int slot = 0; slot < 2; ++slot)
    for (std::int32_t item = 0; item < 3; ++item)
      EXPECT_DOUBLE_EQ(policy.marginal(item, slot), 1.0 / 3);
  const std::int32_t slate[] = {2, 0};
  EXPECT_DOUBLE_EQ(policy.prefix_probability(slate, 1), 1.0 / 3);
  EXPECT_DOUBLE_EQ(policy.prefix_probability(slate, 2), 1.0 / 6);
  const std::int32_t repeat[] = {1, 1};
  EXPECT_EQ(policy.prefix_probability(repeat, 2), 0.0);
}

TEST(EvaluationPolicy, PopularityRanksTrainEventsAndBreaksTiesByIndex) {
  SessionStore store = testing::tiny_store(true);
  // Train is session 0 only (items 0 and 1, once each): a tie, which goes to item 0.
  SlotDistributionPolicy policy = make_evaluation_policy(kind("popularity"), store);
  EXPECT_EQ(policy.marginal(0, 0), 1.0);
  EXPECT_EQ(policy.marginal(1, 1), 1.0);
  EXPECT_EQ(policy.marginal(2, 0) + policy.marginal(2, 1), 0.0);
  const std::int32_t top[] = {0, 1};
  const std::int32_t other[] = {1, 0};
  EXPECT_EQ(policy.prefix_probability(top, 2), 1.0);
  EXPECT_EQ(policy.prefix_probability(other, 1), 0.0);
  // Make session 2 (items 2, 2, 0) the only train session: item 2 moves to the top.
  store.session_split = {1, 1, 0};
  policy = make_evaluation_policy(kind("popularity"), store);
  EXPECT_EQ(policy.marginal(2, 0), 1.0);
  EXPECT_EQ(policy.marginal(0, 1), 1.0);
}

TEST(EvaluationPolicy, EmpiricalCountsAnotherStoresImpressionsByRawId) {
  TempDir dir;
  SessionStore source = testing::tiny_store(true);
  // Reverse the item table: the same raw ids at other indices must still match.
  source.item_raw_id = {"item/c with spaces", "b", "item-a"};
  source.item_category = {"hats", "", "shoes"};
  source.item_price = {100.25, std::nan(""), 9.5};
  write_session_store(source, dir / "source.h5");
  EvaluationPolicyConfig config = kind("empirical");
  config.store = (dir / "source.h5").string();
  const SlotDistributionPolicy policy = make_evaluation_policy(config, testing::tiny_store(true));
  // Source impressions (its indices): slot 0 shows 0 and 2, slot 1 shows 1 and 0; in the
  // evaluated store's indices 0 -> 2, 2 -> 0, 1 -> 1.
  EXPECT_DOUBLE_EQ(policy.marginal(2, 0), 0.5);
  EXPECT_DOUBLE_EQ(policy.marginal(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(policy.marginal(1, 1), 0.5);
  EXPECT_DOUBLE_EQ(policy.marginal(2, 1), 0.5);
  EXPECT_TRUE(std::isnan(policy.prefix_probability(std::vector<std::int32_t>{0}.data(), 1)));
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(EvaluationPolicy, FilePolicyReadsProbabilitiesAndNamesTheBadLine) {
  TempDir dir;
  const SessionStore store = testing::tiny_store(true);
  EvaluationPolicyConfig config = kind("file");
  config.file = (dir / "p.csv").string();
  write_text(dir / "p.csv",
             "item_id,position,probability\nitem-a,0,0.25\nb,0,0.75\nitem/c with spaces,1,1\n");
  const SlotDistributionPolicy policy = make_evaluation_policy(config, store);
  EXPECT_DOUBLE_EQ(policy.marginal(0, 0), 0.25);
  EXPECT_DOUBLE_EQ(policy.marginal(1, 0), 0.75);
  EXPECT_DOUBLE_EQ(policy.marginal(2, 1), 1.0);

  const auto error_of = [&](const std::string& text) {
    write_text(dir / "p.csv", text);
    try {
      make_evaluation_policy(config, store);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("item,pos,p\n").find("p.csv:1: header"), std::string::npos);
  EXPECT_NE(error_of("item_id,position,probability\nitem-a,0,1.5\n").find("p.csv:2: probability"),
            std::string::npos);
  EXPECT_NE(
      error_of("item_id,position,probability\nitem-a,0,1\nzz,1,1\n").find("p.csv:3: item 'zz'"),
      std::string::npos);
  EXPECT_NE(
      error_of("item_id,position,probability\nitem-a,0,0.5\nb,1,1\n").find("position 0 sum to 0.5"),
      std::string::npos);
  EXPECT_NE(error_of("item_id,position,probability\nitem-a,-1,0.5\n").find("p.csv:2: position"),
            std::string::npos);
}

}  // namespace
}  // namespace shoprl
