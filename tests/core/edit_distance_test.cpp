#include "core/edit_distance.h"

#include <gtest/gtest.h>

namespace shoprl {
namespace {

TEST(EditDistance, MatchesHandComputedCases) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("steps", "stpes"), 2u);
}

TEST(NearestMatch, SuggestsOnlyPlausibleTypos) {
  const std::vector<std::string> keys{"min_session_length", "min_item_support", "dedupe"};
  EXPECT_EQ(nearest_match("min_sesion_length", keys), "min_session_length");
  EXPECT_EQ(nearest_match("dedup", keys), "dedupe");
  EXPECT_EQ(nearest_match("completely_else", keys), "");
}

}  // namespace
}  // namespace shoprl
