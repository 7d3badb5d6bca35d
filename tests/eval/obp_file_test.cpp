// Tests the Open Bandit Pipeline file reader (src/eval/obp_file.cpp): files written by h5py
// (tools/obp_test_file.py, which also computes the expected per-row values in NumPy) read back
// exactly, in several NumPy types and chunkings and across row blocks; a file written by
// Hdf5File reads without Python; and every kind of bad input is one DataError naming the file,
// the dataset and the first bad row. The h5py tests skip where /usr/bin/python3 lacks h5py.
#include "eval/obp_file.h"

#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/hdf5_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

constexpr int kSkipExitCode = 77;

// Writes `path` with tools/obp_test_file.py and its arguments; the JSON it prints goes into
// `expected`. A skip where h5py is missing.
void write_with_h5py(const std::filesystem::path& path, const std::string& arguments,
                     nlohmann::json& expected) {
  const std::string script = (testing::source_dir() / "tools" / "obp_test_file.py").string();
  const testing::CommandResult result = testing::run_command("/usr/bin/python3 '" + script + "' '" +
                                                             path.string() + "' " + arguments);
  if (result.exit_code == kSkipExitCode) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import numpy and h5py (install python3-h5py): "
                 << result.output;
  }
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expected = nlohmann::json::parse(result.output);
}

void expect_rounds_match(const ObpInput& input, const nlohmann::json& expected, double tolerance) {
  const LoggedRounds& rounds = input.rounds;
  const std::size_t n = expected["rows"];
  ASSERT_EQ(rounds.size(), n);
  ASSERT_EQ(rounds.target_pscore.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(rounds.target_pscore[i], expected["target_pscore"][i].get<double>(), tolerance)
        << "row " << i;
    EXPECT_NEAR(rounds.target_inclusion[i], expected["target_inclusion"][i].get<double>(),
                4 * tolerance)
        << "row " << i;
  }
  if (expected.contains("q_logged")) {
    ASSERT_EQ(rounds.q_logged.size(), n);
    ASSERT_EQ(rounds.q_target.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(rounds.q_logged[i], expected["q_logged"][i].get<double>(), tolerance);
      EXPECT_NEAR(rounds.q_target[i], expected["q_target"][i].get<double>(), tolerance);
    }
  } else {
    EXPECT_FALSE(rounds.has_reward_model());
  }
}

TEST(ObpFile, ReadsWhatH5pyWrote) {
  const testing::TempDir dir;
  nlohmann::json expected;
  write_with_h5py(dir / "obp.h5", "--rows 40 --actions 5 --len-list 3", expected);
  if (IsSkipped() || HasFatalFailure()) return;
  const ObpInput input = read_obp_file(dir / "obp.h5");
  expect_rounds_match(input, expected, 1e-15);
  EXPECT_EQ(input.n_actions, 5u);
  EXPECT_EQ(input.rounds.len_list, 3);
  EXPECT_EQ(input.action.size(), 40u);
  EXPECT_EQ(input.context_dim, 3u);
  EXPECT_EQ(input.context.size(), 120u);
  EXPECT_EQ(input.action_context_dim, 2u);
  EXPECT_EQ(input.action_context.size(), 10u);
  EXPECT_FALSE(input.rounds.has_slates());
}

TEST(ObpFile, ReadsNarrowTypesChunkedAcrossManyBlocks) {
  // bool rewards, int32 actions, int8 positions, float32 probabilities, gzip chunks of 7 rows,
  // and blocks of one chunk (block_bytes below one row rounds up to a chunk).
  const testing::TempDir dir;
  nlohmann::json expected;
  write_with_h5py(dir / "obp.h5",
                  "--rows 50 --actions 6 --len-list 2 --narrow-types --chunk-rows 7 --seed 3",
                  expected);
  if (IsSkipped() || HasFatalFailure()) return;
  ObpReadOptions options;
  options.block_bytes = 1;
  const ObpInput input = read_obp_file(dir / "obp.h5", options);
  // float32 values are widened exactly; the sums over actions differ from NumPy's float32
  // einsum by float32 rounding only.
  expect_rounds_match(input, expected, 1e-6);
  double rewards = 0;
  for (double r : input.rounds.reward) {
    EXPECT_TRUE(r == 0 || r == 1);
    rewards += r;
  }
  EXPECT_NEAR(rewards / 50, expected["logging_value"].get<double>(), 1e-15);
}

TEST(ObpFile, ContiguousDatasetAcrossBlocksWithoutARewardModel) {
  const testing::TempDir dir;
  nlohmann::json expected;
  write_with_h5py(dir / "obp.h5", "--rows 33 --actions 4 --len-list 1 --no-reward-model", expected);
  if (IsSkipped() || HasFatalFailure()) return;
  ObpReadOptions options;
  options.block_bytes = 5 * 4 * sizeof(double);  // 5 rows a block, the last one partial
  const ObpInput input = read_obp_file(dir / "obp.h5", options);
  expect_rounds_match(input, expected, 1e-15);
  EXPECT_FALSE(input.rounds.has_reward_model());
}

