// Off-policy evaluation of a contextual policy (a scoring function and a slate rule) on a
// session store's held-out impressions: for every logged slate, the session history before it
// is scored, and the policy's probabilities of what was shown (slot marginals, prefix and
// slate probabilities, the slot distributions the direct method averages the reward model
// over) fill the same LoggedRounds the context-free path of `shoprl evaluate` fills; the same
// estimators and report follow. The true value is a Monte Carlo run of the policy in the
// synthetic world when the caller gives that world.
#pragma once

#include <cstdint>
#include <string>

#include "data/session_store.h"
#include "env/world_config.h"
#include "eval/evaluation_report.h"
#include "eval/ope_config.h"
#include "eval/ope_run.h"
#include "eval/reward_model.h"
#include "eval/store_rounds.h"
#include "policy/network_slate_policy.h"
#include "policy/slate_rule.h"

namespace shoprl {

class SyntheticWorld;

struct LogEvaluationOptions {
  std::string split = "test";       // all, train, valid, test (evaluate.split)
  std::string name = "network";     // the policy's name in the report
  std::string store_path;           // shown in the report as its input
  std::string resolved_config;      // YAML, shown in the report
  int history_length = 50;          // most recent events before a slate given to the scorer
  int marginal_samples = 64;        // boltzmann: Rao-Blackwellised prefixes per slate
  std::int64_t batch_slates = 256;  // slates scored together ([batch_slates, I] floats)
  OpeConfig ope;
  RewardModelConfig reward_model;
  // Ranking metrics of the scorer itself (HR, NDCG @5/10/20) on ranking_split.
  bool ranking = true;
  std::string ranking_split = "test";
  // The synthetic world that wrote the store (nullptr: real logs, or unknown): the policy's
  // true value is then a Monte Carlo run of truth_episodes sessions in it.
  const SyntheticWorld* world = nullptr;
  EnvConfig env;
  std::int64_t truth_episodes = 20000;
  std::int64_t truth_batch_size = 1024;
};

// The logged rounds of `split` with the policy's probabilities (what the estimators read),
// reward-model predictions when `model` is given (fitted on the returned model_data: pass
// nullptr here, fit, then call again with it, or use evaluate_scoring_policy_on_logs).
// Probabilities of slots >= slate_size are 0. ConfigError for a bad rule, a slate size
// outside [1, min(I, 32)] or a catalogue that is not the store's; DataError as
// logged_rounds_from_store.
StoreRounds scoring_policy_rounds(const SessionStore& store, const ScoringFunction& score,
                                  std::int64_t num_items, const SlateRuleConfig& rule,
                                  int slate_size, const LogEvaluationOptions& options,
                                  const RewardModel* model, std::uint64_t seed);

// Everything `shoprl evaluate` does for a built-in policy, for this one: rounds, the reward
// model (options.reward_model, seeded from `seed` as the evaluate command seeds it), the
// estimators, the true value when options.world is given, ranking metrics, as an
// EvaluationReport; write it with write_evaluation_report (eval/evaluation_report.h).
EvaluationReport evaluate_scoring_policy_on_logs(const SessionStore& store,
                                                 const ScoringFunction& score,
                                                 std::int64_t num_items,
                                                 const SlateRuleConfig& rule, int slate_size,
                                                 const LogEvaluationOptions& options,
                                                 std::uint64_t seed);

}  // namespace shoprl
