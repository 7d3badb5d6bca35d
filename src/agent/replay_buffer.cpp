// The replay buffer (replay_buffer.h).
#include "agent/replay_buffer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace shoprl {

namespace {

// The last `window` events of each history row, right-padded with -1 to exactly `window`
// columns: items/types [M, L], lengths [M].
SessionBatch last_window(const torch::Tensor& items, const torch::Tensor& types,
                         const torch::Tensor& lengths, std::int64_t window) {
  const std::int64_t columns = items.size(1);
  const torch::Tensor length = lengths.to(torch::kInt64);
  const torch::Tensor kept = length.clamp_max(window);
  const torch::Tensor offsets = torch::arange(window, torch::kInt64).view({1, -1});
  // Column of the event kept at offset o: (length - kept) + o, clamped into the row.
  const torch::Tensor source =
      ((length - kept).view({-1, 1}) + offsets).clamp(0, std::max<std::int64_t>(columns - 1, 0));
  const torch::Tensor valid = offsets < kept.view({-1, 1});
  const torch::Tensor pad = torch::full({items.size(0), window}, -1, torch::kInt64);
  if (columns == 0) return {pad, pad.clone(), kept};
  return {torch::where(valid, items.to(torch::kInt64).gather(1, source), pad),
          torch::where(valid, types.to(torch::kInt64).gather(1, source), pad), kept};
}

// Column names of the ring storage.
constexpr const char* kItems = "items";
constexpr const char* kTypes = "types";
constexpr const char* kLengths = "lengths";
constexpr const char* kNextItems = "next_items";
constexpr const char* kNextTypes = "next_types";
constexpr const char* kNextLengths = "next_lengths";
constexpr const char* kSlates = "slates";
constexpr const char* kClicks = "clicks";
constexpr const char* kPurchases = "purchases";
constexpr const char* kClickedSlot = "clicked_slot";
constexpr const char* kReward = "reward";
constexpr const char* kReturn = "n_step_return";
constexpr const char* kDiscount = "bootstrap_discount";
constexpr const char* kDone = "done";
constexpr const char* kCounters = "counters";  // size, cursor, total_added

}  // namespace

torch::Tensor ReplayBatch::clicked_item() const {
  const torch::Tensor slot = clicked_slot.clamp_min(0).view({-1, 1});
  const torch::Tensor item = slates.gather(1, slot).squeeze(1);
  return torch::where(clicked_slot >= 0, item, torch::full_like(item, -1));
}

ReplayBatch ReplayBatch::to(const torch::Device& device) const {
  return {observation.to(device),   slates.to(device),           clicks.to(device),
          purchases.to(device),     clicked_slot.to(device),     reward.to(device),
          n_step_return.to(device), next_observation.to(device), bootstrap_discount.to(device),
          done.to(device)};
}

