// The reward model fitted to an OBP file: its rows, and the second pass over action_dist that
// turns the model's q into each row's sum_a pi(a | x, slot) q(x, a, slot).
#include "eval/obp_reward_model.h"

#include <gtest/gtest.h>

#include "data/hdf5_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

// q(row, a, slot) = row + 10 a: every row and action distinguishable.
class KnownObpModel final : public RewardModel {
 public:
  explicit KnownObpModel(const RewardModelData& data) : RewardModel(data) {}
  void predict(std::size_t row, int, double* out) const override {
    for (int a = 0; a < data().actions; ++a) out[a] = static_cast<double>(row) + 10.0 * a;
  }
};

TEST(ObpRewardModel, SecondPassWeighsTheModelByEachRowsActionDist) {
  testing::TempDir dir;
  const auto path = dir / "obp.h5";
  // 5 rows, 3 actions, one slot (action_dist stored [n, actions]).
  const std::vector<double> dist = {1, 0, 0, 0, 1, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5, 0, 0, 1};
  {
    Hdf5File file = Hdf5File::create(path, path.string());
    file.write_array<double>("/reward", {1, 0, 1, 0, 1});
    file.write_array<std::int64_t>("/action", {0, 1, 2, 1, 0});
    file.write_array<std::int64_t>("/position", {0, 0, 0, 0, 0});
    file.write_array<double>("/pscore", {0.5, 0.5, 0.25, 0.5, 0.5});
    file.write_matrix<double>("/action_dist", dist, 5, 3);
    file.close();
  }
  ObpReadOptions options;
  options.block_bytes = 2 * 3 * sizeof(double);  // two rows a block: three blocks
  ObpInput input = read_obp_file(path, options);
  const RewardModelData data = obp_reward_model_data(input, 1);
  EXPECT_EQ(data.rows, 5u);
  EXPECT_EQ(data.actions, 3);
  EXPECT_EQ(data.action, (std::vector<std::int32_t>{0, 1, 2, 1, 0}));
  const KnownObpModel model(data);
  add_obp_reward_model_predictions(path, input, model, options.block_bytes);
  const std::vector<double> q_logged = {0, 11, 22, 13, 4};
  const std::vector<double> q_target = {0 + 0, 1 + 10, 2 + 5, 3 + 0.3 * 10 + 0.5 * 20, 4 + 20};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_DOUBLE_EQ(input.rounds.q_logged[i], q_logged[i]) << i;
    EXPECT_DOUBLE_EQ(input.rounds.q_target[i], q_target[i]) << i;
  }
  EXPECT_TRUE(input.rounds.has_reward_model());
}

}  // namespace
}  // namespace shoprl
