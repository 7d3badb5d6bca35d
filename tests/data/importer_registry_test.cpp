#include "data/importer_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "data/event_type.h"

namespace shoprl {
namespace {

using ::testing::HasSubstr;

TEST(ImporterRegistry, ListsEveryFormatOnceWithAFunction) {
  std::vector<std::string> names;
  for (const ImporterInfo& info : importers()) {
    names.emplace_back(info.name);
    EXPECT_NE(info.run, nullptr) << info.name;
    EXPECT_EQ(&find_importer(info.name), &info);
  }
  EXPECT_THAT(names,
              ::testing::UnorderedElementsAre("retailrocket", "yoochoose", "diginetica", "otto",
                                              "open-bandit", "sessions-csv", "decision-log"));
}

TEST(ImporterRegistry, DefaultEventsMapOntoKnownTypes) {
  for (const ImporterInfo& info : importers()) {
    EXPECT_NO_THROW(EventMap(info.default_events, {})) << info.name;
    EXPECT_FALSE(info.default_events.empty()) << info.name;
  }
}

// RetailRocket has visitors and the decision log units, but neither has sessions.
TEST(ImporterRegistry, OnlyUserKeyedLogsCutSessionsFromUsers) {
  for (const ImporterInfo& info : importers()) {
    const std::string name = info.name;
    EXPECT_EQ(info.sessions_from_users, name == "retailrocket" || name == "decision-log") << name;
  }
}

TEST(ImporterRegistry, UnknownFormatSuggestsTheNearest) {
  try {
    find_importer("retailroket");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "unknown import format 'retailroket'; did you mean 'retailrocket'?");
  }
}

TEST(ImporterRegistry, FarOffFormatListsTheKnownOnes) {
  try {
    find_importer("parquet-files");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("unknown import format 'parquet-files' (known: "
                                        "retailrocket, yoochoose"));
  }
}

}  // namespace
}  // namespace shoprl
