// `shoprl traffic`: the synthetic world's shoppers played against a running server
// (traffic/synthetic_shoppers.h). The run folder keeps the resolved config, whose world the
// decision-log import records (import.world) so that evaluations of the served traffic know
// every policy's true value, and traffic.json, the served policy's on-policy value (with
// traffic.canary_model, each arm's too).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/overwrite_flag.h"
#include "core/atomic_file.h"
#include "env/log_synthesis.h"
#include "env/synthetic_world.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"
#include "traffic/synthetic_shoppers.h"

namespace shoprl {

void add_traffic_command(CLI::App& app, const GlobalOptions& global) {
  struct TrafficOptions {
    ConfigOptions config;
    std::string url;
    std::string model;
    std::int64_t sessions = 0;
    bool overwrite = false;
  };
  auto options = std::make_shared<TrafficOptions>();
  CLI::App* command = app.add_subcommand("traffic", torch_command_summary("", "traffic"));
  add_config_options(*command, options->config);
  command->add_option("--url", options->url, "The server, loopback only (traffic.url)");
  command->add_option("--model", options->model, "The model to ask (traffic.model)");
  command->add_option("--sessions", options->sessions, "Sessions to play (traffic.sessions)")
      ->check(CLI::PositiveNumber);
  add_overwrite_flag(*command, options->overwrite);
  command->callback([options, &global] {
    std::vector<std::string> overrides = options->config.overrides;
    if (!options->url.empty()) overrides.push_back("traffic.url=" + options->url);
    if (!options->model.empty()) overrides.push_back("traffic.model=" + options->model);
    if (options->sessions > 0)
      overrides.push_back(fmt::format("traffic.sessions={}", options->sessions));
    const LoadedConfig loaded = load_app_config(options->config.file, overrides, "traffic");
    const AppConfig& config = loaded.config;
    apply_logging(config, global.quiet);
    warn_unused_sections(loaded, "traffic", {"world", "env", "traffic"});
    // Every check before the run folder is touched.
    check_traffic_config(config.traffic);
    const RunFolderMode mode = run_folder_mode(options->overwrite);
    check_run_folder(run_directory(config), mode);

    const SyntheticWorld world(config.world, config.env.slate_size, world_seed(config.run.seed));
    RunContext run = open_run(loaded, mode);
    const std::string prefix =
        config.traffic.request_prefix.empty() ? config.run.name : config.traffic.request_prefix;
    const TrafficResult result =
        play_synthetic_traffic(world, config.env, config.traffic, run.seed, prefix);
    write_file_atomic(run.dir / "traffic.json",
                      traffic_result_json(result, config.traffic, run.seed));
    run.finish();
    spdlog::info(
        "{} sessions, {} slates served, {} clicks, {} purchases in {:.1f} s "
        "(recommend p50 {:.2f} ms, p99 {:.2f} ms)",
        result.sessions, result.decisions, result.clicks, result.purchases, result.seconds,
        result.latency_p50_ms, result.latency_p99_ms);
    fmt::print("{}: {:.4f} ± {:.4f} per session ({} sessions)\n",
               result.arms.empty() ? "served policy's on-policy value" : "both arms together",
               result.mean_return, result.std_error, result.sessions);
    for (const TrafficArm& arm : result.arms)
      fmt::print("  arm {}: {:.4f} ± {:.4f} per session ({} sessions)\n", arm.model,
                 arm.mean_return, arm.std_error, arm.sessions);
    fmt::print("summary: {}\n", (run.dir / "traffic.json").string());
  });
}

}  // namespace shoprl