ReplayBatch rollout_transitions(const Rollout& rollout, int n_step, double gamma,
                                std::int64_t window) {
  const std::int64_t steps = rollout.steps();
  const std::int64_t users = rollout.users();
  const torch::Tensor active = rollout.active.contiguous();
  const torch::Tensor done = rollout.done.contiguous();
  const torch::Tensor truncated = rollout.truncated.contiguous();
  const torch::Tensor rewards = rollout.rewards.to(torch::kFloat64).contiguous();
  const auto is_active = active.accessor<bool, 2>();
  const auto ended = done.accessor<bool, 2>();
  const auto cut = truncated.accessor<bool, 2>();
  const auto reward = rewards.accessor<double, 2>();

  // Rows of the flattened observations: (t, u) -> t * users + u for the T + 1 observations,
  // then (T + 1) * users + u for the history user u's session ended with.
  const std::int64_t end_rows = (steps + 1) * users;
  std::vector<std::int64_t> step_row, next_row;
  std::vector<float> n_step_return, discount, step_reward;
  std::vector<std::uint8_t> finished;
  for (std::int64_t t = 0; t < steps; ++t) {
    for (std::int64_t u = 0; u < users; ++u) {
      if (!is_active[t][u]) continue;
      // G = sum_{m < n'} gamma^m r_{t+m}, stopping at the step that ends the session.
      double total = 0, weight = 1;
      std::int64_t taken = 0;
      bool session_ended = false;
      while (taken < n_step) {
        const std::int64_t s = t + taken;
        total += weight * reward[s][u];
        weight *= gamma;
        ++taken;
        if (ended[s][u]) {
          session_ended = true;
          break;
        }
      }
      // A session the user left has no future; one cut at max_steps has the future of the
      // state it was cut in (the observation holds no step count, so the cut is not part of
      // the state: Pardo et al. 2018, partial-episode bootstrapping).
      const bool cut_short = session_ended && cut[t + taken - 1][u];
      step_row.push_back(t * users + u);
      next_row.push_back(cut_short ? end_rows + u : (t + taken) * users + u);
      n_step_return.push_back(static_cast<float>(total));
      discount.push_back(session_ended && !cut_short ? 0.0F : static_cast<float>(weight));
      step_reward.push_back(static_cast<float>(reward[t][u]));
      finished.push_back(session_ended ? 1 : 0);
    }
  }

  const auto count = static_cast<std::int64_t>(step_row.size());
  const torch::Tensor rows = torch::tensor(step_row, torch::kInt64);
  const torch::Tensor next = torch::tensor(next_row, torch::kInt64);
  const std::int64_t columns = rollout.items.size(2);
  const torch::Tensor items = rollout.items.reshape({-1, columns});
  const torch::Tensor types = rollout.types.reshape({-1, columns});
  const torch::Tensor lengths = rollout.lengths.reshape({-1});
  const torch::Tensor next_items = torch::cat({items, rollout.end_items});
  const torch::Tensor next_types = torch::cat({types, rollout.end_types});
  const torch::Tensor next_lengths = torch::cat({lengths, rollout.end_lengths});
  const std::int64_t slots = rollout.slates.size(2);

  ReplayBatch out;
  out.observation = last_window(items.index_select(0, rows), types.index_select(0, rows),
                                lengths.index_select(0, rows), window);
  out.next_observation =
      last_window(next_items.index_select(0, next), next_types.index_select(0, next),
                  next_lengths.index_select(0, next), window);
  out.slates = rollout.slates.reshape({-1, slots}).index_select(0, rows).to(torch::kInt64);
  out.clicks = rollout.clicks.reshape({-1, slots}).index_select(0, rows);
  out.purchases = rollout.purchases.reshape({-1, slots}).index_select(0, rows);
  out.clicked_slot = rollout.clicked_slot.reshape({-1}).index_select(0, rows).to(torch::kInt64);
  out.reward = torch::tensor(step_reward, torch::kFloat32).view({count});
  out.n_step_return = torch::tensor(n_step_return, torch::kFloat32).view({count});
  out.bootstrap_discount = torch::tensor(discount, torch::kFloat32).view({count});
  out.done = torch::tensor(finished, torch::kUInt8).view({count}).to(torch::kBool);
  return out;
}

ReplayBuffer::ReplayBuffer(std::int64_t capacity, std::int64_t window, int slate_size)
    : capacity_(capacity), window_(window), slate_size_(slate_size) {
  if (capacity < 1 || window < 1 || slate_size < 1)
    throw ConfigError(
        fmt::format("replay buffer: capacity {}, window {} and slate size {} must "
                    "be positive",
                    capacity, window, slate_size));
  const auto make = [&](std::vector<std::int64_t> shape, torch::ScalarType type) {
    return torch::zeros(shape, type);
  };
  columns_[kItems] = make({capacity, window}, torch::kInt32);
  columns_[kTypes] = make({capacity, window}, torch::kInt8);
  columns_[kLengths] = make({capacity}, torch::kInt32);
  columns_[kNextItems] = make({capacity, window}, torch::kInt32);
  columns_[kNextTypes] = make({capacity, window}, torch::kInt8);
  columns_[kNextLengths] = make({capacity}, torch::kInt32);
  columns_[kSlates] = make({capacity, slate_size}, torch::kInt32);
  columns_[kClicks] = make({capacity, slate_size}, torch::kBool);
  columns_[kPurchases] = make({capacity, slate_size}, torch::kBool);
  columns_[kClickedSlot] = make({capacity}, torch::kInt8);
  columns_[kReward] = make({capacity}, torch::kFloat32);
  columns_[kReturn] = make({capacity}, torch::kFloat32);
  columns_[kDiscount] = make({capacity}, torch::kFloat32);
  columns_[kDone] = make({capacity}, torch::kBool);
}

void ReplayBuffer::add(const ReplayBatch& transitions) {
  const std::int64_t count = transitions.size();
  if (count == 0) return;
  TORCH_CHECK(
      transitions.observation.items.size(1) == window_ && transitions.slates.size(1) == slate_size_,
      "replay buffer: transitions of another window or slate size");
  // Only the last `capacity` of a batch larger than the ring survive; write those.
  const std::int64_t skip = std::max<std::int64_t>(count - capacity_, 0);
  const std::int64_t kept = count - skip;
  const torch::Tensor source = torch::arange(skip, count, torch::kInt64);
  const torch::Tensor target = (torch::arange(kept, torch::kInt64) + cursor_ + skip) % capacity_;
  const auto put = [&](const char* name, const torch::Tensor& values) {
    torch::Tensor& column = columns_.at(name);
    column.index_copy_(0, target, values.index_select(0, source).to(column.scalar_type()));
  };
  put(kItems, transitions.observation.items);
  put(kTypes, transitions.observation.types);
  put(kLengths, transitions.observation.lengths);
  put(kNextItems, transitions.next_observation.items);
  put(kNextTypes, transitions.next_observation.types);
  put(kNextLengths, transitions.next_observation.lengths);
  put(kSlates, transitions.slates);
  put(kClicks, transitions.clicks);
  put(kPurchases, transitions.purchases);
  put(kClickedSlot, transitions.clicked_slot);
  put(kReward, transitions.reward);
  put(kReturn, transitions.n_step_return);
  put(kDiscount, transitions.bootstrap_discount);
  put(kDone, transitions.done);
  cursor_ = (cursor_ + count) % capacity_;
  size_ = std::min(size_ + count, capacity_);
  total_added_ += count;
}

