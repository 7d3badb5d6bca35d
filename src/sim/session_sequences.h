// The sessions of one split of a store as the user model reads them, with its three targets
// (docs/simulator.md, "Training targets"):
//   - next item: at state t (after events 0..t-1), the item of event t when event t is a click;
//   - purchase: at the state before each click of item j, whether j is bought later in the
//     session (P(purchase | the clicked item));
//   - end: at the state after each event that closes a step (an event followed by a click, or
//     the last event), whether the session ends there.
// Sessions longer than max_length keep their first max_length events as whole windows of
// max_length events each (so no event is lost), each window read from a fresh start token.
#pragma once

#include <cstdint>
#include <vector>

#include "data/session_store.h"

namespace shoprl {

struct SessionSequences {
  std::int64_t num_items = 0;
  std::vector<std::int64_t> offsets{0};  // CSR over sequences (windows of sessions)
  std::vector<std::int32_t> items;
  std::vector<std::int8_t> types;
  std::vector<std::int8_t> purchased_later;  // per event: a click whose item is bought before
                                             // it is clicked again
  std::vector<std::int8_t> ends_step;        // per event: closes a step (an end target)
  std::vector<std::int8_t> last_event;       // per event: the session's last event
  std::vector<std::int64_t> session;         // per sequence: its session index in the store

  std::size_t size() const { return offsets.size() - 1; }
  std::int64_t length(std::size_t s) const { return offsets[s + 1] - offsets[s]; }
};

// Sessions of `split` with at least one event. DataError naming the store path when there is
// no such session.
SessionSequences session_sequences(const SessionStore& store, Split split, int max_length,
                                   const std::string& store_path);

// The sequences of the sessions whose ordinal k among the sessions of `sequences` (0, 1, ... in
// store order) has (k % every == 0) == `held_out`: a deterministic hold-out of one session in
// `every`, the first included, all windows of a session on the same side.
SessionSequences every_nth_session(const SessionSequences& sequences, std::int64_t every,
                                   bool held_out);

}  // namespace shoprl
