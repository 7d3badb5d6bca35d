// `shoprl bench serve`: the server's latency and throughput on loopback (bench/README.md). It
// exports two policies with random weights (a model's cost does not depend on what it learned):
// one shaped like the quickstart's (2,000 items, the mean encoder, 32/64) and a 100,000-item
// GRU-64. For each, with the decision log off and on, it starts `shoprl serve`'s server in this
// process, drives POST /v1/models/NAME/recommend from `--concurrency` client threads over
// keep-alive connections for `--seconds`, and reports requests/s and the p50, p99 and p99.9
// latency seen by the clients, beside the floor: the TorchScript forward of the same model for
// one history, timed alone. Clients and server share the machine's cores.
#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <torch/script.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "core/error.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "core/version.h"
#include "env/log_synthesis.h"
#include "env/random_stream.h"
#include "jobs/run_context.h"
#include "policy/policy_artifact.h"
#include "policy/torchscript_policy.h"
#include "serve/one_math_thread.h"
#include "serve/policy_server.h"

namespace shoprl {
namespace {

struct ServeBenchOptions {
  double seconds = 5;
  int concurrency = 2;
  int threads = 2;
  int history = 10;
  int k = 10;
  std::string models = "both";  // quickstart, gru-100k or both
  std::string work_dir = "data/bench";
  bool json = false;
};

struct ModelSpec {
  std::string name;
  std::string encoder;
  int embedding_dim;
  int hidden_dim;
  std::int64_t items;
  int history_length;
};

struct Timing {
  double requests_per_second = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0;
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
};

double percentile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  const auto at = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

void export_random_policy(const ModelSpec& spec, const std::filesystem::path& repository) {
  torch::manual_seed(7);
  PolicyNetworkConfig config;
  config.encoder = spec.encoder;
  config.embedding_dim = spec.embedding_dim;
  config.hidden_dim = spec.hidden_dim;
  config.history_length = spec.history_length;
  PolicyNetwork network(config, spec.items, PolicyHeads{});
  network->eval();
  torch::jit::Module module = script_policy({network, ScoreHead::kItem, 1.0});
  PolicyMetadata m;
  m.shoprl_version = kVersion;
  m.agent_kind = "dqn";
  m.encoder = spec.encoder;
  m.score_head = "item";
  m.num_items = spec.items;
  for (std::int64_t i = 0; i < spec.items; ++i) m.item_ids.push_back(synthetic_item_id(i));
  m.history_length = spec.history_length;
  m.slate_size = 10;
  m.source = "bench serve (random weights)";
  write_policy_version(repository, spec.name, 1, module, m, /*force=*/true);
}

// Request bodies with random histories of `history` known items.
std::vector<std::string> request_bodies(const ModelSpec& spec, const ServeBenchOptions& options) {
  RandomStream rng(derive_seed(2026, static_cast<std::uint64_t>(spec.items)));
  std::vector<std::string> bodies;
  for (int b = 0; b < 256; ++b) {
    nlohmann::json items = nlohmann::json::array();
    for (int t = 0; t < options.history; ++t)
      items.push_back(synthetic_item_id(
          static_cast<std::int64_t>(rng.index(static_cast<std::uint64_t>(spec.items)))));
    bodies.push_back(
        nlohmann::json(
            {{"unit_id", fmt::format("u{}", b)}, {"session", {{"items", items}}}, {"k", options.k}})
            .dump());
  }
  return bodies;
}

// The floor: the model's forward for one history, alone, median of repeated calls.
double forward_ms(const ExportedPolicy& policy, const ModelSpec& spec, int history) {
  use_one_math_thread();  // as the server scores

  const auto index = torch::dtype(torch::kInt64);
  const SessionBatch batch{torch::randint(0, spec.items, {1, history}, index),
                           torch::zeros({1, history}, index), torch::full({1}, history, index)};
  for (int i = 0; i < 20; ++i) policy.scores(batch);
  std::vector<double> times;
  for (int i = 0; i < 300; ++i) {
    const auto start = std::chrono::steady_clock::now();
    policy.scores(batch);
    times.push_back(seconds_since(start) * 1e3);
  }
  return percentile(times, 0.5);
}

Timing drive(const ModelSpec& spec, const std::filesystem::path& repository,
             const std::filesystem::path& log_dir, const ServeBenchOptions& options) {
  ServeOptions serve;
  serve.models = repository;
  serve.port = 0;
  serve.threads = options.threads;
  serve.log_dir = log_dir;
  serve.poll_seconds = 0;
  PolicyServer server(serve);
  const int port = server.bind();
  std::thread serving([&server] { server.run(); });
  const std::vector<std::string> bodies = request_bodies(spec, options);
  const std::string path = "/v1/models/" + spec.name + "/recommend";

  std::atomic<bool> measuring{false}, done{false};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(options.concurrency));
  std::atomic<std::uint64_t> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < options.concurrency; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      std::size_t next = static_cast<std::size_t>(c) * 37;
      while (!done) {
        const auto start = std::chrono::steady_clock::now();
        const auto result = client.Post(path, bodies[next++ % bodies.size()], "application/json");
        const double ms = seconds_since(start) * 1e3;
        if (!result || result->status != 200) ++failures;
        if (measuring) latencies[static_cast<std::size_t>(c)].push_back(ms);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // warm-up: connections, caches
  failures = 0;
  measuring = true;
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(options.seconds * 1000)));
  measuring = false;
  const double elapsed = seconds_since(start);
  done = true;
  for (std::thread& client : clients) client.join();
  server.stop();
  serving.join();

