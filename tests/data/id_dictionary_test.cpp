#include "data/id_dictionary.h"

#include <gtest/gtest.h>

#include <unordered_map>

namespace shoprl {
namespace {

TEST(IdDictionary, AssignsDenseIndicesInFirstAppearanceOrder) {
  IdDictionary d;
  EXPECT_EQ(d.intern("b"), 0);
  EXPECT_EQ(d.intern("a"), 1);
  EXPECT_EQ(d.intern("b"), 0);
  EXPECT_EQ(d.find("a"), 1);
  EXPECT_EQ(d.find("zzz"), -1);
  EXPECT_EQ(d.key(1), "a");
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"b", "a"}));
}

TEST(IdDictionary, AgreesWithStdUnorderedMapThroughManyGrowths) {
  IdDictionary d;
  std::unordered_map<std::string, std::int32_t> reference;
  for (int i = 0; i < 200000; ++i) {
    const std::string key = std::to_string((i * 2654435761u) % 70001u);
    const auto [it, inserted] = reference.emplace(key, static_cast<std::int32_t>(reference.size()));
    ASSERT_EQ(d.intern(key), it->second);
  }
  EXPECT_EQ(d.size(), reference.size());
  for (const auto& [key, index] : reference) ASSERT_EQ(d.find(key), index);
}

}  // namespace
}  // namespace shoprl
