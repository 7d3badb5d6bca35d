#include "eval/obp_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "data/hdf5_file.h"
#include "eval/action_dist_reduction.h"

namespace shoprl {

namespace {

class ObpReader {
 public:
  explicit ObpReader(const std::filesystem::path& path)
      : file_(Hdf5File::open_read_only(path)), name_(file_.name()) {}

  ObpInput read(const ObpReadOptions& options);

 private:
  [[noreturn]] void fail(const std::string& dataset, const std::string& problem) const {
    throw DataError(fmt::format("{}: dataset /{}: {}", name_, dataset, problem));
  }
  void require(const std::string& dataset) const {
    if (!file_.exists("/" + dataset)) {
      fail(dataset,
           "missing (an Open Bandit Pipeline file needs reward, action, pscore and "
           "action_dist, and position when there is more than one slot)");
    }
  }
  // A 1-D dataset of `rows_` entries.
  template <typename T>
  std::vector<T> read_column(const std::string& dataset) const;
  template <typename T>
  std::vector<T> read_optional_column(const std::string& dataset) const {
    return file_.exists("/" + dataset) ? read_column<T>(dataset) : std::vector<T>{};
  }
  // A 2-D dataset [expected_rows, d]; d is returned through `columns`.
  std::vector<double> read_features(const std::string& dataset, std::size_t expected_rows,
                                    const char* rows_are, std::size_t& columns) const;
  // Every value finite and, for a probability, in (0, 1] (or [0, 1] when zero_allowed).
  void check_finite(const std::string& dataset, const std::vector<double>& values) const;
  void check_probability(const std::string& dataset, const std::vector<double>& values,
                         bool zero_allowed) const;
  void reduce_action_dist(ObpInput& input, bool has_reward_model, std::size_t block_bytes);
  // The rows of one slate (session) must be consecutive (group_offsets).
  void check_contiguous(const std::string& dataset, const std::vector<std::int64_t>& ids,
                        const char* unit) const {
    try {
      group_offsets(ids, unit);
    } catch (const DataError& error) {
      fail(dataset, error.what());
    }
  }

  Hdf5File file_;
  std::string name_;
  std::size_t rows_ = 0;
};

template <typename T>
std::vector<T> ObpReader::read_column(const std::string& dataset) const {
  const Hdf5DatasetInfo info = file_.dataset_info("/" + dataset);
  if (info.shape.size() != 1) {
    fail(dataset,
         fmt::format("has {} dimensions, expected 1 (one entry per round)", info.shape.size()));
  }
  if (info.shape[0] != rows_) {
    fail(dataset, fmt::format("has {} rows, but reward has {}", info.shape[0], rows_));
  }
  return file_.read_rows<T>("/" + dataset, 0, rows_).values;
}

std::vector<double> ObpReader::read_features(const std::string& dataset, std::size_t expected_rows,
                                             const char* rows_are, std::size_t& columns) const {
  const Hdf5DatasetInfo info = file_.dataset_info("/" + dataset);
  if (info.shape.size() != 2 || info.shape[0] != expected_rows) {
    std::string shape;
    for (std::size_t d : info.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    fail(dataset,
         fmt::format("has shape [{}], expected [{}, d] ({})", shape, expected_rows, rows_are));
  }
  columns = info.shape[1];
  std::vector<double> values = file_.read_rows<double>("/" + dataset, 0, expected_rows).values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      fail(dataset,
           fmt::format("row {}, column {}: {} is not finite", i / columns, i % columns, values[i]));
    }
  }
  return values;
}

void ObpReader::check_finite(const std::string& dataset, const std::vector<double>& values) const {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]))
      fail(dataset, fmt::format("row {}: {} is not finite", i, values[i]));
  }
}

void ObpReader::check_probability(const std::string& dataset, const std::vector<double>& values,
                                  bool zero_allowed) const {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double p = values[i];
    const bool ok = (zero_allowed ? p >= 0 : p > 0) && p <= 1;
    if (!ok) {
      fail(dataset, fmt::format("row {}: {} is not a probability in {}0, 1]", i, p,
                                zero_allowed ? "[" : "("));
    }
  }
}

