// The batched environment: N user sessions stepped together over struct-of-arrays buffers
// that are allocated at reset() and only rewritten by step(). The base class does the
// bookkeeping every user model shares (slate validation, rewards, the session history,
// counters, truncation, auto-reset, per-slot random streams, threads); a user model fills two
// small hooks that run over a range of users (synthetic_env.h; the learned model later).
//
// Conventions (docs/simulation.md):
//   - slates are N x K item indices, row-major, distinct within a row;
//   - after step(), a finished session's slot already holds the next user's first
//     observation; done[i] says that the step ended the previous session;
//   - history rows hold the last `history_length` events, oldest first, padded with -1.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/thread_pool.h"
#include "env/env_metrics.h"
#include "env/random_stream.h"
#include "env/world_config.h"

namespace shoprl {

class BatchEnv {
 public:
  static constexpr std::int64_t kPad = -1;

  BatchEnv(const EnvConfig& config, std::int64_t num_items);
  virtual ~BatchEnv();
  BatchEnv(const BatchEnv&) = delete;
  BatchEnv& operator=(const BatchEnv&) = delete;

  // Starts `batch_size` fresh sessions. The random stream of slot s in its e-th episode is
  // derived from (seed, first_slot + s, e): a batch that starts at `first_slot` replays those
  // slots of a larger batch of the same seed (a data-parallel job's rank plays its share).
  void reset(std::uint64_t seed, std::int64_t batch_size, std::int64_t first_slot = 0);
  // One step for every user: `slates` holds batch_size x slate_size item indices. Throws Error
  // naming the user and slot for an item out of range or repeated within a slate.
  void step(const std::int32_t* slates);
  void step(const std::vector<std::int32_t>& slates);

  const EnvConfig& env_config() const { return config_; }
  std::int64_t batch_size() const { return batch_size_; }
  int slate_size() const { return config_.slate_size; }
  int history_length() const { return config_.history_length; }
  std::int64_t num_items() const { return num_items_; }
  std::uint64_t seed() const { return seed_; }

  // Observation: [N, L] item indices and EventType codes, and the number of valid entries.
  const std::int64_t* history_items() const { return history_item_.data(); }
  const std::int64_t* history_types() const { return history_type_.data(); }
  const std::int32_t* history_lengths() const { return history_length_.data(); }

  // Outcome of the last step, per user.
  const std::uint32_t* click_masks() const { return click_mask_.data(); }  // bit k: slot k
  const std::uint32_t* purchase_masks() const { return purchase_mask_.data(); }
  const std::int32_t* clicked_slots() const { return clicked_slot_.data(); }  // first, or -1
  const std::uint8_t* purchased() const { return purchased_.data(); }
  const std::int32_t* organic_items() const { return organic_item_.data(); }  // -1: none
  const float* rewards() const { return reward_.data(); }
  const std::uint8_t* dones() const { return done_.data(); }
  const std::uint8_t* truncations() const { return truncated_.data(); }  // ended by max_steps
  // The history a session ended with, before its slot reset: [N, L] and [N] like the
  // observation, valid in the rows whose done() is set. A session cut at max_steps would have
  // gone on from there, so agents bootstrap from it (docs/agents/dqn.md).
  const std::int64_t* ended_history_items() const { return ended_item_.data(); }
  const std::int64_t* ended_history_types() const { return ended_type_.data(); }
  const std::int32_t* ended_history_lengths() const { return ended_length_.data(); }

  // Per-slot episode index and steps taken in the current episode.
  const std::uint64_t* episodes() const { return episode_.data(); }
  const std::int32_t* steps_in_episode() const { return step_in_episode_.data(); }

  // Replaces user slot i's history with the last history_length() of `length` events (oldest
  // first): for putting a logged state back into the world (logged_state_value.h).
  void set_history(std::size_t i, const std::int64_t* items, const std::int64_t* types,
                   std::int64_t length);

  // Totals since reset() or clear_metrics(), summed in slot order.
  EnvMetrics metrics() const { return summarize(totals_); }
  const std::vector<SlotTotals>& slot_totals() const { return totals_; }
  void clear_metrics();

 protected:
  // Sets up a new session in every slot i in [begin, end) with starting[i] != 0, drawing from
  // rng(i); may set entry_item_[i] to an item the session opens with (logged as a click).
  virtual void begin_sessions(std::size_t begin, std::size_t end, const std::uint8_t* starting) = 0;
  // Answers the slates of users [begin, end): sets click_mask_, purchase_mask_ (a subset of
  // the clicks), organic_item_ (-1 or an item clicked on her own) and leaving_.
  virtual void respond(std::size_t begin, std::size_t end, const std::int32_t* slates) = 0;
  // Called after reset() allocated the base buffers, before the first begin_sessions().
  virtual void allocate(std::int64_t batch_size) = 0;
  // Whole-batch hooks for user models that compute in one batched pass (the learned model):
  // prepare_sessions() runs once, on the calling thread, before the chunked begin_sessions()
  // of the same sessions (starting[i] != 0: slot i opens a session); prepare_step() once
  // before the chunked respond(), with validated slates. Per-user randomness must still come
  // from rng(i). The synthetic world needs neither.
  virtual void prepare_sessions(const std::uint8_t* /*starting*/) {}
  virtual void prepare_step(const std::int32_t* /*slates*/) {}

  RandomStream& rng(std::size_t i) { return rng_[i]; }

  std::vector<std::uint32_t> click_mask_;
  std::vector<std::uint32_t> purchase_mask_;
  std::vector<std::int32_t> organic_item_;
  std::vector<std::int32_t> entry_item_;
  std::vector<std::uint8_t> leaving_;
  // Taken off each user's reward of the step (an uncertainty penalty); zero unless a user
  // model sets it in respond(). metrics() and returns count the unpenalised reward.
  std::vector<float> reward_penalty_;

 private:
  static constexpr std::size_t kChunk = 256;  // users per task; fixed, so threads never matter
  std::size_t chunks() const { return (batch_size_ + kChunk - 1) / kChunk; }
  void validate_slates(std::size_t begin, std::size_t end, const std::int32_t* slates) const;
  void finish_step(std::size_t begin, std::size_t end, const std::int32_t* slates);
  void start_sessions(std::size_t begin, std::size_t end);
  void start_all_sessions();
  void append_event(std::size_t i, std::int64_t item, std::int64_t type);

  EnvConfig config_;
  std::int64_t num_items_;
  std::int64_t batch_size_ = 0;
  std::uint64_t seed_ = 0;
  std::uint64_t first_slot_ = 0;
  std::unique_ptr<ThreadPool> pool_;

  std::vector<std::int64_t> history_item_;
  std::vector<std::int64_t> history_type_;
  std::vector<std::int32_t> history_length_;
  std::vector<std::int64_t> ended_item_;
  std::vector<std::int64_t> ended_type_;
  std::vector<std::int32_t> ended_length_;
  std::vector<std::int32_t> clicked_slot_;
  std::vector<std::uint8_t> purchased_;
  std::vector<float> reward_;
  std::vector<std::uint8_t> done_;
  std::vector<std::uint8_t> truncated_;
  std::vector<std::uint8_t> starting_;
  std::vector<std::uint64_t> episode_;
  std::vector<std::int32_t> step_in_episode_;
  std::vector<RandomStream> rng_;
  std::vector<double> episode_return_;
  std::vector<std::uint8_t> episode_converted_;
  std::vector<SlotTotals> totals_;
};

}  // namespace shoprl