TEST(ObpFile, ReadsAFileWrittenByHdf5File) {
  // len_list 1 as a 2-D action_dist; no Python needed.
  const testing::TempDir dir;
  {
    Hdf5File file = Hdf5File::create(dir / "obp.h5", "obp.h5");
    file.write_array<double>("/reward", {1, 0, 1});
    file.write_array<std::int64_t>("/action", {0, 2, 1});
    file.write_array<std::int64_t>("/position", {0, 0, 0});
    file.write_array<double>("/pscore", {0.5, 0.25, 0.25});
    file.write_matrix<double>("/action_dist", {0.2, 0.3, 0.5, 1, 0, 0, 0.1, 0.1, 0.8}, 3, 3);
    file.write_matrix<double>("/estimated_rewards_by_reg_model", {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
    file.close();
  }
  const ObpInput input = read_obp_file(dir / "obp.h5");
  EXPECT_EQ(input.rounds.target_pscore, (std::vector<double>{0.2, 0.0, 0.1}));
  EXPECT_EQ(input.rounds.q_logged, (std::vector<double>{1, 6, 8}));
  EXPECT_NEAR(input.rounds.q_target[0], 0.2 * 1 + 0.3 * 2 + 0.5 * 3, 1e-15);
  EXPECT_NEAR(input.rounds.q_target[1], 4.0, 1e-15);
  EXPECT_NEAR(input.rounds.q_target[2], 0.7 + 0.8 + 7.2, 1e-14);
  EXPECT_EQ(input.rounds.len_list, 1);
}

// As in Open Bandit Pipeline, a file with one slot may leave `position` out: every round is at
// slot 0, and the rounds read back as with an explicit column of zeros.
TEST(ObpFile, PositionMayBeLeftOutWhenThereIsOneSlot) {
  const testing::TempDir dir;
  for (const bool with_position : {true, false}) {
    const auto path = dir / (with_position ? "with.h5" : "without.h5");
    Hdf5File file = Hdf5File::create(path, path.string());
    file.write_array<double>("/reward", {1, 0, 1});
    file.write_array<std::int64_t>("/action", {0, 2, 1});
    if (with_position) file.write_array<std::int64_t>("/position", {0, 0, 0});
    file.write_array<double>("/pscore", {0.5, 0.25, 0.25});
    file.write_matrix<double>("/action_dist", {0.2, 0.3, 0.5, 1, 0, 0, 0.1, 0.1, 0.8}, 3, 3);
    file.close();
  }
  const ObpInput with = read_obp_file(dir / "with.h5");
  const ObpInput without = read_obp_file(dir / "without.h5");
  EXPECT_EQ(without.rounds.position, (std::vector<std::int32_t>{0, 0, 0}));
  EXPECT_EQ(without.rounds.target_pscore, with.rounds.target_pscore);
}

TEST(ObpFile, ASessionStoreIsNamedAndPointedAtEvaluate) {
  const testing::TempDir dir;
  const auto path = dir / "store.h5";
  Hdf5File file = Hdf5File::create(path, path.string());
  file.write_array<std::int64_t>("/sessions/offsets", {0, 2});
  file.close();
  try {
    read_obp_file(path);
    FAIL() << "no error";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("session store"), std::string::npos) << message;
    EXPECT_NE(message.find("shoprl evaluate"), std::string::npos) << message;
  }
}

struct BadInput {
  const char* defect;
  const char* dataset;  // as the message names it
  const char* where;    // "row 3", "row 5, action 1", ...
};

class ObpFileBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(ObpFileBadInput, IsOneDataErrorNamingDatasetAndRow) {
  const BadInput& bad = GetParam();
  const testing::TempDir dir;
  nlohmann::json expected;
  write_with_h5py(dir / "bad.h5", std::string("--defect ") + bad.defect, expected);
  if (IsSkipped() || HasFatalFailure()) return;
  try {
    read_obp_file(dir / "bad.h5");
    FAIL() << bad.defect << ": no error";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("bad.h5"), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("dataset /") + bad.dataset), std::string::npos) << message;
    EXPECT_NE(message.find(bad.where), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind, ObpFileBadInput,
    ::testing::Values(
        BadInput{"missing:pscore", "pscore", "missing"},
        BadInput{"missing:action_dist", "action_dist", "missing"},
        BadInput{"missing:position", "position", "missing (it may be left out only when"},
        BadInput{"reward_nan", "reward", "row 3: nan is not finite"},
        BadInput{"reward_inf", "reward", "row 4: inf is not finite"},
        BadInput{"pscore_zero", "pscore", "row 2: 0 is not a probability"},
        BadInput{"pscore_above_one", "pscore", "row 5: 1.5 is not a probability"},
        BadInput{"pscore_nan", "pscore", "row 1: nan"},
        BadInput{"action_out_of_range", "action", "row 4: action 4 is outside [0, 4)"},
        BadInput{"action_negative", "action", "row 6: action -1"},
        BadInput{"position_out_of_range", "position", "row 1: position 2 is outside [0, 2)"},
        BadInput{"action_dist_negative", "action_dist", "row 5, action 1, slot"},
        BadInput{"action_dist_sum", "action_dist",
                 "row 2, slot 1: the probabilities over "
                 "actions sum to 1.01"},
        BadInput{"action_dist_nan", "action_dist", "row 7, action 2, slot 0: nan"},
        BadInput{"q_nan", "estimated_rewards_by_reg_model", "row 3, action 1, slot 0: nan"},
        BadInput{"length_mismatch", "pscore", "has 11 rows, but reward has 12"},
        BadInput{"shape_mismatch", "estimated_rewards_by_reg_model",
                 "has shape [12, 5, 2], but action_dist has [12, 4, 2]"},
        BadInput{"action_dist_rank", "action_dist", "has shape [12], expected [12, n_actions"},
        BadInput{"slate_not_contiguous", "slate_id", "row 11: id 0 reappears"}),
    [](const ::testing::TestParamInfo<BadInput>& info) {
      std::string name = info.param.defect;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(ObpFile, MissingFileIsAnIoError) {
  const testing::TempDir dir;
  EXPECT_THROW(read_obp_file(dir / "absent.h5"), IoError);
}

}  // namespace
}  // namespace shoprl
