// The world, logs and network the CLI training tests share (tests/e2e/train_cli_test.cpp,
// tests/e2e/distributed_train_test.cpp): 40 items, slates of 3, sessions of at most 6 slates,
// 120 uniformly logged sessions and a GRU of width 8, small enough for a run in seconds.
#pragma once

namespace shoprl::testing {

inline constexpr const char* kTinyTrainingWorldYaml =
    "world: {items: 40, users: 60, factor_dim: 4, topics: 3}\n"
    "env: {slate_size: 3, history_length: 6, max_steps: 6}\n"
    "logging_policy: {kind: uniform}\n"
    "synth: {sessions: 120, batch_size: 32, value_episodes: 0}\n"
    "ope: {reward_max: 1.2}\n"
    "policy: {encoder: gru, embedding_dim: 8, hidden_dim: 8, history_length: 6}\n";

}  // namespace shoprl::testing
