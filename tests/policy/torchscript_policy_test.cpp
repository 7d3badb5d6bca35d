// Tests the scripted policy (src/policy/torchscript_policy.cpp): for every encoder and every
// head an agent scores with, the TorchScript module gives the C++ network's scores bit for bit
// on the CPU, before and after a save/load round trip, for histories shorter and longer than
// the window (so the window is exercised) and of every length down to the empty session.
#include "policy/torchscript_policy.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <string>
#include <tuple>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

constexpr std::int64_t kScriptItems = 37;
constexpr int kWindow = 6;

PolicyNetworkConfig network_config(const std::string& encoder, bool dueling) {
  PolicyNetworkConfig config;
  config.encoder = encoder;
  config.embedding_dim = 8;
  config.hidden_dim = 8;
  config.layers = 2;
  config.heads = 2;
  config.dropout = 0.1;  // off in eval mode, as when exported
  config.history_length = kWindow;
  config.dueling = dueling;
  return config;
}

// Histories of every length 0..2 * kWindow + 1, -1 padded, all event types.
SessionBatch histories() {
  torch::manual_seed(5);
  const std::int64_t width = 2 * kWindow + 1;
  const auto index = torch::dtype(torch::kInt64);
  const torch::Tensor lengths = torch::arange(width + 1, index);
  const torch::Tensor valid = torch::arange(width, index).view({1, -1}) < lengths.view({-1, 1});
  const torch::Tensor pad = torch::full({width + 1, width}, -1, index);
  return {torch::where(valid, torch::randint(0, kScriptItems, {width + 1, width}, index), pad),
          torch::where(valid, torch::randint(0, 3, {width + 1, width}, index), pad), lengths};
}

torch::Tensor scripted_scores(torch::jit::Module& module, const SessionBatch& batch) {
  return module.forward({batch.items, batch.types, batch.lengths}).toTensor();
}

using Case = std::tuple<std::string, ScoreHead, bool, double>;  // encoder, head, dueling, divisor

class ScriptedPolicy : public ::testing::TestWithParam<Case> {};

TEST_P(ScriptedPolicy, ScoresEqualTheNetworksBitForBit) {
  const auto& [encoder, head, dueling, divisor] = GetParam();
  torch::manual_seed(11);
  PolicyHeads heads;
  heads.second_item_head = head != ScoreHead::kItem;
  heads.value_head = true;  // present in some agents' networks, never read when scoring
  PolicyNetwork network(network_config(encoder, dueling), kScriptItems, heads);
  network->eval();
  const ScoringNetwork scoring{network, head, divisor};
  const SessionBatch batch = histories();
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    expected = network_scores(scoring, batch);
  }
  torch::jit::Module module = script_policy(scoring);
  const torch::Tensor scores = scripted_scores(module, batch);
  ASSERT_EQ(scores.sizes(), expected.sizes());
  EXPECT_TRUE(torch::equal(scores, expected))
      << "largest difference " << (scores - expected).abs().max().item<double>();

  // Saved and loaded, as a server and Python read it.
  const testing::TempDir dir;
  module.save((dir / "model.pt").string());
  torch::jit::Module loaded = torch::jit::load((dir / "model.pt").string());
  EXPECT_TRUE(torch::equal(scripted_scores(loaded, batch), expected));
  // Lengths as Triton passes them, [B, 1].
  EXPECT_TRUE(torch::equal(
      loaded.forward({batch.items, batch.types, batch.lengths.view({-1, 1})}).toTensor(),
      expected));
}

// A test name per case (a named function: the commas of a lambda's braces would split the
// macro's arguments).
std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const char* heads[] = {"item", "second", "slateq"};
  return std::get<0>(info.param) + "_" + heads[static_cast<int>(std::get<1>(info.param))] +
         (std::get<2>(info.param) ? "_dueling" : "") +
         (std::get<3>(info.param) != 1.0 ? "_scaled" : "");
}

INSTANTIATE_TEST_SUITE_P(EncodersAndHeads, ScriptedPolicy,
                         ::testing::Values(Case{"gru", ScoreHead::kItem, false, 1.0},
                                           Case{"gru", ScoreHead::kItem, true, 1.0},
                                           Case{"gru", ScoreHead::kSlateq, false, 1.0},
                                           Case{"attention", ScoreHead::kItem, false, 0.7},
                                           Case{"attention", ScoreHead::kSecondItem, false, 1.0},
                                           Case{"attention", ScoreHead::kSlateq, true, 1.0},
                                           Case{"mean", ScoreHead::kItem, false, 2.5},
                                           Case{"mean", ScoreHead::kSecondItem, false, 1.0},
                                           Case{"mean", ScoreHead::kItem, true, 1.0}),
                         case_name);

}  // namespace
}  // namespace shoprl
