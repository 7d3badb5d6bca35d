// Off-policy evaluation of a checkpoint on logs (checkpoint_evaluation.h).
#include "jobs/checkpoint_evaluation.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"
#include "core/torch/device.h"
#include "jobs/agent_scoring.h"
#include "jobs/store_world.h"
#include "jobs/trained_policy.h"
#include "policy/log_evaluation.h"
#include "policy/policy_artifact.h"

namespace shoprl {

namespace {

// The first index at which two catalogues name different items.
std::size_t first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t shared = std::min(a.size(), b.size());
  std::size_t first = 0;
  while (first < shared && a[first] == b[first]) ++first;
  return first;
}

// Scores index items by the position the agent learned them at, so the catalogue must be the
// same one. An agent that learned from a store knows that store's item ids; one that learned in
// the world or a simulator knows only the item count (checked by the evaluation itself).
void check_catalogue(const TrainedPolicy& trained, const SessionStore& store,
                     const std::string& store_path) {
  const SessionStore* learned_from = trained.setup.logs.get();
  if (learned_from == nullptr || learned_from->item_raw_id == store.item_raw_id) return;
  const std::size_t first = first_difference(learned_from->item_raw_id, store.item_raw_id);
  throw ConfigError(fmt::format(
      "evaluate.policy.checkpoint: the agent in {} learned item indices from {} ({} items), "
      "but {} numbers its {} items differently (first difference at index {}); evaluate on a "
      "store with the same catalogue",
      trained.folder.string(), trained.training.config.train.store, learned_from->num_items(),
      store_path, store.num_items(), first));
}

// The evaluation both kinds share, once the policy's scores, rule and catalogue are known.
EvaluationReport evaluate_on_logs(const LoadedConfig& loaded, const SessionStore& store,
                                  std::uint64_t seed, const ScoringFunction& score,
                                  std::int64_t num_items, const SlateRuleConfig& rule,
                                  int slate_size, int history_length, const std::string& name,
                                  std::vector<std::string> notes) {
  const AppConfig& config = loaded.config;
  const EvaluateConfig& evaluate = config.evaluate;
  LogEvaluationOptions options;
  options.split = evaluate.split;
  options.ranking = evaluate.ranking;
  options.ranking_split = evaluate.ranking_split;
  options.name = name;
  options.store_path = evaluate.store;
  options.resolved_config = loaded.resolved_yaml;
  options.history_length = history_length;
  options.ope = config.ope;
  options.reward_model = config.reward_model;
  options.truth_episodes = evaluate.true_value_sessions;
  StoreWorld world;
  if (evaluate.true_value_sessions > 0) world = store_world(evaluate.store);
  if (world.world && world.synth.env.slate_size != slate_size) {
    notes.push_back(fmt::format(
        "No true value: the policy fills slates of {}, the world that wrote the logs shows {}.",
        slate_size, world.synth.env.slate_size));
  } else if (world.world) {
    options.world = world.world.get();
    options.env = world.synth.env;
  }
  EvaluationReport report =
      evaluate_scoring_policy_on_logs(store, score, num_items, rule, slate_size, options, seed);
  report.notes.insert(report.notes.begin(), notes.begin(), notes.end());
  return report;
}

EvaluationReport evaluate_checkpoint(const LoadedConfig& loaded, const SessionStore& store,
                                     std::uint64_t seed) {
  const AppConfig& config = loaded.config;
  const EvaluateConfig& evaluate = config.evaluate;
  if (evaluate.policy.checkpoint.empty())
    throw ConfigError(
        "evaluate.policy.checkpoint: policy.kind checkpoint needs a run directory written by "
        "`shoprl train` (or its checkpoint folder)");
  TrainedPolicy trained =
      load_trained_policy(evaluate.policy.checkpoint, resolve_device(config.run.device));
  check_catalogue(trained, store, evaluate.store);
  const AppConfig& training = trained.training.config;
  Agent& agent = *trained.agent;
  return evaluate_on_logs(
      loaded, store, seed, agent_scoring_function(agent), trained.setup.inputs.num_items,
      agent.evaluation_rule(), training.env.slate_size, scoring_history_length(training),
      "trained " + training.agent.kind,
      {fmt::format(
          "The policy is the {} agent in {}, after {} training iterations (training seed {}).",
          training.agent.kind, trained.folder.string(), trained.iterations, training.run.seed)});
}

// An exported policy knows its catalogue by raw ids: the store must number its items the same.
EvaluationReport evaluate_exported(const LoadedConfig& loaded, const SessionStore& store,
                                   std::uint64_t seed) {
  const EvaluateConfig& evaluate = loaded.config.evaluate;
  const ExportedPolicy policy = ExportedPolicy::load(evaluate.policy.model);
  const PolicyMetadata& m = policy.metadata();
  if (m.item_ids != store.item_raw_id) {
    const std::size_t first = first_difference(m.item_ids, store.item_raw_id);
    throw ConfigError(fmt::format(
        "evaluate.policy.model: the policy in {} knows {} items, but {} numbers its {} items "
        "differently (first difference at index {}); evaluate on a store with its catalogue",
        policy.folder().string(), m.num_items, evaluate.store, store.num_items(), first));
  }
  const ScoringFunction score = [&policy](const SessionBatch& batch) {
    return policy.scores(batch);
  };
  return evaluate_on_logs(
      loaded, store, seed, score, m.num_items, m.slate_rule, m.slate_size, m.history_length,
      "exported " + m.agent_kind,
      {fmt::format("The policy is the {} agent exported to {} (from {}, after {} training "
                   "iterations).",
                   m.agent_kind, policy.folder().string(), m.source, m.iterations)});
}

}  // namespace

EvaluationReport evaluate_trained_policy_on_logs(const LoadedConfig& loaded,
                                                 const SessionStore& store, std::uint64_t seed) {
  return loaded.config.evaluate.policy.kind == "exported"
             ? evaluate_exported(loaded, store, seed)
             : evaluate_checkpoint(loaded, store, seed);
}

}  // namespace shoprl
