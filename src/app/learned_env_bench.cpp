#include "app/learned_env_bench.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "app/env_step_timing.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "core/torch/device.h"
#include "env/policies/policies.h"
#include "jobs/app_config.h"
#include "sim/fitted_simulator.h"
#include "sim/learned_env.h"

namespace shoprl {
namespace {

constexpr int kThreadCounts[] = {1, 2};
constexpr std::int64_t kSlateBatches = 64;  // uniform slate batches a cell cycles through

struct Cell {
  int threads = 0;
  std::int64_t steps = 0;
  double seconds = 0;  // best of the repeats
  EnvMetrics metrics;
  double mean_disagreement = 0;  // over the last timed step
};

Cell bench_cell(FittedSimulator& simulator, const AppConfig& config, const std::string& device,
                int threads, const LearnedEnvBenchOptions& options) {
  EnvConfig env_config = config.env;
  env_config.threads = threads;
  LearnedEnv env(simulator, env_config, config.sim.uncertainty_penalty, device);
  env.reset(config.run.seed, options.users);
  const int k = env.slate_size();
  std::vector<std::int32_t> pool(static_cast<std::size_t>(kSlateBatches * options.users) * k);
  RandomStream rng(derive_seed(config.run.seed, 0x5ea7e5));
  for (std::size_t i = 0; i < pool.size(); i += k)
    draw_uniform_slate(env.num_items(), k, rng, &pool[i]);

  Cell cell;
  cell.threads = threads;
  const StepTiming timing =
      time_env_steps(env, pool, options.steps, options.seconds, options.repeats);
  cell.steps = timing.steps;
  cell.seconds = timing.seconds;
  cell.metrics = env.metrics();
  double total = 0;
  for (std::int64_t i = 0; i < options.users; ++i) total += env.disagreements()[i];
  cell.mean_disagreement = total / static_cast<double>(options.users);
  spdlog::info("learned env, N = {}, {} thread(s): {} steps in {:.3f} s (best of {})",
               options.users, threads, cell.steps, cell.seconds, options.repeats);
  return cell;
}

}  // namespace

void run_learned_env_bench(const AppConfig& config, const LearnedEnvBenchOptions& options) {
  const std::string device = resolve_device(config.run.device);
  const auto start = std::chrono::steady_clock::now();
  FittedSimulator simulator = load_simulator(config.sim.directory, device);
  spdlog::info("loaded the simulator in {} ({} members, {} items) in {:.2f} s",
               config.sim.directory, simulator.members.size(), simulator.num_items,
               seconds_since(start));
  const UserModelConfig& model = simulator.config.model;

  std::vector<Cell> cells;
  for (int threads : kThreadCounts)
    cells.push_back(bench_cell(simulator, config, device, threads, options));
  auto rate = [&](const Cell& c) {
    return static_cast<double>(options.users * c.steps) / c.seconds;
  };

  if (options.json) {
    nlohmann::json out;
    out["world"] = {{"kind", "learned"},
                    {"directory", config.sim.directory},
                    {"items", simulator.num_items},
                    {"members", simulator.members.size()},
                    {"encoder", model.encoder},
                    {"hidden_dim", model.hidden_dim},
                    {"slate_size", config.env.slate_size},
                    {"max_steps", config.env.max_steps},
                    {"device", device}};
    out["timed"] = "env.step only; slates drawn uniformly beforehand (policy cost excluded)";
    out["torch_threads"] = torch::get_num_threads();
    out["cells"] = nlohmann::json::array();
    for (const Cell& c : cells)
      out["cells"].push_back({{"users", options.users},
                              {"threads", c.threads},
                              {"steps", c.steps},
                              {"seconds", c.seconds},
                              {"user_steps_per_sec", rate(c)}});
    out["metrics"] = nlohmann::json::parse(cells.front().metrics.to_json());
    out["mean_disagreement"] = cells.front().mean_disagreement;
    fmt::print("{}\n", out.dump(2));
    return;
  }

  fmt::print(
      "env benchmark: learned world ({}), {} items, {} member(s), {} encoder (hidden {}), slate "
      "{}, at most {} steps per session, device {}\n",
      config.sim.directory, simulator.num_items, simulator.members.size(), model.encoder,
      model.hidden_dim, config.env.slate_size, config.env.max_steps, device);
  fmt::print(
      "timed: env.step only (uniform random slates drawn beforehand; policy cost excluded), "
      "best of {}\n\n",
      options.repeats);
  fmt::print("{:>8}{:>9}{:>22}{:>14}\n", "users", "threads", "shoprl user-steps/s", "ms/step");
  for (const Cell& c : cells)
    fmt::print("{:>8}{:>9}{:>22.0f}{:>14.3f}\n", options.users, c.threads, rate(c),
               1e3 * c.seconds / static_cast<double>(c.steps));
  fmt::print(
      "\nthreads: env.threads, which only split the per-user copies; the batched forward pass "
      "uses LibTorch's {} intra-op thread(s). Hardware threads: {}.\n",
      torch::get_num_threads(), std::thread::hardware_concurrency());
  const EnvMetrics& m = cells.front().metrics;
  fmt::print("\n{:>10}{:>16}{:>16}{:>14}{:>16}{:>14}\n", "CTR", "purchases/click", "organic/step",
             "reward/step", "session length", "disagreement");
  fmt::print("{:>10.4f}{:>16.4f}{:>16.4f}{:>14.4f}{:>16.2f}{:>14.4f}\n", m.click_through_rate,
             m.purchases_per_click, m.organic_clicks_per_step, m.reward_per_step,
             m.mean_session_length, cells.front().mean_disagreement);
}

}  // namespace shoprl
