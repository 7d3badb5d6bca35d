// The candidate against the served policy on paired sessions, for `shoprl promote`: both as
// exported, played on the same sessions (env/paired_policy_value.h) of a simulator fitted on
// the served traffic (the evidence of promote.evidence simulator), and, where the logs come
// from the synthetic world, of that world: the true lead every decision is checked against.
#pragma once

#include <cstdint>
#include <memory>

#include "data/session_store.h"
#include "env/policies/slate_policy.h"
#include "eval/promotion_gate.h"
#include "jobs/app_config.h"

namespace shoprl {

struct FittedSimulator;

// What the comparisons need, loaded and checked before anything is written.
struct GatePolicies {
  GatePolicies();
  GatePolicies(GatePolicies&&) noexcept;
  ~GatePolicies();
  std::shared_ptr<const SlatePolicy> candidate;  // evaluate.policy.model
  std::shared_ptr<const SlatePolicy> baseline;   // promote.baseline; null when not given
  std::unique_ptr<FittedSimulator> simulator;  // promote.simulator; null unless evidence simulator
  int slate_size = 0;
  std::int64_t num_items = 0;        // the logs' catalogue
  bool synthetic_catalogue = false;  // the logs' item i is the synthetic world's item i
};

// Nothing (null policies) for evidence off_policy without promote.baseline. Otherwise the
// candidate and the baseline, checked against the logs' items (ConfigError naming the key), and
// with evidence simulator promote.simulator (IoError when it is not one; ConfigError when fitted
// over another catalogue than the logs, or when promote.baseline is missing). Slates are the
// simulator's size, else the baseline's.
GatePolicies load_gate_policies(const AppConfig& config, const SessionStore& store);

// promote.sessions paired sessions in the simulator, seeded by `seed`: the comparison's
// `simulated`.
PairedComparison compare_in_simulator(const AppConfig& config, const GatePolicies& policies,
                                      std::uint64_t seed);

// The same pairing in the world that wrote the logs (evaluate.store), into `comparison.truth`,
// when there is a baseline, evaluate.true_value_sessions > 0, and the store records a world of
// the logs' catalogue and slate size; otherwise `comparison` is left as it is.
void add_true_lead(const AppConfig& config, const GatePolicies& policies, std::uint64_t seed,
                   PairedComparison& comparison);

}  // namespace shoprl
