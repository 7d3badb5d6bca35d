// Tests the true value beside the estimates (src/eval/true_value.cpp): each unit gets the truth
// only where it is the same quantity (the logged states' value for slates and rounds of
// sessions with several slates), and a discounted session estimate is never set beside the
// undiscounted truth.
#include "eval/true_value.h"

#include <gtest/gtest.h>

#include <cmath>

namespace shoprl {
namespace {

// Two sessions of `slates_per_session` slates of two slots each.
LoggedRounds rounds_of(int slates_per_session) {
  LoggedRounds rounds;
  rounds.len_list = 2;
  std::int64_t slate = 0;
  for (std::int64_t session = 0; session < 2; ++session) {
    for (int s = 0; s < slates_per_session; ++s, ++slate) {
      for (int slot = 0; slot < 2; ++slot) {
        rounds.reward.push_back(0);
        rounds.slate_id.push_back(slate);
        rounds.session_id.push_back(session);
        rounds.position.push_back(slot);
      }
    }
  }
  return rounds;
}

OpeResult estimates_in_every_unit() {
  OpeResult result;
  for (const char* unit : {"round", "slate", "session"}) {
    Estimate estimate;
    estimate.estimator = std::string("est-") + unit;
    estimate.unit = unit;
    estimate.value = 1;
    result.estimates.push_back(estimate);
  }
  return result;
}

const PolicyValue kTruth{"target", 3.0, 0.1, 1000};

TEST(TrueValue, UndiscountedSessionsOfSeveralSlatesCompareTheSessionUnitOnly) {
  OpeResult result = estimates_in_every_unit();
  attach_true_value(kTruth, rounds_of(3), 1.0, result);
  EXPECT_TRUE(std::isnan(result.estimates[0].true_value));
  EXPECT_TRUE(std::isnan(result.estimates[1].true_value));
  EXPECT_EQ(result.estimates[2].true_value, 3.0);
}

TEST(TrueValue, ADiscountedSessionEstimateIsNeverSetBesideTheUndiscountedTruth) {
  OpeResult result = estimates_in_every_unit();
  const std::vector<std::string> notes = attach_true_value(kTruth, rounds_of(3), 0.9, result);
  for (const Estimate& estimate : result.estimates)
    EXPECT_TRUE(std::isnan(estimate.true_value)) << estimate.unit;
  bool said_why = false;
  for (const std::string& note : notes)
    said_why |= note.find("ope.gamma = 0.9") != std::string::npos;
  EXPECT_TRUE(said_why);
}

TEST(TrueValue, SlatesAndRoundsOfLongerSessionsGetTheLoggedStatesValue) {
  const PolicyValue in_logged_states{"target in the logged states", 0.8, 0.0, 6};
  OpeResult result = estimates_in_every_unit();
  const std::vector<std::string> notes =
      attach_true_value(kTruth, rounds_of(3), 0.9, result, &in_logged_states);
  EXPECT_DOUBLE_EQ(result.estimates[0].true_value, 0.4);  // per round: 0.8 / 2 slots
  EXPECT_EQ(result.estimates[1].true_value, 0.8);
  EXPECT_EQ(result.estimates[1].true_value_std_error, 0.0);
  // Discounting touches the session unit only.
  EXPECT_TRUE(std::isnan(result.estimates[2].true_value));
  bool explained = false;
  for (const std::string& note : notes)
    explained |= note.find("6 logged states") != std::string::npos;
  EXPECT_TRUE(explained);
}

TEST(TrueValue, OneSlatePerSessionIsNotDiscountedAtAll) {
  OpeResult result = estimates_in_every_unit();
  attach_true_value(kTruth, rounds_of(1), 0.5, result);
  EXPECT_DOUBLE_EQ(result.estimates[0].true_value, 1.5);  // per round: 3 / 2 slots
  EXPECT_EQ(result.estimates[1].true_value, 3.0);
  EXPECT_EQ(result.estimates[2].true_value, 3.0);
}

}  // namespace
}  // namespace shoprl
