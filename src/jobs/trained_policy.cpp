// Reading a trained policy back from its checkpoint (trained_policy.h).
#include "jobs/trained_policy.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "agent/agent_factory.h"
#include "agent/checkpoint.h"
#include "agent/trainer.h"
#include "core/error.h"

namespace shoprl {

namespace {

// flatten_config writes values as text: lists as "[a, b]", maps as "{k: v}", the empty string
// as "\"\"", everything else bare. Bare values are quoted here so that a string that happens to
// look like YAML (a path with ": ", "yes", "~") comes back as the same string; numbers and bools
// convert from quoted scalars just the same.
std::string override_value(const std::string& text) {
  if (text.empty() || text.front() == '[' || text.front() == '{' || text == "\"\"") return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// The config recorded in a checkpoint's state.json ("config": dotted key -> value text, as
// flatten_config writes it) as a loaded config. `where` names the file in errors.
LoadedConfig config_from_flat(const nlohmann::json& flat, const std::string& where) {
  if (!flat.is_object())
    throw ConfigError(fmt::format("{}: \"config\" is missing or not an object", where));
  std::vector<std::string> overrides;
  for (const auto& [key, value] : flat.items()) {
    if (!value.is_string())
      throw ConfigError(fmt::format("{}: config key {} is not recorded as text", where, key));
    overrides.push_back(key + "=" + override_value(value.get<std::string>()));
  }
  try {
    return load_app_config("", overrides);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format(
        "{}: the training config recorded here does not load in this build: {}", where, e.what()));
  }
}

}  // namespace

TrainedPolicy load_trained_policy(const std::filesystem::path& path, const std::string& device) {
  TrainedPolicy trained;
  trained.folder = find_checkpoint(path);
  const CheckpointReader reader(trained.folder);
  const std::string where = (trained.folder / "state.json").string();
  trained.training = config_from_flat(reader.meta().value("config", nlohmann::json()), where);
  const AppConfig& config = trained.training.config;
  const std::string recorded_kind = reader.meta().value("agent", std::string());
  if (recorded_kind != config.agent.kind)
    throw ConfigError(fmt::format("{}: agent {} but its config says agent.kind {}", where,
                                  recorded_kind, config.agent.kind));
  trained.iterations = reader.meta().value("iteration", std::int64_t{0});
  trained.setup = prepare_training(config, device);
  if (trained.setup.data_hash != reader.meta().value("data_hash", std::string()))
    spdlog::warn(
        "{}: the data the agent trained on (train.store, train.simulator or the world) has "
        "changed since; the policy is evaluated as trained",
        where);
  trained.agent = make_agent(config.agent, config.policy, trained.setup.inputs);
  trained.agent->load(reader);
  spdlog::info("{} agent from {} ({} iterations, {} items)", config.agent.kind,
               trained.folder.string(), trained.iterations, trained.setup.inputs.num_items);
  return trained;
}

}  // namespace shoprl
