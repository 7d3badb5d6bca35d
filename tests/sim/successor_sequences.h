// Hand-built training sequences with a pattern a user model can learn exactly: each session
// starts at a random item and clicks item i + 1 (mod I) after item i; a click is bought later
// exactly when its item is even; every session has `length` clicks.
#pragma once

#include <cstdint>

#include "core/seeding.h"
#include "sim/session_sequences.h"
#include "sim/sim_config.h"

namespace shoprl::testing {

inline SessionSequences successor_sequences(std::int64_t sessions, int length, std::int64_t items,
                                            std::uint64_t seed) {
  SessionSequences s;
  s.num_items = items;
  Rng rng = make_rng(seed, 0);
  for (std::int64_t k = 0; k < sessions; ++k) {
    auto item = static_cast<std::int32_t>(uniform_index(rng, static_cast<std::uint64_t>(items)));
    for (int t = 0; t < length; ++t) {
      s.items.push_back(item);
      s.types.push_back(0);
      s.purchased_later.push_back(item % 2 == 0 ? 1 : 0);
      s.ends_step.push_back(1);
      s.last_event.push_back(t == length - 1 ? 1 : 0);
      item = static_cast<std::int32_t>((item + 1) % items);
    }
    s.offsets.push_back(static_cast<std::int64_t>(s.items.size()));
    s.session.push_back(k);
  }
  return s;
}

// A small, fast model for tests.
inline SimConfig tiny_sim_config(const std::string& encoder = "gru") {
  SimConfig config;
  config.model.encoder = encoder;
  config.model.embedding_dim = 16;
  config.model.hidden_dim = 16;
  config.model.layers = 1;
  config.model.heads = 2;
  config.model.dropout = 0.0;
  config.model.max_length = 10;
  config.training.epochs = 20;
  config.training.batch_size = 32;
  config.training.learning_rate = 1e-2;
  config.training.patience = 3;
  config.training.bootstrap = false;
  return config;
}

}  // namespace shoprl::testing
