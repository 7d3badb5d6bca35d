#include "eval/estimator_registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/error.h"

namespace shoprl {
namespace {

TEST(EstimatorRegistry, NamesAreUniqueAndEveryEntryIsComplete) {
  std::set<std::string> names;
  for (const EstimatorSpec& spec : estimator_registry()) {
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate " << spec.name;
    EXPECT_NE(std::string(spec.full_name), "");
    EXPECT_NE(spec.terms, nullptr) << spec.name;
    const std::string unit = spec.unit;
    EXPECT_EQ(unit, spec.kind == EstimatorKind::kBandit  ? "round"
                    : spec.kind == EstimatorKind::kSlate ? "slate"
                                                         : "session")
        << spec.name;
  }
}

TEST(EstimatorRegistry, ListsEveryEstimatorInReportOrder) {
  const std::vector<std::string> expected = {
      "dm",   "ipw",  "snipw", "dr",   "sndr",  "switch-dr", "dr-os",  "sips", "snsips",
      "iips", "rips", "pi",    "pdis", "wpdis", "tmis",      "seq-dr", "wdr",  "magic"};
  const std::vector<EstimatorSpec>& registry = estimator_registry();
  ASSERT_EQ(registry.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(registry[i].name, expected[i]);
}

TEST(EstimatorRegistry, EveryDefaultEstimatorIsRegisteredOnceTheSequentialOnesLand) {
  // The default ope.estimators must all resolve; the sequential ones join from their branch.
  for (const std::string& name : OpeConfig{}.estimators) {
    bool sequential = false;
    for (const char* s : {"pdis", "wpdis", "tmis", "seq-dr", "wdr", "magic"})
      sequential |= name == s;
    if (sequential) continue;
    EXPECT_EQ(find_estimator(name).name, name);
  }
}

TEST(EstimatorRegistry, UnknownNameIsAConfigErrorListingTheKnownNames) {
  try {
    find_estimator("snips");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("ope.estimators"), std::string::npos) << message;
    EXPECT_NE(message.find("'snips'"), std::string::npos) << message;
    EXPECT_NE(message.find("snipw"), std::string::npos) << message;
    EXPECT_NE(message.find("dr-os"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace shoprl
