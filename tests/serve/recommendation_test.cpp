// Tests one recommendation (src/serve/recommendation.cpp): the propensities a server reports are
// those policy/slate_propensities.h computes for the same scores and slate, under every rule;
// exclusions are honoured and the probabilities are those of what may be shown; unknown ids are
// named, not fatal; and every malformed request is a 4xx naming its field.
#include "serve/recommendation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "policy/slate_propensities.h"
#include "serve/serve_fixtures.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

class Recommendation : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::export_test_policy(dir_.path(), "rec", 1, 3);
    ModelRegistry registry(dir_.path());
    registry.refresh();
    model_ = registry.get("rec");
    ASSERT_NE(model_, nullptr);
  }
  RecommendRequest request(const std::string& mode, int k = 4) const {
    RecommendRequest r;
    r.items = {"i3", "i7", "i1", "i30"};
    r.events = {"click", "cart", "click", "purchase"};
    r.k = k;
    r.mode = mode;
    return r;
  }
  // The scores of the request's history, as the decision used them.
  torch::Tensor scores_of(const Decision& d) const {
    const auto index = torch::dtype(torch::kInt64);
    const auto n = static_cast<std::int64_t>(d.history_items.size());
    torch::Tensor items =
        torch::tensor(std::vector<std::int64_t>(d.history_items.begin(), d.history_items.end()),
                      index)
            .view({1, n});
    torch::Tensor types =
        torch::tensor(std::vector<std::int64_t>(d.history_types.begin(), d.history_types.end()),
                      index)
            .view({1, n});
    return model_->policy.scores({items, types, torch::full({1}, n, index)});
  }

  testing::TempDir dir_;
  std::shared_ptr<const ServedModel> model_;
};

TEST_F(Recommendation, PropensitiesAreThoseOfSlatePropensitiesUnderEveryRule) {
  for (const std::string mode : {"greedy", "sample", "epsilon"}) {
    const Decision d = decide(*model_, request(mode), 99, 64);
    ASSERT_EQ(d.slate.size(), 4u) << mode;
    const torch::Tensor scores = scores_of(d);
    SlateRuleConfig rule;
    rule.rule = d.rule;
    rule.temperature = d.temperature;
    rule.epsilon = d.epsilon;
    const torch::Tensor slates =
        torch::tensor(std::vector<std::int64_t>(d.slate.begin(), d.slate.end())).view({1, -1});
    const SlatePropensities expected =
        slate_propensities(scores, slates, rule, 64, d.marginal_seed);
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(d.marginal[k], expected.marginal[0][k].item<double>()) << mode << " slot " << k;
      EXPECT_EQ(d.prefix[k], expected.prefix[0][k].item<double>()) << mode << " slot " << k;
    }
    EXPECT_EQ(d.slate_propensity, expected.slate[0].item<double>()) << mode;
    EXPECT_GT(d.slate_propensity, 0) << mode;
  }
  // Greedy is the top k of the scores, with probability one.
  const Decision greedy = decide(*model_, request("greedy"), 1, 64);
  const torch::Tensor top = std::get<1>(scores_of(greedy).topk(4, 1));
  for (int k = 0; k < 4; ++k) EXPECT_EQ(greedy.slate[k], top[0][k].item<std::int64_t>());
  EXPECT_EQ(greedy.slate_propensity, 1.0);
}

TEST_F(Recommendation, TheSameSeedGivesTheSameSampledSlate) {
  const Decision a = decide(*model_, request("sample"), 5, 64);
  const Decision b = decide(*model_, request("sample"), 5, 64);
  EXPECT_EQ(a.slate, b.slate);
  EXPECT_EQ(a.marginal, b.marginal);
}

