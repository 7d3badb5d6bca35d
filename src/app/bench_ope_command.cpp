// `shoprl bench ope`: the one pass that reduces OBP arrays (action_dist, estimated rewards) to
// logged rounds, and the seven bandit estimators with their bootstrap, on synthetic arrays made
// in memory; against a NumPy implementation of the reduction and of IPW and DR with the same
// bootstrap (bench/ope_numpy.py) measured in the same run.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <thread>

#include "app/bench_threads.h"
#include "app/commands.h"
#include "app/numpy_baseline.h"
#include "core/error.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "eval/action_dist_reduction.h"
#include "eval/estimate.h"
#include "eval/estimator_registry.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"

namespace shoprl {
namespace {

constexpr std::uint64_t kArraysStream = 0x0be4c4;

struct OpeBenchOptions {
  ConfigOptions config;
  std::int64_t rounds = 1000000;
  std::int64_t actions = 100;
  int resamples = 1000;
  int repeats = 3;
  bool json = false;
  bool baseline = true;
  std::string python = "/usr/bin/python3";
};

// The arrays of an OBP file with len_list 1, by the recipe bench/ope_numpy.py repeats.
struct BenchArrays {
  std::vector<double> action_dist;  // [rounds, actions]
  std::vector<double> reward_model;
  std::vector<std::int64_t> action;
  std::vector<std::int64_t> position;
  LoggedRounds rounds;  // reward and pscore; the reduction fills the rest
};

BenchArrays make_arrays(std::size_t rounds, std::size_t actions, std::uint64_t seed) {
  BenchArrays a;
  a.action_dist.resize(rounds * actions);
  a.reward_model.resize(rounds * actions);
  a.action.resize(rounds);
  a.position.assign(rounds, 0);
  a.rounds.reward.resize(rounds);
  a.rounds.pscore.assign(rounds, 1.0 / static_cast<double>(actions));
  a.rounds.position.assign(rounds, 0);
  Rng rng = make_rng(seed, kArraysStream);
  for (std::size_t i = 0; i < rounds; ++i) {
    double* dist = a.action_dist.data() + i * actions;
    double* q = a.reward_model.data() + i * actions;
    double sum = 0;
    for (std::size_t j = 0; j < actions; ++j) {
      const double u = uniform01(rng);
      dist[j] = u * u;
      sum += dist[j];
      q[j] = uniform01(rng);
    }
    for (std::size_t j = 0; j < actions; ++j) dist[j] /= sum;
    a.action[i] = static_cast<std::int64_t>(uniform_index(rng, actions));
    a.rounds.reward[i] = uniform01(rng) < q[a.action[i]] ? 1.0 : 0.0;
  }
  return a;
}

double time_reduction(BenchArrays& a, std::size_t actions) {
  LoggedRounds& r = a.rounds;
  r.target_pscore.resize(r.size());
  r.q_logged.resize(r.size());
  r.q_target.resize(r.size());
  ActionDistBlock block;
  block.action_dist = a.action_dist.data();
  block.reward_model = a.reward_model.data();
  block.rows = r.size();
  block.n_actions = actions;
  block.len_list = 1;
  block.action = a.action.data();
  block.position = a.position.data();
  const auto start = std::chrono::steady_clock::now();
  const ActionDistProblem problem =
      reduce_action_dist(block, r.target_pscore.data(), r.q_logged.data(), r.q_target.data());
  const double seconds = seconds_since(start);
  if (problem.kind != ActionDistProblem::Kind::kNone) {
    throw Error(
        fmt::format("bench ope: the generated arrays fail the checks at row {}", problem.row));
  }
  return seconds;
}

struct EstimatorTiming {
  double terms_seconds = 0;
  double aggregation_seconds = 0;
  std::vector<Estimate> estimates;
};

EstimatorTiming time_estimators(const LoggedRounds& rounds, OpeConfig config, int threads,
                                std::uint64_t seed) {
  config.threads = threads;
  EstimatorTiming timing;
  auto start = std::chrono::steady_clock::now();
  std::vector<NamedTerms> terms;
  for (const EstimatorSpec& spec : estimator_registry()) {
    if (spec.kind != EstimatorKind::kBandit) continue;
    terms.push_back({spec.name, spec.unit, spec.terms(rounds, config)});
  }
  timing.terms_seconds = seconds_since(start);
  start = std::chrono::steady_clock::now();
  timing.estimates = aggregate_estimates(terms, config, seed);
  timing.aggregation_seconds = seconds_since(start);
  return timing;
}

// The value cross-check: the first rows of shoprl's own arrays, as raw little-endian files that
// bench/ope_numpy.py reads with np.fromfile, so that both compute IPW and DR on the same data.
constexpr std::size_t kCrossCheckRows = 20000;

template <typename T>
void write_raw(const std::filesystem::path& path, const T* data, std::size_t count) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw IoError(fmt::format("{}: cannot write", path.string()));
  const std::size_t written = std::fwrite(data, sizeof(T), count, file);
  if (std::fclose(file) != 0 || written != count)
    throw IoError(fmt::format("{}: cannot write", path.string()));
}

nlohmann::json write_cross_check_arrays(const BenchArrays& a, std::size_t actions,
                                        const std::filesystem::path& dir) {
  const std::size_t rows = std::min(kCrossCheckRows, a.rounds.size());
  std::filesystem::create_directories(dir);
  write_raw(dir / "action_dist.f64", a.action_dist.data(), rows * actions);
  write_raw(dir / "reward_model.f64", a.reward_model.data(), rows * actions);
  write_raw(dir / "action.i64", a.action.data(), rows);
  write_raw(dir / "reward.f64", a.rounds.reward.data(), rows);
  write_raw(dir / "pscore.f64", a.rounds.pscore.data(), rows);
  return {{"dir", dir.string()}, {"rows", rows}, {"actions", actions}};
}

// shoprl's IPW and DR (unclipped, as NumPy computes them) on the first `rows` reduced rounds.
std::pair<double, double> shoprl_ipw_dr(const LoggedRounds& all, std::size_t rows) {
  LoggedRounds r;
  const auto head = [rows](const auto& v) { return std::vector(v.begin(), v.begin() + rows); };
  r.reward = head(all.reward);
  r.pscore = head(all.pscore);
  r.target_pscore = head(all.target_pscore);
  r.position = head(all.position);
  r.q_logged = head(all.q_logged);
  r.q_target = head(all.q_target);
  OpeConfig config;
  config.bootstrap_resamples = 0;
  config.ipw_clip = 0;
  std::vector<NamedTerms> terms;
  for (const EstimatorSpec& spec : estimator_registry()) {
    if (std::string_view(spec.name) == "ipw" || std::string_view(spec.name) == "dr")
      terms.push_back({spec.name, spec.unit, spec.terms(r, config)});
  }
  const std::vector<Estimate> estimates = aggregate_estimates(terms, config, 1);
  const auto value_of = [&estimates](const std::string& name) {
    for (const Estimate& e : estimates)
      if (e.estimator == name) return e.value;
    throw Error("bench ope: no " + name + " estimate");
  };
  return {value_of("ipw"), value_of("dr")};
}

std::optional<nlohmann::json> run_numpy_baseline(const OpeBenchOptions& options, std::uint64_t seed,
                                                 const nlohmann::json& cross_check,
                                                 std::string& skipped) {
  const nlohmann::json params = {{"rounds", options.rounds},
                                 {"actions", options.actions},
                                 {"resamples", options.resamples},
                                 {"repeats", options.repeats},
                                 {"seed", seed % (std::uint64_t{1} << 62)},
                                 {"budget_seconds", 60.0},
                                 {"cross_check", cross_check}};
  return run_numpy_baseline_script(options.python, "ope_numpy.py", params, skipped);
}

// Both implementations' IPW and DR on the same rows, which must agree to rounding (an Error
// otherwise: a benchmark against a baseline that computes something else measures nothing).
// Returns the largest difference.
double check_cross_values(const nlohmann::json& numpy, const std::pair<double, double>& ours) {
  const nlohmann::json& theirs = numpy.at("cross_check");
  const double worst = std::max(std::abs(theirs.at("ipw").get<double>() - ours.first),
                                std::abs(theirs.at("dr").get<double>() - ours.second));
  if (!(worst <= 1e-9))
    throw Error(
        fmt::format("bench ope: shoprl and numpy disagree on the same arrays (by {})", worst));
  return worst;
}

void print_cross_check(const nlohmann::json& numpy, const std::pair<double, double>& ours,
                       double difference) {
  const nlohmann::json& theirs = numpy.at("cross_check");
  fmt::print(
      "cross-check on the same {} rows: IPW shoprl {:.12f} numpy {:.12f}; DR shoprl "
      "{:.12f} numpy {:.12f}; largest difference {:.1e}\n",
      theirs.at("rows").get<std::size_t>(), ours.first, theirs.at("ipw").get<double>(), ours.second,
      theirs.at("dr").get<double>(), difference);
}

void run_ope_bench(const OpeBenchOptions& options, const GlobalOptions& global) {
  const LoadedConfig loaded = load_app_config(options.config.file, options.config.overrides);
  apply_logging(loaded.config, global.quiet);
  OpeConfig config = loaded.config.ope;
  config.bootstrap_resamples = options.resamples;
  const std::uint64_t seed = loaded.config.run.seed;
  const auto n = static_cast<std::size_t>(options.rounds);
  const auto actions = static_cast<std::size_t>(options.actions);

  auto start = std::chrono::steady_clock::now();
  BenchArrays arrays = make_arrays(n, actions, seed);
  spdlog::info("generated {} rounds x {} actions in {:.2f} s", n, actions, seconds_since(start));

  double reduction_seconds = 1e300;
  for (int r = 0; r < options.repeats; ++r)
    reduction_seconds = std::min(reduction_seconds, time_reduction(arrays, actions));
  const double bytes_read = 2.0 * static_cast<double>(n * actions) * sizeof(double);

  struct Row {
    int threads;
    EstimatorTiming timing;
    double total() const { return timing.terms_seconds + timing.aggregation_seconds; }
  };
  std::vector<Row> rows;
  for (int threads : kBenchThreadCounts) {
    Row best{threads, {}};
    for (int r = 0; r < options.repeats; ++r) {
      EstimatorTiming t = time_estimators(arrays.rounds, config, threads, seed);
      if (r == 0 || t.terms_seconds + t.aggregation_seconds < best.total()) best.timing = t;
    }
    spdlog::info("{} thread(s): terms {:.3f} s, aggregation {:.3f} s", threads,
                 best.timing.terms_seconds, best.timing.aggregation_seconds);
    rows.push_back(std::move(best));
  }

  std::optional<nlohmann::json> numpy;
  std::string numpy_skipped = options.baseline ? "" : "numpy baseline skipped: --no-baseline";
  // The cross-check: the same first rows valued by both implementations.
  std::optional<std::pair<double, double>> ours_checked;
  if (options.baseline) {
    const std::filesystem::path check_dir =
        std::filesystem::temp_directory_path() /
        fmt::format("shoprl-bench-ope-{}", static_cast<long>(::getpid()));
    const nlohmann::json cross = write_cross_check_arrays(arrays, actions, check_dir);
    numpy = run_numpy_baseline(options, seed, cross, numpy_skipped);
    std::filesystem::remove_all(check_dir);
    ours_checked = shoprl_ipw_dr(arrays.rounds, cross.at("rows").get<std::size_t>());
  }
  const double cross_difference = numpy ? check_cross_values(*numpy, *ours_checked) : 0;
  const double numpy_reduction = numpy ? numpy->at("reduction_seconds").get<double>() : 0;
  const double numpy_estimates = numpy ? numpy->at("estimates_seconds").get<double>() +
                                             numpy->at("bootstrap_seconds").get<double>()
                                       : 0;

  const double rows_d = static_cast<double>(n);
  if (options.json) {
    nlohmann::json out = {{"rounds", n},
                          {"actions", actions},
                          {"len_list", 1},
                          {"resamples", options.resamples},
                          {"hardware_threads", std::thread::hardware_concurrency()}};
    out["reduction"] = {{"seconds", reduction_seconds},
                        {"rows_per_sec", rows_d / reduction_seconds},
                        {"bytes_read", bytes_read},
                        {"gb_per_sec", bytes_read / reduction_seconds / 1e9}};
    out["estimators"] = nlohmann::json::array();
    for (const Row& row : rows) {
      nlohmann::json names = nlohmann::json::array();
      for (const Estimate& e : row.timing.estimates) names.push_back(e.estimator);
      out["estimators"].push_back({{"threads", row.threads},
                                   {"estimators", names},
                                   {"terms_seconds", row.timing.terms_seconds},
                                   {"aggregation_seconds", row.timing.aggregation_seconds},
                                   {"seconds", row.total()},
                                   {"rows_per_sec", rows_d / row.total()}});
    }
    if (numpy) {
      out["numpy"] = *numpy;
      out["reduction"]["ratio"] = numpy_reduction / reduction_seconds;
      // NumPy runs single-threaded: a ratio only against shoprl's one thread.
      for (auto& e : out["estimators"]) {
        if (e["threads"] == 1) e["ratio"] = numpy_estimates / e["seconds"].get<double>();
      }
      out["cross_check"] = {{"shoprl_ipw", ours_checked->first},
                            {"shoprl_dr", ours_checked->second},
                            {"largest_difference", cross_difference}};
    } else {
      out["numpy_skipped"] = numpy_skipped;
    }
    fmt::print("{}\n", out.dump(2));
    return;
  }

  fmt::print(
      "ope benchmark: {} rounds x {} actions (len_list 1), {} bootstrap resamples; hardware "
      "threads: {}\n\n",
      n, actions, options.resamples, std::thread::hardware_concurrency());
  fmt::print("{:<46}{:>10}{:>14}{:>10}{:>12}{:>9}\n", "step", "seconds", "rows/s", "GB/s",
             "numpy s", "ratio");
  fmt::print("{:<46}{:>10.3f}{:>14.0f}{:>10.2f}{:>12}{:>9}\n",
             "reduction (action_dist, q -> rounds; checked)", reduction_seconds,
             rows_d / reduction_seconds, bytes_read / reduction_seconds / 1e9,
             numpy ? fmt::format("{:.3f}", numpy_reduction) : "-",
             numpy ? fmt::format("{:.1f}", numpy_reduction / reduction_seconds) : "");
  for (const Row& row : rows) {
    fmt::print(
        "{:<46}{:>10.3f}{:>14.0f}{:>10}{:>12}{:>9}\n",
        fmt::format("{} estimators + bootstrap, {} thread(s)", row.timing.estimates.size(),
                    row.threads),
        row.total(), rows_d / row.total(), "",
        numpy && row.threads == 1 ? fmt::format("{:.3f}", numpy_estimates) : "-",
        numpy && row.threads == 1 ? fmt::format("{:.1f}", numpy_estimates / row.total()) : "");
    fmt::print("{:<46}{:>10.3f}\n", "  of which terms", row.timing.terms_seconds);
  }
  if (numpy) {
    const int timed = numpy->at("bootstrap_resamples_timed").get<int>();
    fmt::print(
        "\nnumpy {}: the same checks and gathers; IPW and DR only (2 of the 7 estimators), "
        "bootstrap by index resampling{}; single-threaded, so it is compared with shoprl's "
        "1-thread row only.\nratio: numpy seconds / shoprl seconds.\n",
        numpy->at("numpy").get<std::string>(),
        timed < options.resamples
            ? fmt::format(" ({} of {} resamples timed, scaled)", timed, options.resamples)
            : "");
    print_cross_check(*numpy, *ours_checked, cross_difference);
  } else {
    fmt::print("\n{}\n", numpy_skipped);
  }
}

}  // namespace

void add_ope_bench_command(CLI::App& bench, const GlobalOptions& global) {
  auto options = std::make_shared<OpeBenchOptions>();
  CLI::App* ope = bench.add_subcommand(
      "ope", "OBP array reduction and the bandit estimators with bootstrap, vs NumPy");
  add_config_options(*ope, options->config);
  ope->add_option("--rounds", options->rounds, "Rounds (rows)")->check(CLI::PositiveNumber);
  ope->add_option("--actions", options->actions, "Actions per round")->check(CLI::PositiveNumber);
  ope->add_option("--resamples", options->resamples, "Bootstrap resamples")
      ->check(CLI::NonNegativeNumber);
  ope->add_option("--repeats", options->repeats, "Timed repetitions (best is reported)")
      ->check(CLI::PositiveNumber);
  ope->add_flag("--json", options->json, "Print the results as JSON");
  ope->add_option("--python", options->python, "Python with numpy for the baseline");
  ope->add_flag("!--no-baseline", options->baseline, "Skip the NumPy baseline");
  ope->callback([options, &global] { run_ope_bench(*options, global); });
}

}  // namespace shoprl
