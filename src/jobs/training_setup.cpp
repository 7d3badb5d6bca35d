// Assembling a training run's inputs (training_setup.h).
#include "jobs/training_setup.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/seeding.h"
#include "core/text_digest.h"
#include "data/session_store_io.h"
#include "env/log_synthesis.h"
#include "jobs/store_world.h"
#include "sim/store_content_hash.h"

namespace shoprl {

namespace {

ChoiceModelParameters world_choice(const WorldConfig& world, int slate_size) {
  ChoiceModelParameters choice;
  choice.no_click_utility = world.choice.no_click_utility;
  for (int k = 0; k < slate_size; ++k)
    choice.slot_offsets.push_back(-world.choice.position_bias * std::log1p(k));
  return choice;
}

ChoiceModelParameters simulator_choice(const ResponseCalibration& calibration, int slate_size) {
  ChoiceModelParameters choice;
  choice.no_click_utility = calibration.no_click_utility;
  for (int k = 0; k < slate_size; ++k)
    choice.slot_offsets.push_back(k < static_cast<int>(calibration.position_bias.size())
                                      ? -calibration.position_bias[k]
                                      : 0.0);
  return choice;
}

}  // namespace

void check_training_config(const AppConfig& config) {
  const TrainConfig& train = config.train;
  const std::string& kind = config.agent.kind;
  if (!train.store.empty()) {
    // Checked before training rather than after: the final off-policy evaluation bounds rewards.
    const double largest = config.env.click_reward + config.env.purchase_reward;
    if (config.ope.reward_max < largest)
      throw ConfigError(fmt::format(
          "ope.reward_max is {} but a logged slot can earn env.click_reward + "
          "env.purchase_reward = {}: the off-policy evaluation of the trained policy on "
          "train.store needs ope.reward_max >= {}",
          config.ope.reward_max, largest, largest));
  }
  if (learns_from_logs(kind)) {
    if (train.store.empty())
      throw ConfigError(
          fmt::format("agent.kind {} learns from logs: set train.store to a session store", kind));
  } else if (train.environment == "simulator") {
    if (train.simulator.empty())
      throw ConfigError(
          "train.environment is simulator: set train.simulator to a folder "
          "written by `shoprl sim fit`");
  } else {
    if (!train.true_world)
      throw ConfigError(
          "train.environment is world but train.true_world is false: there is "
          "no world to act in");
    if (kind == "slateq" && config.world.choice.model != "mnl")
      throw ConfigError(fmt::format(
          "agent.kind slateq decomposes Q through a multinomial-logit choice model, but "
          "world.choice.model is {}",
          config.world.choice.model));
  }
}

TrainingSetup prepare_training(const AppConfig& config, const std::string& device) {
  const TrainConfig& train = config.train;
  const std::string& kind = config.agent.kind;
  TrainingSetup setup;
  setup.inputs.device = torch::Device(device);
  setup.inputs.seed = derive_seed(config.run.seed, 0x6167656eULL);  // "agen"
  setup.inputs.slate_size = config.env.slate_size;
  setup.inputs.users = train.users;
  setup.inputs.click_reward = config.env.click_reward;
  setup.inputs.purchase_reward = config.env.purchase_reward;
  std::string hashed;

  if (train.true_world) {
    setup.world = std::make_unique<SyntheticWorld>(config.world, config.env.slate_size,
                                                   world_seed(config.run.seed));
    setup.world_env = std::make_unique<SyntheticEnv>(*setup.world, config.env);
  }

  check_training_config(config);
  if (!train.store.empty()) {
    setup.logs = std::make_unique<SessionStore>(read_session_store(train.store));
    // The world judged as true must be the one that wrote the logs, when they say which.
    if (setup.world) {
      if (const auto recorded = store_world_config(train.store)) {
        const std::string differences = world_difference(config, *recorded);
        if (!differences.empty())
          throw ConfigError(fmt::format(
              "train.true_world: this config builds another world than the one that wrote "
              "train.store {}: {}; use the logs' world settings and seed, or set "
              "train.true_world: false",
              train.store, differences));
      }
    }
    hashed += "store:" + store_content_hash(*setup.logs) + ";";
  }

  if (learns_from_logs(kind)) {
    setup.inputs.logs = setup.logs.get();
    setup.inputs.num_items = static_cast<std::int64_t>(setup.logs->num_items());
  } else if (train.environment == "simulator") {
    setup.simulator = std::make_unique<FittedSimulator>(load_simulator(train.simulator, device));
    if (setup.simulator->slate_size != config.env.slate_size)
      throw ConfigError(
          fmt::format("env.slate_size is {} but the simulator in {} was fitted "
                      "for slates of {}",
                      config.env.slate_size, train.simulator, setup.simulator->slate_size));
    setup.simulator_env = std::make_unique<LearnedEnv>(*setup.simulator, config.env,
                                                       config.sim.uncertainty_penalty, device);
    setup.inputs.env = setup.simulator_env.get();
    setup.inputs.num_items = setup.simulator->num_items;
    setup.inputs.choice = simulator_choice(setup.simulator->calibration, config.env.slate_size);
    hashed +=
        "simulator:" +
        text_digest(read_file_text(std::filesystem::path(train.simulator) / "simulator.json")) +
        ";";
  } else {
    setup.inputs.env = setup.world_env.get();
    setup.inputs.num_items = config.world.items;
    setup.inputs.choice = world_choice(config.world, config.env.slate_size);
  }
  if (setup.world && setup.inputs.num_items != config.world.items)
    throw ConfigError(fmt::format(
        "train.true_world: the world has {} items (world.items) but the training data has {}; "
        "set train.true_world: false for logs that did not come from this world",
        config.world.items, setup.inputs.num_items));
  // The world is a function of its config section and the seed.
  if (setup.world) {
    std::string world_text = fmt::format("seed={}", config.run.seed);
    for (const auto& [key, value] : flatten_config(config))
      if (key.rfind("world.", 0) == 0) world_text += "|" + key + "=" + value;
    hashed += "world:" + text_digest(world_text) + ";";
  }
  setup.data_hash = text_digest(hashed);
  return setup;
}

}  // namespace shoprl
