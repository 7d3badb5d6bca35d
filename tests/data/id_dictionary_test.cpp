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

TEST(IdDictionary, TellsApartKeysThatShareTheirFirstEightBytesOrDifferInLength) {
  IdDictionary d;
  const std::string with_nul("ab\0", 3);
  EXPECT_EQ(d.intern("abcdefgh1"), 0);
  EXPECT_EQ(d.intern("abcdefgh2"), 1);
  EXPECT_EQ(d.intern("abcdefgh"), 2);
  EXPECT_EQ(d.intern("ab"), 3);
  EXPECT_EQ(d.intern(with_nul), 4);
  EXPECT_EQ(d.intern(""), 5);
  EXPECT_EQ(d.find("abcdefgh2"), 1);
  EXPECT_EQ(d.find("abcdefgh3"), -1);
  EXPECT_EQ(d.find(with_nul), 4);
  EXPECT_EQ(d.find(""), 5);
}

TEST(IdDictionary, AgreesWithStdUnorderedMapThroughManyGrowths) {
  IdDictionary d;
  std::unordered_map<std::string, std::int32_t> reference;
  for (int i = 0; i < 200000; ++i) {
    // Short numeric keys and long ones with a shared prefix exercise both compare paths.
    const std::string number = std::to_string((i * 2654435761u) % 70001u);
    const std::string key = i % 2 ? number : "item-0000" + number;
    const auto [it, inserted] = reference.emplace(key, static_cast<std::int32_t>(reference.size()));
    ASSERT_EQ(d.intern(key), it->second);
  }
  EXPECT_EQ(d.size(), reference.size());
  for (const auto& [key, index] : reference) ASSERT_EQ(d.find(key), index);
}

}  // namespace
}  // namespace shoprl
