#include "env/batch_env.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/seeding.h"
#include "data/event_type.h"

namespace shoprl {
namespace {

int popcount(std::uint32_t x) { return __builtin_popcount(x); }

}  // namespace

BatchEnv::BatchEnv(const EnvConfig& config, std::int64_t num_items)
    : config_(config), num_items_(num_items), pool_(std::make_unique<ThreadPool>(config.threads)) {
  if (config.slate_size < 1 || config.slate_size > 32)
    throw ConfigError(fmt::format("env.slate_size: {} is not in [1, 32]", config.slate_size));
  if (config.slate_size > num_items)
    throw ConfigError(fmt::format("env.slate_size: {} is larger than the catalogue ({} items)",
                                  config.slate_size, num_items));
}

BatchEnv::~BatchEnv() = default;

void BatchEnv::reset(std::uint64_t seed, std::int64_t batch_size, std::int64_t first_slot) {
  if (batch_size < 1) throw Error(fmt::format("env.reset: batch size {} < 1", batch_size));
  if (first_slot < 0) throw Error(fmt::format("env.reset: first slot {} < 0", first_slot));
  seed_ = seed;
  first_slot_ = static_cast<std::uint64_t>(first_slot);
  batch_size_ = batch_size;
  const std::size_t n = batch_size;
  const std::size_t l = config_.history_length;
  history_item_.assign(n * l, kPad);
  history_type_.assign(n * l, kPad);
  history_length_.assign(n, 0);
  ended_item_.assign(n * l, kPad);
  ended_type_.assign(n * l, kPad);
  ended_length_.assign(n, 0);
  click_mask_.assign(n, 0);
  purchase_mask_.assign(n, 0);
  clicked_slot_.assign(n, -1);
  purchased_.assign(n, 0);
  organic_item_.assign(n, -1);
  entry_item_.assign(n, -1);
  leaving_.assign(n, 0);
  reward_penalty_.assign(n, 0.0f);
  reward_.assign(n, 0.0f);
  done_.assign(n, 0);
  truncated_.assign(n, 0);
  starting_.assign(n, 1);
  episode_.assign(n, 0);
  step_in_episode_.assign(n, 0);
  rng_.resize(n);
  for (std::size_t i = 0; i < n; ++i) rng_[i] = RandomStream(derive_seed(seed, first_slot_ + i, 0));
  episode_return_.assign(n, 0.0);
  episode_converted_.assign(n, 0);
  totals_.assign(n, SlotTotals{});
  allocate(batch_size);
  start_all_sessions();
}

void BatchEnv::start_all_sessions() {
  if (std::find(starting_.begin(), starting_.end(), 1) == starting_.end()) return;
  prepare_sessions(starting_.data());
  pool_->run(chunks(), [this](std::size_t chunk) {
    const std::size_t begin = chunk * kChunk;
    start_sessions(begin, std::min<std::size_t>(begin + kChunk, batch_size_));
  });
}

void BatchEnv::clear_metrics() { totals_.assign(batch_size_, SlotTotals{}); }

void BatchEnv::step(const std::vector<std::int32_t>& slates) {
  const std::size_t expected = static_cast<std::size_t>(batch_size_) * config_.slate_size;
  if (slates.size() != expected)
    throw Error(fmt::format("env.step: {} slate entries, expected {} users x {} slots",
                            slates.size(), batch_size_, config_.slate_size));
  step(slates.data());
}

void BatchEnv::step(const std::int32_t* slates) {
  if (batch_size_ == 0) throw Error("env.step: called before reset()");
  // Validated in full before any user moves, so a bad slate leaves the batch untouched.
  pool_->run(chunks(), [this, slates](std::size_t chunk) {
    const std::size_t begin = chunk * kChunk;
    validate_slates(begin, std::min<std::size_t>(begin + kChunk, batch_size_), slates);
  });
  prepare_step(slates);
  pool_->run(chunks(), [this, slates](std::size_t chunk) {
    const std::size_t begin = chunk * kChunk;
    const std::size_t end = std::min<std::size_t>(begin + kChunk, batch_size_);
    respond(begin, end, slates);
    finish_step(begin, end, slates);
  });
  start_all_sessions();
}

void BatchEnv::validate_slates(std::size_t begin, std::size_t end,
                               const std::int32_t* slates) const {
  const int k = config_.slate_size;
  for (std::size_t i = begin; i < end; ++i) {
    const std::int32_t* slate = slates + i * k;
    for (int a = 0; a < k; ++a) {
      if (slate[a] < 0 || slate[a] >= num_items_)
        throw Error(fmt::format("env.step: user {} slot {}: item {} is not in [0, {})", i, a,
                                slate[a], num_items_));
      for (int b = 0; b < a; ++b)
        if (slate[b] == slate[a])
          throw Error(fmt::format("env.step: user {}: item {} is shown in slots {} and {}", i,
                                  slate[a], b, a));
    }
  }
}

void BatchEnv::set_history(std::size_t i, const std::int64_t* items, const std::int64_t* types,
                           std::int64_t length) {
  const std::size_t l = config_.history_length;
  const std::int64_t kept = std::min<std::int64_t>(length, static_cast<std::int64_t>(l));
  std::fill_n(&history_item_[i * l], l, kPad);
  std::fill_n(&history_type_[i * l], l, kPad);
  std::copy_n(items + (length - kept), kept, &history_item_[i * l]);
  std::copy_n(types + (length - kept), kept, &history_type_[i * l]);
  history_length_[i] = static_cast<std::int32_t>(kept);
}

void BatchEnv::append_event(std::size_t i, std::int64_t item, std::int64_t type) {
  const std::size_t l = config_.history_length;
  std::int64_t* items = &history_item_[i * l];
  std::int64_t* types = &history_type_[i * l];
  std::int32_t& length = history_length_[i];
  if (static_cast<std::size_t>(length) == l) {
    // Full: drop the oldest event. L is small (tens), so shifting beats a ring buffer that
    // would make every observation a non-contiguous view.
    std::memmove(items, items + 1, (l - 1) * sizeof(std::int64_t));
    std::memmove(types, types + 1, (l - 1) * sizeof(std::int64_t));
    --length;
  }
  items[length] = item;
  types[length] = type;
  ++length;
}

void BatchEnv::finish_step(std::size_t begin, std::size_t end, const std::int32_t* slates) {
  const int k = config_.slate_size;
  const auto click = static_cast<std::int64_t>(EventType::kClick);
  const auto purchase = static_cast<std::int64_t>(EventType::kPurchase);
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t clicks = click_mask_[i];
    const std::uint32_t purchases = purchase_mask_[i];
    const int click_count = popcount(clicks);
    const int purchase_count = popcount(purchases);
    const double reward = config_.reward(click_count, purchase_count);
    reward_[i] = static_cast<float>(reward) - reward_penalty_[i];
    clicked_slot_[i] = clicks ? __builtin_ctz(clicks) : -1;
    purchased_[i] = purchases != 0;

    for (std::uint32_t rest = clicks; rest; rest &= rest - 1) {
      const int slot = __builtin_ctz(rest);
      const std::int32_t item = slates[i * k + slot];
      append_event(i, item, click);
      if (purchases & (1u << slot)) append_event(i, item, purchase);
    }
    if (organic_item_[i] >= 0) append_event(i, organic_item_[i], click);

    SlotTotals& t = totals_[i];
    t.steps += 1;
    t.clicked_steps += clicks != 0;
    t.clicks += click_count;
    t.purchases += purchase_count;
    t.organic_clicks += organic_item_[i] >= 0;
    t.reward += reward;
    episode_return_[i] += reward;
    episode_converted_[i] |= purchases != 0;

    const std::int32_t steps = ++step_in_episode_[i];
    truncated_[i] = !leaving_[i] && steps >= config_.max_steps;
    done_[i] = leaving_[i] || truncated_[i];
    starting_[i] = done_[i];
    if (done_[i]) {
      t.episodes += 1;
      t.return_sum += episode_return_[i];
      t.return_square_sum += episode_return_[i] * episode_return_[i];
      t.episode_steps += steps;
      t.converted_episodes += episode_converted_[i];
      episode_return_[i] = 0;
      episode_converted_[i] = 0;
      step_in_episode_[i] = 0;
      ++episode_[i];
      rng_[i] = RandomStream(derive_seed(seed_, first_slot_ + i, episode_[i]));
      const std::size_t l = config_.history_length;
      std::copy_n(&history_item_[i * l], l, &ended_item_[i * l]);
      std::copy_n(&history_type_[i * l], l, &ended_type_[i * l]);
      ended_length_[i] = history_length_[i];
      history_length_[i] = 0;
      std::fill_n(&history_item_[i * l], l, kPad);
      std::fill_n(&history_type_[i * l], l, kPad);
    }
  }
}

void BatchEnv::start_sessions(std::size_t begin, std::size_t end) {
  bool any = false;
  for (std::size_t i = begin; i < end && !any; ++i) any = starting_[i];
  if (!any) return;
  begin_sessions(begin, end, starting_.data());
  const auto click = static_cast<std::int64_t>(EventType::kClick);
  for (std::size_t i = begin; i < end; ++i) {
    if (!starting_[i]) continue;
    if (entry_item_[i] >= 0) append_event(i, entry_item_[i], click);
    entry_item_[i] = -1;
    starting_[i] = 0;
  }
}

}  // namespace shoprl
