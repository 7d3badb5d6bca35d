// The two arms of an A/B experiment as `shoprl promote --canary-logs` reads them: each a store
// imported from served traffic (data import --format decision-log) holding one model's
// decisions, the two of different models or versions but of the same units (import.unit_prefix:
// the same round), over the same catalogue. The stores record the import's resolved config, so
// a swapped, mixed or mismatched pair is refused before anything is read into the decision.
#pragma once

#include <cstdint>
#include <string>

#include "data/session_store.h"

namespace shoprl {

// What an arm's store says of the traffic it holds.
struct ExperimentArm {
  std::string model;
  std::int64_t version = 0;  // 0: every version
  std::string unit_prefix;
};

// ConfigError starting with `where` (the key and the store's path, e.g. "promote.canary_logs
// (arm.h5)") when the store is not an import of a decision log or imported every model's
// decisions (import.model "").
ExperimentArm experiment_arm(const SessionStore& store, const std::string& where);

// ConfigError starting with the offending arm's `where` when either arm is not one model's
// served traffic, the served arm is not `served_model`'s (the model the candidate would
// replace: swapped arms), or the arms are the same model and version, cover different units, or
// number their items otherwise.
void check_experiment_arms(const SessionStore& served, const std::string& served_where,
                           const std::string& served_model, const SessionStore& canary,
                           const std::string& canary_where);

}  // namespace shoprl
