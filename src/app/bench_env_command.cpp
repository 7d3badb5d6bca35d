// `shoprl bench env`: user-steps per second of the synthetic environment's step, against a
// NumPy implementation of the same step arithmetic (bench/env_numpy.py) measured in the same
// run. Only env.step is timed: the slates are drawn beforehand, so no policy cost is included.
// With --learned, the learned environment on the simulator in sim.directory instead
// (learned_env_bench.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "app/bench_threads.h"
#include "app/commands.h"
#include "app/env_step_timing.h"
#include "app/hand_over.h"
#include "app/learned_env_bench.h"
#include "app/numpy_baseline.h"
#include "app/torch_parts.h"
#include "core/error.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "env/policies/policies.h"
#include "env/synthetic_env.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"

namespace shoprl {
namespace {

constexpr std::int64_t kBatchSizes[] = {1, 64, 4096};
constexpr int kUsersPerChunk = 256;  // BatchEnv's kChunk: the unit of work a thread takes

struct EnvBenchOptions {
  ConfigOptions config;
  std::int64_t steps = 0;  // timed steps per cell; 0: as many as fill `seconds`
  double seconds = 0.5;
  int repeats = 3;
  bool json = false;
  bool baseline = true;
  std::string python = "/usr/bin/python3";
  bool learned = false;
  std::int64_t learned_users = 1024;
};

struct Cell {
  std::int64_t users = 0;
  int threads = 0;
  std::int64_t steps = 0;
  double seconds = 0;  // best of the repeats
  EnvMetrics metrics;  // over all timed steps
  double user_steps_per_sec() const { return static_cast<double>(users * steps) / seconds; }
};

// How many slate batches a cell cycles through: about 4M slate entries, 64 to 1024 batches, so
// that N = 1 does not show one user the same few slates and N = 4096 stays at 16 MB.
std::int64_t pool_batches(std::int64_t users, int slate_size) {
  const std::int64_t entries = std::int64_t{1} << 22;
  return std::clamp<std::int64_t>((entries + users * slate_size - 1) / (users * slate_size), 64,
                                  1024);
}

Cell bench_cell(const SyntheticWorld& world, const AppConfig& config, std::int64_t users,
                int threads, const EnvBenchOptions& options) {
  EnvConfig env_config = config.env;
  env_config.threads = threads;
  SyntheticEnv env(world, env_config);
  env.reset(config.run.seed, users);
  const int k = env.slate_size();
  std::vector<std::int32_t> pool(static_cast<std::size_t>(pool_batches(users, k) * users) * k);
  RandomStream rng(derive_seed(config.run.seed, 0x5ea7e5));
  for (std::size_t i = 0; i < pool.size(); i += k)
    draw_uniform_slate(world.num_items(), k, rng, &pool[i]);

  Cell cell;
  cell.users = users;
  cell.threads = threads;
  const StepTiming timing =
      time_env_steps(env, pool, options.steps, options.seconds, options.repeats);
  cell.steps = timing.steps;
  cell.seconds = timing.seconds;
  cell.metrics = env.metrics();
  spdlog::info("N = {}, {} thread(s): {} steps in {:.3f} s (best of {})", users, threads,
               cell.steps, cell.seconds, options.repeats);
  return cell;
}

// The world and env parameters the NumPy side needs, plus the timing protocol.
nlohmann::json numpy_params(const AppConfig& config, const EnvBenchOptions& options) {
  const WorldConfig& w = config.world;
  const EnvConfig& e = config.env;
  nlohmann::json sizes = nlohmann::json::array();
  for (std::int64_t n : kBatchSizes) sizes.push_back(n);
  return {{"seed", config.run.seed},
          {"steps", options.steps},
          {"seconds", options.seconds},
          {"repeats", options.repeats},
          {"batch_sizes", sizes},
          {"env",
           {{"slate_size", e.slate_size},
            {"history_length", e.history_length},
            {"max_steps", e.max_steps},
            {"click_reward", e.click_reward},
            {"purchase_reward", e.purchase_reward}}},
          {"world",
           {{"items", w.items},
            {"users", w.users},
            {"factor_dim", w.factor_dim},
            {"topics", w.topics},
            {"item_topic_noise", w.item_topic_noise},
            {"user_topic_noise", w.user_topic_noise},
            {"affinity_scale", w.affinity_scale},
            {"popularity_weight", w.popularity_weight},
            {"price_median", w.price_median},
            {"price_log_sd", w.price_log_sd},
            {"purchase_bias", w.purchase_bias},
            {"purchase_affinity", w.purchase_affinity},
            {"price_sensitivity", w.price_sensitivity},
            {"price_sensitivity_log_sd", w.price_sensitivity_log_sd},
            {"interest_drift", w.interest_drift},
            {"organic_rate", w.organic_rate},
            {"organic_candidates", w.organic_candidates},
            {"entry_event", w.entry_event},
            {"satisfaction_decay", w.satisfaction_decay},
            {"click_satisfaction", w.click_satisfaction},
            {"purchase_satisfaction", w.purchase_satisfaction},
            {"boredom", w.boredom},
            {"leave_bias", w.leave_bias},
            {"leave_satisfaction_weight", w.leave_satisfaction_weight},
            {"choice",
             {{"model", w.choice.model},
              {"no_click_utility", w.choice.no_click_utility},
              {"position_bias", w.choice.position_bias},
              {"cascade_continuation", w.choice.cascade_continuation},
              {"pbm_exponent", w.choice.pbm_exponent}}}}}};
}

// Runs bench/env_numpy.py; nullopt, with the reason in `skipped`, when the interpreter cannot
// import numpy.
std::optional<nlohmann::json> run_numpy_baseline(const AppConfig& config,
                                                 const EnvBenchOptions& options,
                                                 std::string& skipped) {
  return run_numpy_baseline_script(options.python, "env_numpy.py", numpy_params(config, options),
                                   skipped);
}

void run_env_bench(const EnvBenchOptions& options, const GlobalOptions& global) {
  if (options.learned && !has_torch_jobs(global)) hand_over_to_torch_program(global);
  // --learned times sim fit's simulator unless sim.directory or run.name says otherwise.
  const LoadedConfig loaded =
      load_app_config(options.config.file, options.config.overrides, "sim-fit");
  const AppConfig& config = loaded.config;
  apply_logging(config, global.quiet);
  if (options.learned) {
    LearnedEnvBenchOptions learned;
    learned.users = options.learned_users;
    learned.steps = options.steps;
    learned.seconds = options.seconds;
    learned.repeats = options.repeats;
    learned.json = options.json;
    global.torch->run_learned_env_bench(config, learned);
    return;
  }
  const WorldConfig& w = config.world;
  const auto start = std::chrono::steady_clock::now();
  const SyntheticWorld world(w, config.env.slate_size, config.run.seed);
  spdlog::info("built the world ({} items, {} users, dim {}) in {:.2f} s", w.items, w.users,
               w.factor_dim, seconds_since(start));

  std::vector<Cell> cells;
  for (std::int64_t users : kBatchSizes)
    for (int threads : kBenchThreadCounts)
      cells.push_back(bench_cell(world, config, users, threads, options));

  std::optional<nlohmann::json> numpy;
  std::string numpy_skipped = options.baseline ? "" : "numpy baseline skipped: --no-baseline";
  if (options.baseline) numpy = run_numpy_baseline(config, options, numpy_skipped);
  auto numpy_result = [&](std::int64_t users) -> const nlohmann::json* {
    if (!numpy) return nullptr;
    for (const nlohmann::json& r : numpy->at("results"))
      if (r.at("users").get<std::int64_t>() == users) return &r;
    return nullptr;
  };
  // The cross-check uses the largest batch with one thread, which has the most user-steps.
  const Cell& check = *std::find_if(cells.begin(), cells.end(), [](const Cell& c) {
    return c.users == std::end(kBatchSizes)[-1] && c.threads == 1;
  });
  const nlohmann::json* numpy_check = numpy_result(check.users);

  if (options.json) {
    nlohmann::json out;
    out["world"] = {{"items", w.items},
                    {"factor_dim", w.factor_dim},
                    {"slate_size", config.env.slate_size},
                    {"choice_model", w.choice.model},
                    {"history_length", config.env.history_length},
                    {"max_steps", config.env.max_steps}};
    out["timed"] = "env.step only; slates drawn uniformly beforehand (policy cost excluded)";
    out["hardware_threads"] = std::thread::hardware_concurrency();
    out["cells"] = nlohmann::json::array();
    for (const Cell& c : cells) {
      nlohmann::json row = {{"users", c.users},
                            {"threads", c.threads},
                            {"steps", c.steps},
                            {"seconds", c.seconds},
                            {"user_steps_per_sec", c.user_steps_per_sec()}};
      if (const nlohmann::json* r = numpy_result(c.users)) {
        const double numpy_rate = r->at("user_steps_per_sec").get<double>();
        row["numpy_user_steps_per_sec"] = numpy_rate;
        row["ratio"] = c.user_steps_per_sec() / numpy_rate;
      }
      out["cells"].push_back(row);
    }
    out["shoprl_metrics"] = nlohmann::json::parse(check.metrics.to_json());
    if (numpy_check) {
      out["numpy_metrics"] = numpy_check->at("metrics");
      out["numpy"] = numpy->at("numpy");
    } else {
      out["numpy_skipped"] = numpy_skipped;
    }
    fmt::print("{}\n", out.dump(2));
    return;
  }

  fmt::print(
      "env benchmark: synthetic world, {} items, {}-dim factors, slate {}, {} choice, history "
      "{}, at most {} steps per session\n",
      w.items, w.factor_dim, config.env.slate_size, w.choice.model, config.env.history_length,
      config.env.max_steps);
  fmt::print(
      "timed: env.step only (uniform random slates drawn beforehand; policy cost excluded), "
      "best of {}\n\n",
      options.repeats);
  fmt::print("{:>8}{:>9}{:>22}{:>22}{:>10}\n", "users", "threads", "shoprl user-steps/s",
             "numpy user-steps/s", "ratio");
  for (const Cell& c : cells) {
    const nlohmann::json* r = numpy_result(c.users);
    const double numpy_rate = r ? r->at("user_steps_per_sec").get<double>() : 0.0;
    fmt::print("{:>8}{:>9}{:>22.0f}{:>22}{:>10}\n", c.users, c.threads, c.user_steps_per_sec(),
               r ? fmt::format("{:.0f}", numpy_rate) : "-",
               r ? fmt::format("{:.2f}", c.user_steps_per_sec() / numpy_rate) : "");
  }
  fmt::print(
      "\nratio: shoprl / numpy. numpy runs single-threaded (its figure is repeated on both "
      "thread rows);\na batch of at most {} users is one chunk, which one thread steps. "
      "Hardware threads: {}.\n",
      kUsersPerChunk, std::thread::hardware_concurrency());

  // The same statistics from both sides: a check that they do the same arithmetic.
  fmt::print("\ncross-check at N = {}, uniform slates{}:\n", check.users,
             numpy_check ? fmt::format(" (numpy {} draws its own world by the same recipe)",
                                       numpy->at("numpy").get<std::string>())
                         : "");
  fmt::print("{:<8}{:>10}{:>16}{:>16}{:>14}{:>16}\n", "", "CTR", "purchases/click", "organic/step",
             "reward/step", "session length");
  const EnvMetrics& m = check.metrics;
  fmt::print("{:<8}{:>10.4f}{:>16.4f}{:>16.4f}{:>14.4f}{:>16.2f}\n", "shoprl", m.click_through_rate,
             m.purchases_per_click, m.organic_clicks_per_step, m.reward_per_step,
             m.mean_session_length);
  if (numpy_check) {
    const nlohmann::json& n = numpy_check->at("metrics");
    fmt::print("{:<8}{:>10.4f}{:>16.4f}{:>16.4f}{:>14.4f}{:>16.2f}\n", "numpy",
               n.at("click_through_rate").get<double>(), n.at("purchases_per_click").get<double>(),
               n.at("organic_clicks_per_step").get<double>(), n.at("reward_per_step").get<double>(),
               n.at("mean_session_length").get<double>());
  } else {
    fmt::print("{}\n", numpy_skipped);
  }
}

}  // namespace

void add_env_bench_command(CLI::App& bench, const GlobalOptions& global) {
  auto options = std::make_shared<EnvBenchOptions>();
  CLI::App* env = bench.add_subcommand(
      "env",
      "Synthetic environment step throughput (N = 1, 64, 4096; 1 and 2 threads) vs NumPy, or the "
      "learned environment's (--learned)");
  add_config_options(*env, options->config);
  env->add_option("--steps", options->steps,
                  "Timed steps per cell (default: as many as fill --seconds)")
      ->check(CLI::PositiveNumber);
  env->add_option("--seconds", options->seconds,
                  "Time per cell and repeat when --steps is not given")
      ->check(CLI::PositiveNumber);
  env->add_option("--repeats", options->repeats, "Timed repetitions (best is reported)")
      ->check(CLI::PositiveNumber);
  env->add_flag("--json", options->json, "Print the results as JSON");
  env->add_option("--python", options->python, "Python with numpy for the baseline");
  env->add_flag("!--no-baseline", options->baseline, "Skip the NumPy baseline");
  env->add_flag("--learned", options->learned,
                "Time the learned environment on the simulator in sim.directory instead (uniform "
                "slates, --users users, 1 and 2 threads; no NumPy baseline)");
  env->add_option("--users", options->learned_users, "Batch size N of the learned benchmark")
      ->check(CLI::PositiveNumber);
  env->callback([options, &global] { run_env_bench(*options, global); });
}

}  // namespace shoprl