  std::vector<double> all;
  for (const auto& part : latencies) all.insert(all.end(), part.begin(), part.end());
  Timing t;
  t.requests = all.size();
  t.failures = failures;
  t.requests_per_second = static_cast<double>(all.size()) / elapsed;
  t.p50_ms = percentile(all, 0.5);
  t.p99_ms = percentile(all, 0.99);
  t.p999_ms = percentile(all, 0.999);
  return t;
}

void run_serve_bench(const ServeBenchOptions& options, const GlobalOptions& global) {
  AppConfig defaults;
  apply_logging(defaults, global.quiet);
  std::vector<ModelSpec> specs;
  if (options.models == "quickstart" || options.models == "both")
    specs.push_back({"quickstart-shaped", "mean", 32, 64, 2000, 20});
  if (options.models == "gru-100k" || options.models == "both")
    specs.push_back({"gru-100k", "gru", 64, 64, 100000, 50});
  if (specs.empty())
    throw ConfigError("--models: one of quickstart, gru-100k, both, not '" + options.models + "'");
  const std::filesystem::path work = std::filesystem::path(options.work_dir) / "serve";
  const std::filesystem::path repository = work / "models";
  nlohmann::json report = nlohmann::json::array();
  fmt::print(
      "serve benchmark: POST /v1/models/NAME/recommend on loopback, histories of {} items, k = "
      "{}, {} client threads, {} server threads, {:.0f} s per row after 0.5 s of warm-up\n\n",
      options.history, options.k, options.concurrency, options.threads, options.seconds);
  fmt::print("{:<20}{:<9}{:>12}{:>10}{:>10}{:>11}{:>14}{:>16}\n", "model", "log", "requests/s",
             "p50 ms", "p99 ms", "p99.9 ms", "forward ms", "overhead p50");
  for (const ModelSpec& spec : specs) {
    spdlog::info("exporting {} ({} items, {} encoder, random weights)", spec.name, spec.items,
                 spec.encoder);
    export_random_policy(spec, repository);
    const ExportedPolicy policy = ExportedPolicy::load(repository / spec.name);
    const double floor = forward_ms(policy, spec, options.history);
    for (const bool logging : {false, true}) {
      const std::filesystem::path log_dir = logging ? work / "log" : std::filesystem::path();
      if (logging) std::filesystem::remove_all(log_dir);
      const Timing t = drive(spec, repository, log_dir, options);
      if (t.failures > 0) throw Error(fmt::format("bench serve: {} requests failed", t.failures));
      fmt::print("{:<20}{:<9}{:>12.0f}{:>10.3f}{:>10.3f}{:>11.3f}{:>14.3f}{:>16.3f}\n", spec.name,
                 logging ? "on" : "off", t.requests_per_second, t.p50_ms, t.p99_ms, t.p999_ms,
                 floor, t.p50_ms - floor);
      report.push_back({{"model", spec.name},
                        {"items", spec.items},
                        {"encoder", spec.encoder},
                        {"decision_log", logging},
                        {"requests", t.requests},
                        {"requests_per_second", t.requests_per_second},
                        {"p50_ms", t.p50_ms},
                        {"p99_ms", t.p99_ms},
                        {"p999_ms", t.p999_ms},
                        {"forward_p50_ms", floor},
                        {"overhead_p50_ms", t.p50_ms - floor}});
    }
  }
  fmt::print(
      "\nforward ms: the model alone for one history (median); overhead p50: the "
      "clients' p50 minus it (HTTP, JSON, slate and propensities, logging).\n");
  if (options.json) fmt::print("{}\n", report.dump(2));
}

}  // namespace

void add_serve_bench_command(CLI::App& bench, const GlobalOptions& global) {
  auto options = std::make_shared<ServeBenchOptions>();
  CLI::App* serve = bench.add_subcommand("serve", torch_command_summary("bench", "serve"));
  serve->add_option("--seconds", options->seconds, "Measured seconds per row (default 5)")
      ->check(CLI::Range(0.5, 600.0));
  serve->add_option("--concurrency", options->concurrency, "Client threads (default 2)")
      ->check(CLI::Range(1, 256));
  serve->add_option("--threads", options->threads, "Server threads (default 2)")
      ->check(CLI::Range(1, 256));
  serve->add_option("--history", options->history, "Items in each request's session")
      ->check(CLI::Range(0, 1000));
  serve->add_option("--k", options->k, "Slate size")->check(CLI::Range(1, 32));
  serve->add_option("--models", options->models, "quickstart, gru-100k or both (default)");
  serve->add_option("--work-dir", options->work_dir, "Where the models and logs are written");
  serve->add_flag("--json", options->json, "Print the results as JSON too");
  serve->callback([options, &global] { run_serve_bench(*options, global); });
}

}  // namespace shoprl