void ObpReader::reduce_action_dist(ObpInput& input, bool has_reward_model,
                                   std::size_t block_bytes) {
  const Hdf5DatasetInfo info = file_.dataset_info("/action_dist");
  const std::string shape_text = [&] {
    std::string text;
    for (std::size_t d : info.shape) text += (text.empty() ? "" : ", ") + std::to_string(d);
    return "[" + text + "]";
  }();
  if ((info.shape.size() != 3 && info.shape.size() != 2) || info.shape[0] != rows_) {
    fail("action_dist",
         fmt::format("has shape {}, expected [{}, n_actions, len_list]", shape_text, rows_));
  }
  const std::size_t n_actions = info.shape[1];
  const std::size_t len_list = info.shape.size() == 3 ? info.shape[2] : 1;
  if (n_actions == 0 || len_list == 0) fail("action_dist", "has no actions or no slots");
  if (has_reward_model) {
    const Hdf5DatasetInfo q = file_.dataset_info("/estimated_rewards_by_reg_model");
    if (q.shape != info.shape) {
      std::string text;
      for (std::size_t d : q.shape) text += (text.empty() ? "" : ", ") + std::to_string(d);
      fail("estimated_rewards_by_reg_model",
           fmt::format("has shape [{}], but action_dist has {}", text, shape_text));
    }
  }
  input.n_actions = n_actions;
  LoggedRounds& rounds = input.rounds;
  rounds.len_list = static_cast<int>(len_list);
  for (std::size_t i = 0; i < rows_; ++i) {
    if (input.action[i] < 0 || static_cast<std::size_t>(input.action[i]) >= n_actions) {
      fail("action", fmt::format("row {}: action {} is outside [0, {}) (action_dist has {} "
                                 "actions)",
                                 i, input.action[i], n_actions, n_actions));
    }
    if (rounds.position[i] < 0 || static_cast<std::size_t>(rounds.position[i]) >= len_list) {
      fail("position", fmt::format("row {}: position {} is outside [0, {}) (action_dist has {} "
                                   "slots; positions are 0-based)",
                                   i, rounds.position[i], len_list, len_list));
    }
  }
  std::vector<std::int64_t> position(rounds.position.begin(), rounds.position.end());
  rounds.target_pscore.resize(rows_);
  rounds.target_inclusion.resize(rows_);
  if (has_reward_model) {
    rounds.q_logged.resize(rows_);
    rounds.q_target.resize(rows_);
  }

  const std::size_t row_size = n_actions * len_list;
  std::size_t block_rows = std::max<std::size_t>(1, block_bytes / (row_size * sizeof(double)));
  if (info.chunk_rows > 0) {
    block_rows = std::max(info.chunk_rows, block_rows / info.chunk_rows * info.chunk_rows);
  }
  for (std::size_t first = 0; first < rows_; first += block_rows) {
    const std::size_t count = std::min(block_rows, rows_ - first);
    const Hdf5Rows<double> dist = file_.read_rows<double>("/action_dist", first, count);
    Hdf5Rows<double> q;
    if (has_reward_model)
      q = file_.read_rows<double>("/estimated_rewards_by_reg_model", first, count);
    ActionDistBlock block;
    block.action_dist = dist.values.data();
    block.reward_model = has_reward_model ? q.values.data() : nullptr;
    block.rows = count;
    block.n_actions = n_actions;
    block.len_list = len_list;
    block.action = input.action.data() + first;
    block.position = position.data() + first;
    const ActionDistProblem problem =
        shoprl::reduce_action_dist(block, rounds.target_pscore.data() + first,
                                   has_reward_model ? rounds.q_logged.data() + first : nullptr,
                                   has_reward_model ? rounds.q_target.data() + first : nullptr,
                                   rounds.target_inclusion.data() + first);
    const std::size_t row = first + problem.row;
    switch (problem.kind) {
      case ActionDistProblem::Kind::kNone:
        break;
      case ActionDistProblem::Kind::kNotFinite:
        fail("action_dist", fmt::format("row {}, action {}, slot {}: {} is not finite", row,
                                        problem.action, problem.slot, problem.value));
      case ActionDistProblem::Kind::kNegative:
        fail("action_dist", fmt::format("row {}, action {}, slot {}: {} is negative", row,
                                        problem.action, problem.slot, problem.value));
      case ActionDistProblem::Kind::kSlotSum:
        fail("action_dist",
             fmt::format("row {}, slot {}: the probabilities over actions sum to {:.9g}, not 1 "
                         "(tolerance {})",
                         row, problem.slot, problem.value, kSlotSumTolerance));
      case ActionDistProblem::Kind::kRewardNotFinite:
        fail("estimated_rewards_by_reg_model",
             fmt::format("row {}, action {}, slot {}: {} is not finite", row, problem.action,
                         problem.slot, problem.value));
    }
  }
}

