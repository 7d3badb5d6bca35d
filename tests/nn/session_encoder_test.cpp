#include "nn/session_encoder.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace shoprl {
namespace {

SessionEncoderOptions small_options(const std::string& kind) {
  SessionEncoderOptions options;
  options.kind = kind;
  options.num_items = 11;
  options.embedding_dim = 8;
  options.hidden_dim = 8;
  options.layers = 2;
  options.heads = 2;
  options.dropout = 0.1;
  options.max_length = 10;
  return options;
}

// Random events: [B, T] items in [0, I) and types in [0, 3).
std::pair<torch::Tensor, torch::Tensor> random_events(std::int64_t rows, std::int64_t length,
                                                      std::int64_t items) {
  return {torch::randint(items, {rows, length}, torch::kInt64),
          torch::randint(3, {rows, length}, torch::kInt64)};
}

class SessionEncoderKinds : public ::testing::TestWithParam<std::string> {};

TEST_P(SessionEncoderKinds, ReturnsOneStatePerEventPlusTheStart) {
  torch::manual_seed(1);
  SessionEncoder encoder(small_options(GetParam()));
  encoder->eval();
  const auto [items, types] = random_events(3, 5, 11);
  const torch::Tensor states = encoder->forward(items, types);
  EXPECT_EQ(states.sizes(), (std::vector<std::int64_t>{3, 6, 8}));
}

TEST_P(SessionEncoderKinds, ChangingEventTLeavesStatesUpToTUnchanged) {
  torch::manual_seed(2);
  SessionEncoder encoder(small_options(GetParam()));
  encoder->eval();
  torch::NoGradGuard no_grad;
  const auto [items, types] = random_events(2, 7, 11);
  const torch::Tensor before = encoder->forward(items, types);
  const std::int64_t t = 3;
  torch::Tensor changed_items = items.clone();
  torch::Tensor changed_types = types.clone();
  changed_items.select(1, t).copy_((items.select(1, t) + 1) % 11);
  changed_types.select(1, t).copy_((types.select(1, t) + 1) % 3);
  const torch::Tensor after = encoder->forward(changed_items, changed_types);
  // State t has read events 0..t-1 only.
  EXPECT_TRUE(torch::allclose(before.narrow(1, 0, t + 1), after.narrow(1, 0, t + 1), 0, 1e-6));
  // The change reaches state t + 1 (so the comparison above can fail).
  EXPECT_GT((before.select(1, t + 1) - after.select(1, t + 1)).abs().max().item<float>(), 1e-4);
}

TEST_P(SessionEncoderKinds, PaddingNeverReachesTheLastState) {
  torch::manual_seed(3);
  SessionEncoder encoder(small_options(GetParam()));
  encoder->eval();
  torch::NoGradGuard no_grad;
  const auto [items, types] = random_events(3, 6, 11);
  const torch::Tensor lengths = torch::tensor({6, 2, 0}, torch::kInt64);
  torch::Tensor padded_items = items.clone();
  torch::Tensor padded_types = types.clone();
  padded_items[1].narrow(0, 2, 4).fill_(-1);
  padded_types[1].narrow(0, 2, 4).fill_(-1);
  padded_items[2].fill_(-1);
  padded_types[2].fill_(-1);
  const torch::Tensor a = encoder->last_state(items, types, lengths);
  const torch::Tensor b = encoder->last_state(padded_items, padded_types, lengths);
  EXPECT_TRUE(torch::allclose(a, b, 0, 1e-6));
  const torch::Tensor states = encoder->forward(items, types);
  EXPECT_TRUE(torch::equal(a[0], states[0][6]));
  EXPECT_TRUE(torch::equal(a[1], states[1][2]));
  EXPECT_TRUE(torch::equal(a[2], states[2][0]));
}

INSTANTIATE_TEST_SUITE_P(Kinds, SessionEncoderKinds, ::testing::Values("gru", "attention", "mean"));

TEST(SessionEncoder, GruAdvanceReproducesForwardStates) {
  torch::manual_seed(4);
  SessionEncoder encoder(small_options("gru"));
  encoder->eval();
  torch::NoGradGuard no_grad;
  const auto [items, types] = random_events(4, 5, 11);
  const torch::Tensor states = encoder->forward(items, types);
  // Row r receives its events only at the steps where mask holds, so it lags the others.
  const torch::Tensor masks = torch::tensor(
      {{1, 1, 1, 1, 1, 1, 1}, {0, 1, 1, 0, 1, 1, 1}, {1, 0, 0, 0, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0}},
      torch::kBool);
  torch::Tensor state = encoder->initial_state(4);
  std::vector<std::int64_t> read(4, 0);
  EXPECT_TRUE(torch::allclose(SessionEncoderImpl::output(state), states.select(1, 0), 1e-5, 1e-6));
  for (std::int64_t step = 0; step < masks.size(1); ++step) {
    torch::Tensor step_items = torch::full({4}, -1, torch::kInt64);
    torch::Tensor step_types = torch::full({4}, -1, torch::kInt64);
    torch::Tensor mask = masks.select(1, step).clone();
    for (std::int64_t r = 0; r < 4; ++r) {
      if (!mask[r].item<bool>() || read[r] == 5) {
        mask[r] = false;
        continue;
      }
      step_items[r] = items[r][read[r]];
      step_types[r] = types[r][read[r]];
      ++read[r];
    }
    state = encoder->advance(state, step_items, step_types, mask);
    const torch::Tensor out = SessionEncoderImpl::output(state);
    for (std::int64_t r = 0; r < 4; ++r)
      EXPECT_TRUE(torch::allclose(out[r], states[r][read[r]], 1e-5, 1e-6))
          << "row " << r << " after step " << step;
  }
  EXPECT_EQ(read, (std::vector<std::int64_t>{5, 5, 4, 0}));
}

TEST(SessionEncoder, AttentionRefusesSequencesLongerThanItsPositions) {
  SessionEncoder encoder(small_options("attention"));
  const auto [items, types] = random_events(1, 11, 11);
  EXPECT_THROW(encoder->forward(items, types), ConfigError);
  EXPECT_NO_THROW(encoder->forward(items.narrow(1, 0, 10), types.narrow(1, 0, 10)));
}

TEST(SessionEncoder, RejectsHeadsThatDoNotDivideTheWidth) {
  SessionEncoderOptions options = small_options("attention");
  options.heads = 3;
  EXPECT_THROW(SessionEncoder{options}, ConfigError);
  options.kind = "lstm";
  EXPECT_THROW(SessionEncoder{options}, ConfigError);
}

}  // namespace
}  // namespace shoprl
