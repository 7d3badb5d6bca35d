// `shoprl data synth`: logs of a logging policy in the synthetic world, written as a session
// store with impressions and propensities and the world's truth in /truth.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "app/commands.h"
#include "data/session_store_io.h"
#include "env/log_synthesis.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"

namespace shoprl {

std::string policy_values_table(const StoreTruth& truth) {
  std::string out = fmt::format("{:<32}{:>12}{:>12}{:>10}\n", "true policy value", "return",
                                "std error", "sessions");
  for (const PolicyValue& v : truth.policy_values)
    out +=
        fmt::format("{:<32}{:>12.4f}{:>12.4f}{:>10}\n", v.name, v.value, v.std_error, v.episodes);
  return out;
}

SynthesizedLogs run_synthesis(const LoadedConfig& loaded) {
  const AppConfig& config = loaded.config;
  const auto start = std::chrono::steady_clock::now();
  SynthesizedLogs logs = synthesize_logs(config.world, config.env, config.logging_policy,
                                         config.synth, config.run.seed, loaded.resolved_yaml);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("generated {} sessions, {} events, {} impressions with {} ({:.2f} s)",
               logs.store.num_sessions(), logs.store.num_events(), logs.store.impressions.size(),
               config.logging_policy.kind, seconds);
  return logs;
}

void add_synth_command(CLI::App& data, const GlobalOptions& global) {
  auto options = std::make_shared<ConfigOptions>();
  auto output = std::make_shared<std::string>();
  CLI::App* synth = data.add_subcommand(
      "synth", "Generate logs in the synthetic world (sections world, env, logging_policy, synth)");
  synth->add_option("-o,--output", *output, "Session store to write (.h5)")->required();
  add_config_options(*synth, *options);
  synth->callback([options, output, &global] {
    const LoadedConfig loaded = load_app_config(options->file, options->overrides);
    apply_logging(loaded.config, global.quiet);
    warn_unused_sections(loaded, "data synth", {"world", "env", "logging_policy", "synth"});
    const SynthesizedLogs logs = run_synthesis(loaded);
    write_session_store(logs.store, *output, &logs.truth);
    spdlog::info("wrote {} (seed {})", *output, loaded.config.run.seed);
    if (!logs.truth.policy_values.empty()) fmt::print("{}", policy_values_table(logs.truth));
  });
}

}  // namespace shoprl