ObpInput ObpReader::read(const ObpReadOptions& options) {
  if (!file_.exists("/reward") && file_.exists("/sessions/offsets")) {
    throw DataError(fmt::format(
        "{}: is a shoprl session store, not an Open Bandit Pipeline file; evaluate a policy on "
        "its logged slates with `shoprl evaluate --set evaluate.store={}` (docs/ope.md)",
        name_, name_));
  }
  for (const char* dataset : {"reward", "action", "pscore", "action_dist"}) require(dataset);
  const Hdf5DatasetInfo reward_info = file_.dataset_info("/reward");
  if (reward_info.shape.size() != 1) {
    fail("reward", fmt::format("has {} dimensions, expected 1", reward_info.shape.size()));
  }
  rows_ = reward_info.shape[0];
  if (rows_ == 0) fail("reward", "is empty: no rounds to evaluate");

  ObpInput input;
  LoggedRounds& rounds = input.rounds;
  rounds.reward_min = options.reward_min;
  rounds.reward_max = options.reward_max;
  rounds.reward = read_column<double>("reward");
  check_finite("reward", rounds.reward);
  input.action = read_column<std::int64_t>("action");
  // As in Open Bandit Pipeline, `position` may be left out when there is one slot.
  if (!file_.exists("/position")) {
    const Hdf5DatasetInfo dist = file_.dataset_info("/action_dist");
    if (dist.shape.size() == 3 && dist.shape[2] > 1) {
      fail("position", fmt::format("missing (it may be left out only when action_dist has one "
                                   "slot; it has {})",
                                   dist.shape[2]));
    }
  }
  const std::vector<std::int64_t> position = file_.exists("/position")
                                                 ? read_column<std::int64_t>("position")
                                                 : std::vector<std::int64_t>(rows_, 0);
  rounds.position.resize(rows_);
  for (std::size_t i = 0; i < rows_; ++i) {
    if (position[i] < 0 || position[i] > std::numeric_limits<std::int32_t>::max()) {
      fail("position", fmt::format("row {}: position {} is negative or too large (positions "
                                   "are 0-based slots)",
                                   i, position[i]));
    }
    rounds.position[i] = static_cast<std::int32_t>(position[i]);
  }
  rounds.pscore = read_column<double>("pscore");
  check_probability("pscore", rounds.pscore, false);

  const bool has_reward_model = file_.exists("/estimated_rewards_by_reg_model");
  reduce_action_dist(input, has_reward_model, options.block_bytes);

  rounds.slate_id = read_optional_column<std::int64_t>("slate_id");
  check_contiguous("slate_id", rounds.slate_id, "slate");
  rounds.session_id = read_optional_column<std::int64_t>("session_id");
  check_contiguous("session_id", rounds.session_id, "session");
  struct Probability {
    const char* dataset;
    std::vector<double>* into;
    bool zero_allowed;  // an evaluation policy may give a logged slate probability 0
  };
  for (const Probability& p :
       {Probability{"pscore_cascade", &rounds.prefix_pscore, false},
        Probability{"pscore_slate", &rounds.slate_pscore, false},
        Probability{"evaluation_policy_pscore_cascade", &rounds.prefix_target_pscore, true},
        Probability{"evaluation_policy_pscore_slate", &rounds.slate_target_pscore, true}}) {
    *p.into = read_optional_column<double>(p.dataset);
    check_probability(p.dataset, *p.into, p.zero_allowed);
  }
  if (file_.exists("/context")) {
    input.context = read_features("context", rows_, "one row per round", input.context_dim);
  }
  if (file_.exists("/action_context")) {
    input.action_context = read_features("action_context", input.n_actions, "one row per action",
                                         input.action_context_dim);
  }
  return input;
}

}  // namespace

ObpInput read_obp_file(const std::filesystem::path& path, const ObpReadOptions& options) {
  return ObpReader(path).read(options);
}

}  // namespace shoprl
