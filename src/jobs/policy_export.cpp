// Exporting a trained agent (policy_export.h).
#include "jobs/policy_export.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/text_digest.h"
#include "core/version.h"
#include "data/session_store_io.h"
#include "env/log_synthesis.h"
#include "jobs/agent_scoring.h"

namespace shoprl {
namespace {

const char* head_name(ScoreHead head) {
  switch (head) {
    case ScoreHead::kItem:
      return "item";
    case ScoreHead::kSecondItem:
      return "second_item";
    case ScoreHead::kSlateq:
      return "slateq";
  }
  return "";
}

// Index -> raw item id of the catalogue the agent learned: its store's ids, the ids of the store
// its simulator was fitted on, or the world's own ("i17", as the logs of the world name them).
std::vector<std::string> item_ids(const TrainedPolicy& trained, std::int64_t num_items) {
  std::vector<std::string> ids;
  if (trained.setup.logs) {
    ids = trained.setup.logs->item_raw_id;
  } else if (trained.setup.simulator) {
    const std::string& store = trained.setup.simulator->store_path;
    if (!std::filesystem::exists(store))
      throw IoError(
          fmt::format("{}: the store the agent's simulator was fitted on is gone, so "
                      "its item ids are unknown",
                      store));
    ids = read_session_store(store).item_raw_id;
  } else {
    for (std::int64_t i = 0; i < num_items; ++i) ids.push_back(synthetic_item_id(i));
  }
  if (static_cast<std::int64_t>(ids.size()) != num_items)
    throw DataError(
        fmt::format("the agent scores {} items but its catalogue names {}", num_items, ids.size()));
  return ids;
}

// Random histories of every length up to twice the window (so that the window is exercised),
// with every event type.
SessionBatch random_histories(std::int64_t num_items, int history_length) {
  torch::manual_seed(20261205);
  const std::int64_t rows = 16;
  const std::int64_t width = 2 * history_length + 1;
  const auto index = torch::dtype(torch::kInt64);
  torch::Tensor lengths = torch::randint(0, width + 1, {rows}, index);
  lengths[0] = 0;
  lengths[1] = width;
  const torch::Tensor valid = torch::arange(width, index).view({1, -1}) < lengths.view({-1, 1});
  const torch::Tensor pad = torch::full({rows, width}, -1, index);
  return {torch::where(valid, torch::randint(0, num_items, {rows, width}, index), pad),
          torch::where(valid, torch::randint(0, 3, {rows, width}, index), pad), lengths};
}

}  // namespace

ExportedModel export_trained_policy(TrainedPolicy& trained) {
  const AppConfig& config = trained.training.config;
  const std::optional<ScoringNetwork> scoring = trained.agent->scoring_network();
  if (!scoring)
    throw ConfigError(
        fmt::format("agent.kind {} ranks without a network: nothing to export", config.agent.kind));
  ExportedModel model{script_policy(*scoring), {}};

  // The module must give the agent's own scores.
  const std::int64_t num_items = scoring->network->num_items();
  const SessionBatch histories = random_histories(num_items, config.policy.history_length);
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    expected = trained.agent->policy_scores(histories).to(torch::kCPU);
  }
  const torch::Tensor scripted =
      model.module.forward({histories.items, histories.types, histories.lengths}).toTensor();
  if (!torch::equal(scripted, expected)) {
    throw Error(fmt::format(
        "export: the scripted policy's scores differ from the agent's (largest difference {}); "
        "please report this",
        (scripted - expected).abs().max().item<double>()));
  }

  PolicyMetadata& m = model.metadata;
  m.shoprl_version = kVersion;
  m.agent_kind = config.agent.kind;
  m.encoder = config.policy.encoder;
  m.score_head = head_name(scoring->head);
  m.num_items = num_items;
  m.item_ids = item_ids(trained, num_items);
  m.history_length = scoring_history_length(config);
  m.slate_size = config.env.slate_size;
  m.slate_rule = trained.agent->evaluation_rule();
  m.config_digest = text_digest(trained.training.resolved_yaml);
  m.data_digest = trained.setup.data_hash;
  m.source = trained.folder.string();
  m.iterations = trained.iterations;
  spdlog::info("scripted the {} policy ({} head, {} items); its scores equal the agent's",
               m.agent_kind, m.score_head, num_items);
  return model;
}

}  // namespace shoprl
