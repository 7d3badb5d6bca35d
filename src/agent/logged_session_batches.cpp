// Minibatches of logged sessions (logged_session_batches.h).
#include "agent/logged_session_batches.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "data/event_type.h"

namespace shoprl {

namespace {

bool has_train_events(const SessionStore& store) {
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (store.session_split[s] == static_cast<std::int8_t>(Split::kTrain) &&
        store.session_length(s) > 0)
      return true;
  }
  return false;
}

float event_reward(std::int8_t type, const EventRewards& rewards) {
  switch (static_cast<EventType>(type)) {
    case EventType::kClick:
      return static_cast<float>(rewards.click);
    case EventType::kCart:
      return static_cast<float>(rewards.cart);
    case EventType::kPurchase:
      return static_cast<float>(rewards.purchase);
  }
  return 0.0f;
}

}  // namespace

std::int64_t LoggedTransitions::transitions() const { return lengths.sum().item<std::int64_t>(); }

LoggedTransitions LoggedTransitions::to(const torch::Device& device) const {
  return {items.to(device), types.to(device),   lengths.to(device),
          valid.to(device), rewards.to(device), terminal.to(device)};
}

LoggedSessionBatches::LoggedSessionBatches(const SessionStore& store, int window,
                                           const EventRewards& rewards,
                                           const std::string& store_name)
    : rewards_(rewards) {
  // Checked here so that the message names the offline agent, not the user model.
  if (!has_train_events(store))
    throw DataError(
        fmt::format("{}: no train session with events to train the offline agent on", store_name));
  sequences_ = session_sequences(store, Split::kTrain, window, store_name);
}

std::vector<std::vector<std::int64_t>> LoggedSessionBatches::minibatches(std::int64_t steps,
                                                                         std::int64_t batch_size,
                                                                         Rng& rng) const {
  const auto n = static_cast<std::int64_t>(windows());
  const std::int64_t size = std::min(batch_size, n);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::int64_t next = n;  // position in the current shuffle; n: reshuffle first
  std::vector<std::vector<std::int64_t>> out(static_cast<std::size_t>(steps));
  for (auto& batch : out) {
    batch.reserve(static_cast<std::size_t>(size));
    for (std::int64_t b = 0; b < size; ++b) {
      if (next == n) {
        // Fisher-Yates with the portable uniform_index (std::shuffle is not portable).
        std::iota(order.begin(), order.end(), std::int64_t{0});
        for (std::int64_t i = n - 1; i > 0; --i)
          std::swap(order[i], order[uniform_index(rng, static_cast<std::uint64_t>(i + 1))]);
        next = 0;
      }
      batch.push_back(order[next++]);
    }
  }
  return out;
}

LoggedTransitions LoggedSessionBatches::batch(const std::vector<std::int64_t>& windows) const {
  const auto rows = static_cast<std::int64_t>(windows.size());
  std::int64_t longest = 1;
  for (std::int64_t w : windows) longest = std::max(longest, sequences_.length(w));
  const auto as_int64 = torch::dtype(torch::kInt64);
  torch::Tensor items = torch::full({rows, longest}, -1, as_int64);
  torch::Tensor types = torch::full({rows, longest}, -1, as_int64);
  torch::Tensor lengths = torch::zeros({rows}, as_int64);
  torch::Tensor rewards = torch::zeros({rows, longest}, torch::dtype(torch::kFloat32));
  torch::Tensor terminal = torch::zeros({rows, longest}, torch::dtype(torch::kBool));
  auto* item_data = items.data_ptr<std::int64_t>();
  auto* type_data = types.data_ptr<std::int64_t>();
  auto* length_data = lengths.data_ptr<std::int64_t>();
  auto* reward_data = rewards.data_ptr<float>();
  auto* terminal_data = terminal.data_ptr<bool>();
  for (std::int64_t b = 0; b < rows; ++b) {
    const auto w = static_cast<std::size_t>(windows[static_cast<std::size_t>(b)]);
    const std::int64_t begin = sequences_.offsets[w];
    const std::int64_t length = sequences_.length(w);
    length_data[b] = length;
    for (std::int64_t t = 0; t < length; ++t) {
      const auto e = static_cast<std::size_t>(begin + t);
      const std::int64_t slot = b * longest + t;
      item_data[slot] = sequences_.items[e];
      type_data[slot] = sequences_.types[e];
      reward_data[slot] = event_reward(sequences_.types[e], rewards_);
      // A window cut from a longer session is not terminal: its last state bootstraps.
      terminal_data[slot] = sequences_.last_event[e] != 0;
    }
  }
  const torch::Tensor valid =
      torch::arange(longest, as_int64).view({1, -1}) < lengths.view({-1, 1});
  return {items, types, lengths, valid, rewards, terminal};
}

}  // namespace shoprl
