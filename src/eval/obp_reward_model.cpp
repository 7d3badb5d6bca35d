#include "eval/obp_reward_model.h"

#include <algorithm>

#include "data/hdf5_file.h"

namespace shoprl {

RewardModelData obp_reward_model_data(const ObpInput& input, std::uint64_t seed) {
  const LoggedRounds& rounds = input.rounds;
  RewardModelData data;
  data.rows = rounds.size();
  data.context_dim = static_cast<int>(input.context_dim);
  data.context = input.context;
  data.action.assign(input.action.begin(), input.action.end());
  data.position = rounds.position;
  data.reward = rounds.reward;
  data.actions = static_cast<int>(input.n_actions);
  data.len_list = rounds.len_list;
  data.action_feature_dim = static_cast<int>(input.action_context_dim);
  data.action_features = input.action_context;
  data.group = rounds.has_sessions() ? rounds.session_id : rounds.slate_id;
  data.seed = seed;
  return data;
}

void add_obp_reward_model_predictions(const std::filesystem::path& path, ObpInput& input,
                                      const RewardModel& model, std::size_t block_bytes) {
  LoggedRounds& rounds = input.rounds;
  const std::size_t rows = rounds.size();
  const std::size_t actions = input.n_actions;
  const std::size_t slots = static_cast<std::size_t>(rounds.len_list);
  rounds.q_logged = model.predict_logged();
  rounds.q_target.assign(rows, 0.0);
  // action_dist was checked by read_obp_file's pass; this one only reads it again.
  const Hdf5File file = Hdf5File::open_read_only(path);
  const std::size_t row_size = actions * slots;
  const std::size_t block_rows =
      std::max<std::size_t>(1, block_bytes / (row_size * sizeof(double)));
  std::vector<double> q(actions);
  for (std::size_t first = 0; first < rows; first += block_rows) {
    const std::size_t count = std::min(block_rows, rows - first);
    const Hdf5Rows<double> dist = file.read_rows<double>("/action_dist", first, count);
    for (std::size_t r = 0; r < count; ++r) {
      const std::size_t row = first + r;
      const int slot = rounds.position[row];
      model.predict(row, slot, q.data());
      const double* pi = dist.values.data() + r * row_size;
      double expected = 0.0;
      for (std::size_t a = 0; a < actions; ++a) expected += pi[a * slots + slot] * q[a];
      rounds.q_target[row] = expected;
    }
  }
}

}  // namespace shoprl
