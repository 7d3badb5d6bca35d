// Off-policy evaluation of a checkpoint on logs (checkpoint_evaluation.h).
#include "app/checkpoint_evaluation.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/agent_scoring.h"
#include "app/store_world.h"
#include "app/trained_policy.h"
#include "core/error.h"
#include "core/torch/device.h"
#include "policy/log_evaluation.h"

namespace shoprl {

namespace {

// Scores index items by the position the agent learned them at, so the catalogue must be the
// same one. An agent that learned from a store knows that store's item ids; one that learned in
// the world or a simulator knows only the item count (checked by the evaluation itself).
void check_catalogue(const TrainedPolicy& trained, const SessionStore& store,
                     const std::string& store_path) {
  const SessionStore* learned_from = trained.setup.logs.get();
  if (learned_from == nullptr || learned_from->item_raw_id == store.item_raw_id) return;
  const std::size_t shared = std::min(learned_from->num_items(), store.num_items());
  std::size_t first = 0;
  while (first < shared && learned_from->item_raw_id[first] == store.item_raw_id[first]) ++first;
  throw ConfigError(fmt::format(
      "evaluate.policy.checkpoint: the agent in {} learned item indices from {} ({} items), "
      "but {} numbers its {} items differently (first difference at index {}); evaluate on a "
      "store with the same catalogue",
      trained.folder.string(), trained.training.config.train.store, learned_from->num_items(),
      store_path, store.num_items(), first));
}

}  // namespace

EvaluationReport evaluate_checkpoint_on_logs(const LoadedConfig& loaded, const SessionStore& store,
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
  const ScoringFunction score = agent_scoring_function(agent);

  LogEvaluationOptions options;
  options.split = evaluate.split;
  options.ranking = evaluate.ranking;
  options.ranking_split = evaluate.ranking_split;
  options.name = "trained " + training.agent.kind;
  options.store_path = evaluate.store;
  options.resolved_config = loaded.resolved_yaml;
  options.history_length = scoring_history_length(training);
  options.ope = config.ope;
  options.reward_model = config.reward_model;
  options.truth_episodes = evaluate.true_value_sessions;

  std::vector<std::string> notes = {fmt::format(
      "The policy is the {} agent in {}, after {} training iterations (training seed {}).",
      training.agent.kind, trained.folder.string(), trained.iterations, training.run.seed)};
  const StoreWorld world =
      evaluate.true_value_sessions > 0 ? store_world(evaluate.store) : StoreWorld{};
  if (world.world && world.synth.env.slate_size != training.env.slate_size) {
    notes.push_back(fmt::format(
        "No true value: the policy fills slates of {}, the world that wrote the logs shows {}.",
        training.env.slate_size, world.synth.env.slate_size));
  } else if (world.world) {
    options.world = world.world.get();
    options.env = world.synth.env;
  }
  EvaluationReport report =
      evaluate_scoring_policy_on_logs(store, score, trained.setup.inputs.num_items,
                                      agent.evaluation_rule(), training.env.slate_size, options,
                                      seed);
  report.notes.insert(report.notes.begin(), notes.begin(), notes.end());
  return report;
}

}  // namespace shoprl