TEST_F(Recommendation, ExcludedItemsAreNeverShownAndUnknownIdsAreNamed) {
  RecommendRequest r = request("sample", 4);
  for (int i = 0; i < 30; ++i) r.exclude.push_back(synthetic_item_id(i));
  r.exclude.push_back("nonsense");
  r.items.push_back("no-such-item");
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const Decision d = decide(*model_, r, seed, 64);
    const std::set<std::int32_t> shown(d.slate.begin(), d.slate.end());
    EXPECT_EQ(shown.size(), 4u);
    for (const std::int32_t item : d.slate) EXPECT_GE(item, 30);
  }
  const Decision d = decide(*model_, r, 0, 64);
  ASSERT_EQ(d.warnings.size(), 2u);
  EXPECT_NE(d.warnings[0].find("no-such-item"), std::string::npos);
  EXPECT_NE(d.warnings[1].find("nonsense"), std::string::npos);
  // 10 items may be shown: k = 11 is a bad request naming k.
  r.k = 11;
  try {
    decide(*model_, r, 0, 64);
    FAIL() << "no error";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.field(), "k");
  }
}

TEST(RecommendRequestParsing, EveryMistakeNamesItsField) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "body"},
      {"[1, 2]", "body"},
      {R"({"k": 3})", "session"},
      {R"({"session": {"items": ["a"]}})", "k"},
      {R"({"session": {"items": ["a"]}, "k": "3"})", "k"},
      {R"({"session": {"items": ["a"]}, "k": 0})", "k"},
      {R"({"session": {"items": ["a"]}, "k": 99})", "k"},
      {R"({"session": {"items": "a"}, "k": 3})", "session.items"},
      {R"({"session": {"items": ["a", 1.5]}, "k": 3})", "session.items[1]"},
      {R"({"session": {"items": ["a"], "events": ["buy"]}, "k": 3})", "session.events[0]"},
      {R"({"session": {"items": ["a"], "events": []}, "k": 3})", "session.events"},
      {R"({"session": {"items": []}, "k": 3, "policy": {"mode": "best"}})", "policy.mode"},
      {R"({"session": {"items": []}, "k": 3, "policy": {"temperature": -1}})",
       "policy.temperature"},
      {R"({"session": {"items": []}, "k": 3, "policy": {"epsilon": 2}})", "policy.epsilon"},
      {R"({"session": {"items": []}, "k": 3, "exclude": [{}]})", "exclude[0]"},
      {R"({"session": {"items": []}, "k": 3, "colour": "red"})", "colour"},
      {R"({"session": {"items": []}, "k": 3, "request_id": 7})", "request_id"},
  };
  for (const auto& [body, field] : cases) {
    try {
      parse_recommend_request(body);
      ADD_FAILURE() << body << ": accepted";
    } catch (const RequestError& e) {
      EXPECT_EQ(e.status(), 400) << body;
      EXPECT_EQ(e.field(), field) << body << ": " << e.what();
    }
  }
  const RecommendRequest ok = parse_recommend_request(
      R"({"request_id": "r1", "session": {"items": ["a", 17], "events": ["click", "cart"]},)"
      R"( "k": 3, "exclude": ["b"], "policy": {"mode": "epsilon", "epsilon": 0.3}})");
  EXPECT_EQ(ok.items, (std::vector<std::string>{"a", "17"}));
  EXPECT_EQ(ok.k, 3);
  EXPECT_EQ(*ok.epsilon, 0.3);
}

TEST(FeedbackLine, IsValidatedAndTimestamped) {
  const auto line = nlohmann::json::parse(feedback_log_line(
      R"({"request_id": "r1", "events": [{"item": "i3", "type": "click", "position": 1}]})", 123));
  EXPECT_EQ(line.at("time_ms"), 123);
  EXPECT_EQ(line.at("events").at(0).at("position"), 1);
  for (const char* body :
       {R"({"events": [{"item": "a", "type": "click"}]})", R"({"request_id": "r", "events": []})",
        R"({"request_id": "r", "events": [{"item": "a", "type": "view"}]})",
        R"({"request_id": "r", "events": [{"item": "a", "type": "click", "position": -1}]})"}) {
    EXPECT_THROW(feedback_log_line(body, 0), RequestError) << body;
  }
}

}  // namespace
}  // namespace shoprl
