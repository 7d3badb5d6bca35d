// `shoprl evaluate` for a trained policy (evaluate.policy.kind: checkpoint): the checkpoint is
// read back (trained_policy.h), every off-policy estimator runs on the store's logged slates
// with the policy's probabilities computed from each session's history
// (policy/log_evaluation.h), and, when the store is synthetic, the policy's true value is a
// Monte Carlo run in the world that wrote the logs (store_world.h).
#pragma once

#include <cstdint>
#include <string>

#include "data/session_store.h"
#include "eval/evaluation_report.h"
#include "jobs/app_config.h"

namespace shoprl {

// evaluate.policy.kind checkpoint or exported (an exported policy, policy/policy_artifact.h,
// scores exactly as its checkpoint does, so both give the same estimates). ConfigError when the
// policy's catalogue is not the store's (another item count, or other item ids where the policy
// knows them).
EvaluationReport evaluate_trained_policy_on_logs(const LoadedConfig& loaded,
                                                 const SessionStore& store, std::uint64_t seed);

}  // namespace shoprl
