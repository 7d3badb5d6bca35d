// `shoprl bench train`: training throughput (transitions per second) of the offline agents'
// gradient step (SQN and supervised; agent/offline_losses.h) with a GRU-64 encoder over a
// 70,000-item catalogue, against a PyTorch (Python) implementation of the same steps
// (bench/sqn_step.py) measured in the same run. The sessions are synthetic and random (uniform
// items, lengths uniform in [1, 2 * mean_length - 1]): the cost of a step depends on the shapes,
// not on the values. The DQN row times the DQN agent's iterations in a synthetic world of the
// same catalogue size (time_dqn_step below).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/agent_config.h"
#include "agent/agent_inputs.h"
#include "agent/dqn_agent.h"
#include "agent/offline_agent.h"
#include "agent/slateq.h"
#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/numpy_baseline.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "core/torch/device.h"
#include "data/event_type.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"

namespace shoprl {
namespace {

constexpr std::uint64_t kSessionsStream = 0x7472616e;
constexpr std::int64_t kDqnUsers = 64;  // sessions per DQN rollout in the benchmark

struct TrainBenchOptions {
  std::int64_t items = 70000;
  std::int64_t sessions = 20000;
  int mean_length = 6;
  std::int64_t batch_size = 64;
  std::int64_t steps = 10;
  int repeats = 3;
  int hidden_dim = 64;
  std::string device = "cpu";
  std::uint64_t seed = 1;
  bool json = false;
  bool baseline = true;
  std::string python = "/usr/bin/python3";
};

struct TrainStepTiming {
  std::string step;
  std::int64_t transitions = 0;
  double seconds = 0;
  double transitions_per_sec() const { return static_cast<double>(transitions) / seconds; }
};

// Random train sessions: uniform items; click / cart / purchase with probability 0.9 / 0.05 /
// 0.05 (bench/sqn_step.py draws by the same recipe).
SessionStore random_sessions(const TrainBenchOptions& options) {
  SessionStore store;
  store.item_raw_id.reserve(static_cast<std::size_t>(options.items));
  for (std::int64_t i = 0; i < options.items; ++i) store.item_raw_id.push_back(std::to_string(i));
  Rng rng = make_rng(options.seed, kSessionsStream);
  for (std::int64_t s = 0; s < options.sessions; ++s) {
    const auto length = 1 + static_cast<std::int64_t>(uniform_index(
                                rng, 2 * static_cast<std::uint64_t>(options.mean_length) - 1));
    for (std::int64_t t = 0; t < length; ++t) {
      store.event_item.push_back(
          static_cast<std::int32_t>(uniform_index(rng, static_cast<std::uint64_t>(options.items))));
      const double u = uniform01(rng);
      const EventType type = u < 0.9    ? EventType::kClick
                             : u < 0.95 ? EventType::kCart
                                        : EventType::kPurchase;
      store.event_type.push_back(static_cast<std::int8_t>(type));
      store.event_time_ms.push_back(t);
    }
    store.session_offsets.push_back(static_cast<std::int64_t>(store.event_item.size()));
    store.session_raw_id.push_back(std::to_string(s));
    store.session_split.push_back(static_cast<std::int8_t>(Split::kTrain));
  }
  return store;
}

PolicyNetworkConfig bench_policy(const TrainBenchOptions& options) {
  PolicyNetworkConfig policy;
  policy.encoder = "gru";
  policy.embedding_dim = options.hidden_dim;
  policy.hidden_dim = options.hidden_dim;
  return policy;
}

// One offline agent's iterations of `steps` gradient steps: the first untimed (warm-up), then
// the best of `repeats`. The time includes building each minibatch from the store.
TrainStepTiming time_offline_step(const std::string& kind, const SessionStore& store,
                                  const TrainBenchOptions& options) {
  AgentConfig config;
  config.kind = kind;
  config.offline.batch_size = options.batch_size;
  config.offline.steps_per_iteration = options.steps;
  AgentInputs inputs;
  inputs.logs = &store;
  inputs.num_items = options.items;
  inputs.device = torch::Device(resolve_device(options.device));
  inputs.seed = options.seed;
  torch::manual_seed(options.seed);
  const auto agent = make_offline_agent(config, bench_policy(options), inputs);
  TrainStepTiming best{kind, 0, 0};
  for (int r = 0; r <= options.repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const IterationMetrics metrics = agent->train_iteration(r);
    if (inputs.device.is_cuda()) torch::cuda::synchronize();
    const double seconds = seconds_since(start);
    std::int64_t transitions = 0;
    for (const auto& [name, value] : metrics)
      if (name == "transitions") transitions = static_cast<std::int64_t>(value);
    spdlog::info("{} iteration {}{}: {} transitions in {:.3f} s", kind, r,
                 r == 0 ? " (warm-up)" : "", transitions, seconds);
    const TrainStepTiming timing{kind, transitions, seconds};
    if (r > 0 && (best.seconds == 0 || timing.transitions_per_sec() > best.transitions_per_sec()))
      best = timing;
  }
  return best;
}

// The DQN row: whole iterations of the item-wise DQN agent in a synthetic world over the same
// catalogue (a rollout of `dqn_users` sessions of at most 10 slates, then `steps` gradient steps
// on replayed minibatches of batch_size x mean_length transitions, the SQN step's size). The
// rate counts the transitions the gradient steps learn from, per second of the whole iteration,
// so the cost of acting is included. No PyTorch row: the baseline implements the SQN step.
std::optional<TrainStepTiming> time_dqn_step(const TrainBenchOptions& options) {
  WorldConfig world;
  world.items = options.items;
  EnvConfig env;
  env.slate_size = 10;
  env.history_length = 2 * options.mean_length;
  env.max_steps = 10;
  const SyntheticWorld synthetic(world, env.slate_size, options.seed);
  SyntheticEnv environment(synthetic, env);
  AgentConfig config;
  config.kind = "dqn";
  config.dqn.batch_size = static_cast<int>(options.batch_size) * options.mean_length;
  config.dqn.updates_per_iteration = static_cast<int>(options.steps);
  config.dqn.learning_starts = 0;
  AgentInputs inputs;
  inputs.env = &environment;
  inputs.num_items = options.items;
  inputs.slate_size = env.slate_size;
  inputs.users = kDqnUsers;
  inputs.choice = mnl_choice_parameters(world.choice, env.slate_size);
  inputs.device = torch::Device(resolve_device(options.device));
  inputs.seed = options.seed;
  PolicyNetworkConfig policy = bench_policy(options);
  policy.history_length = env.history_length;
  torch::manual_seed(options.seed);
  const auto agent = make_dqn_agent(config, policy, inputs);
  TrainStepTiming best{"dqn", 0, 0};
  for (int r = 0; r <= options.repeats; ++r) {
    torch::manual_seed(derive_seed(options.seed, static_cast<std::uint64_t>(r)));
    const auto start = std::chrono::steady_clock::now();
    agent->train_iteration(r);
    if (inputs.device.is_cuda()) torch::cuda::synchronize();
    const double seconds = seconds_since(start);
    const std::int64_t transitions =
        static_cast<std::int64_t>(config.dqn.batch_size) * config.dqn.updates_per_iteration;
    spdlog::info("dqn iteration {}{}: {} transitions in {:.3f} s", r, r == 0 ? " (warm-up)" : "",
                 transitions, seconds);
    const TrainStepTiming timing{"dqn", transitions, seconds};
    if (r > 0 && (best.seconds == 0 || timing.transitions_per_sec() > best.transitions_per_sec()))
      best = timing;
  }
  return best;
}

std::optional<nlohmann::json> run_torch_baseline(const TrainBenchOptions& options,
                                                 std::string& skipped) {
  const nlohmann::json params = {{"items", options.items},
                                 {"batch_size", options.batch_size},
                                 {"mean_length", options.mean_length},
                                 {"embedding_dim", options.hidden_dim},
                                 {"hidden_dim", options.hidden_dim},
                                 {"gamma", 0.5},
                                 {"steps", options.steps},
                                 {"warmup", options.steps},
                                 {"repeats", options.repeats},
                                 {"threads", torch::get_num_threads()},
                                 {"seed", options.seed % (std::uint64_t{1} << 31)},
                                 {"kinds", {"supervised", "sqn"}}};
  return run_numpy_baseline_script(options.python, "sqn_step.py", params, skipped, "torch");
}

void run_train_bench(const TrainBenchOptions& options, const GlobalOptions& global) {
  AppConfig defaults;
  apply_logging(defaults, global.quiet);
  auto start = std::chrono::steady_clock::now();
  const SessionStore store = random_sessions(options);
  spdlog::info("generated {} random sessions ({} events) over {} items in {:.2f} s",
               options.sessions, store.num_events(), options.items, seconds_since(start));

  std::vector<TrainStepTiming> rows = {time_offline_step("supervised", store, options),
                                       time_offline_step("sqn", store, options)};
  if (const auto dqn = time_dqn_step(options)) rows.push_back(*dqn);

  std::optional<nlohmann::json> python;
  std::string skipped = options.baseline ? "" : "torch baseline skipped: --no-baseline";
  if (options.baseline) python = run_torch_baseline(options, skipped);
  const auto python_rate = [&python](const std::string& step) -> std::optional<double> {
    if (!python || !python->contains(step)) return std::nullopt;
    return python->at(step).at("transitions_per_sec").get<double>();
  };

  if (options.json) {
    nlohmann::json out = {{"items", options.items},
                          {"sessions", options.sessions},
                          {"batch_size", options.batch_size},
                          {"steps", options.steps},
                          {"hidden_dim", options.hidden_dim},
                          {"device", options.device},
                          {"torch_threads", torch::get_num_threads()},
                          {"hardware_threads", std::thread::hardware_concurrency()}};
    out["steps_timed"] = nlohmann::json::array();
    for (const TrainStepTiming& row : rows) {
      nlohmann::json entry = {{"step", row.step},
                              {"transitions", row.transitions},
                              {"seconds", row.seconds},
                              {"transitions_per_sec", row.transitions_per_sec()}};
      if (const auto rate = python_rate(row.step))
        entry["ratio"] = row.transitions_per_sec() / *rate;
      out["steps_timed"].push_back(entry);
    }
    if (python)
      out["pytorch"] = *python;
    else
      out["pytorch_skipped"] = skipped;
    fmt::print("{}\n", out.dump(2));
    return;
  }

  fmt::print(
      "train benchmark: GRU-{} encoder, {} items, {} random sessions (mean {} events), {} "
      "sessions per step, {} steps per timing (best of {}); device {}, torch threads {}, "
      "hardware threads {}\n\n",
      options.hidden_dim, options.items, options.sessions, options.mean_length, options.batch_size,
      options.steps, options.repeats, options.device, torch::get_num_threads(),
      std::thread::hardware_concurrency());
  fmt::print("{:<12}{:>14}{:>10}{:>16}{:>18}{:>9}\n", "step", "transitions", "seconds",
             "transitions/s", "pytorch trans/s", "ratio");
  for (const TrainStepTiming& row : rows) {
    const auto rate = python_rate(row.step);
    fmt::print("{:<12}{:>14}{:>10.3f}{:>16.0f}{:>18}{:>9}\n", row.step, row.transitions,
               row.seconds, row.transitions_per_sec(), rate ? fmt::format("{:.0f}", *rate) : "-",
               rate ? fmt::format("{:.2f}", row.transitions_per_sec() / *rate) : "");
  }
  if (python) {
    fmt::print(
        "\npytorch: Python {} with torch {} ({} threads), the same steps (bench/sqn_step.py), "
        "on the CPU.\nratio: shoprl transitions/s / pytorch transitions/s.\n",
        options.python, python->at("torch").get<std::string>(), python->at("threads").get<int>());
  } else {
    fmt::print("\n{}\n", skipped);
  }
}

}  // namespace

void add_train_bench_command(CLI::App& bench, const GlobalOptions& global) {
  auto options = std::make_shared<TrainBenchOptions>();
  CLI::App* train = bench.add_subcommand("train", torch_command_summary("bench", "train"));
  train->add_option("--items", options->items, "Catalogue size")->check(CLI::Range(2, 10000000));
  train->add_option("--sessions", options->sessions, "Random sessions generated")
      ->check(CLI::PositiveNumber);
  train->add_option("--mean-length", options->mean_length, "Mean events per session")
      ->check(CLI::Range(1, 1000));
  train->add_option("--batch-size", options->batch_size, "Sessions per gradient step")
      ->check(CLI::PositiveNumber);
  train->add_option("--steps", options->steps, "Gradient steps per timing")
      ->check(CLI::PositiveNumber);
  train->add_option("--repeats", options->repeats, "Timed repetitions (best is reported)")
      ->check(CLI::PositiveNumber);
  train->add_option("--hidden", options->hidden_dim, "GRU state and embedding size")
      ->check(CLI::Range(1, 4096));
  train->add_option("--device", options->device, "cpu, cuda or auto (the baseline runs on CPU)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  train->add_option("--seed", options->seed, "Seed of the sessions and the weights");
  train->add_flag("--json", options->json, "Print the results as JSON");
  train->add_option("--python", options->python, "Python with torch for the baseline");
  train->add_flag("!--no-baseline", options->baseline, "Skip the PyTorch baseline");
  train->callback([options, &global] { run_train_bench(*options, global); });
}

}  // namespace shoprl