ReplayBatch ReplayBuffer::gather(const torch::Tensor& index) const {
  const auto take = [&](const char* name, torch::ScalarType type) {
    return columns_.at(name).index_select(0, index).to(type);
  };
  ReplayBatch out;
  out.observation = {take(kItems, torch::kInt64), take(kTypes, torch::kInt64),
                     take(kLengths, torch::kInt64)};
  out.next_observation = {take(kNextItems, torch::kInt64), take(kNextTypes, torch::kInt64),
                          take(kNextLengths, torch::kInt64)};
  out.slates = take(kSlates, torch::kInt64);
  out.clicks = take(kClicks, torch::kBool);
  out.purchases = take(kPurchases, torch::kBool);
  out.clicked_slot = take(kClickedSlot, torch::kInt64);
  out.reward = take(kReward, torch::kFloat32);
  out.n_step_return = take(kReturn, torch::kFloat32);
  out.bootstrap_discount = take(kDiscount, torch::kFloat32);
  out.done = take(kDone, torch::kBool);
  return out;
}

ReplayBatch ReplayBuffer::sample(std::int64_t batch_size, Rng& rng) const {
  TORCH_CHECK(size_ > 0, "replay buffer: sampling from an empty buffer");
  torch::Tensor index = torch::empty({batch_size}, torch::kInt64);
  std::int64_t* out = index.data_ptr<std::int64_t>();
  for (std::int64_t b = 0; b < batch_size; ++b)
    out[b] = static_cast<std::int64_t>(uniform_index(rng, static_cast<std::uint64_t>(size_)));
  return gather(index);
}

std::map<std::string, torch::Tensor> ReplayBuffer::state() const {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, column] : columns_) out[name] = column.slice(0, 0, size_).clone();
  out[kCounters] = torch::tensor(
      {size_, cursor_, total_added_, capacity_, window_, static_cast<std::int64_t>(slate_size_)},
      torch::kInt64);
  return out;
}

void ReplayBuffer::load_state(const std::map<std::string, torch::Tensor>& state,
                              const std::string& source) {
  const auto find = [&](const std::string& name) -> const torch::Tensor& {
    const auto it = state.find(name);
    if (it == state.end())
      throw DataError(fmt::format("{}: the replay buffer lacks '{}'", source, name));
    return it->second;
  };
  const torch::Tensor counters = find(kCounters).to(torch::kInt64);
  if (counters.numel() != 6)
    throw DataError(
        fmt::format("{}: replay counters have {} entries, not 6", source, counters.numel()));
  const auto* c = counters.data_ptr<std::int64_t>();
  if (c[3] != capacity_ || c[4] != window_ || c[5] != slate_size_)
    throw DataError(fmt::format(
        "{}: the replay buffer was saved with capacity {}, window {}, slate size {}; the "
        "configuration asks for {}, {}, {} (agent.dqn.replay_capacity, policy.history_length, "
        "env.slate_size)",
        source, c[3], c[4], c[5], capacity_, window_, slate_size_));
  const std::int64_t size = c[0];
  if (size < 0 || size > capacity_ || c[1] < 0 || c[1] >= capacity_)
    throw DataError(
        fmt::format("{}: replay counters out of range (size {}, cursor {})", source, size, c[1]));
  for (auto& [name, column] : columns_) {
    const torch::Tensor& saved = find(name);
    std::vector<std::int64_t> expected = column.sizes().vec();
    expected[0] = size;
    if (saved.sizes().vec() != expected)
      throw DataError(fmt::format("{}: replay column '{}' has shape {}, expected {}", source, name,
                                  fmt::join(saved.sizes().vec(), "x"), fmt::join(expected, "x")));
    column.zero_();
    column.slice(0, 0, size).copy_(saved.to(column.scalar_type()));
  }
  size_ = size;
  cursor_ = c[1];
  total_added_ = c[2];
}

}  // namespace shoprl
