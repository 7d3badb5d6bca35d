// `shoprl export`: a trained policy out of its run, into a model repository (policy_artifact.h)
// that Triton's PyTorch backend, `shoprl serve`, `shoprl evaluate` (evaluate.policy.kind:
// exported) and Python's torch.jit.load read without the training run.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/script.h>

#include <memory>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "core/error.h"
#include "jobs/agent_scoring.h"
#include "jobs/policy_export.h"
#include "jobs/run_context.h"
#include "jobs/trained_policy.h"

namespace shoprl {

void add_export_command(CLI::App& app, const GlobalOptions& global) {
  struct ExportOptions {
    std::string run;
    std::string checkpoint;
    std::string output;
    std::string name;
    std::int64_t version = 0;
    bool force = false;
    std::string rule;
    double temperature = 0;
    double epsilon = -1;
  };
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = app.add_subcommand("export", torch_command_summary("", "export"));
  command->add_option("--run", options->run, "Run directory written by `shoprl train`")->required();
  command->add_option("--checkpoint", options->checkpoint,
                      "Checkpoint folder to export (default: the run's checkpoint/)");
  command->add_option("-o,--output", options->output, "Model repository to write into")->required();
  command->add_option("--name", options->name, "Model name (default: the run folder's name)");
  command->add_option("--version", options->version,
                      "Version number (default 0: the next free one)");
  command->add_flag("--force", options->force, "Replace an existing version");
  command
      ->add_option("--rule", options->rule,
                   "The slate rule the exported policy serves with (default: the agent's own "
                   "evaluation rule); a stochastic one (boltzmann, epsilon_greedy) logs traffic "
                   "that other policies can be evaluated on")
      ->check(CLI::IsMember({"top_k", "boltzmann", "epsilon_greedy"}));
  command->add_option("--temperature", options->temperature, "boltzmann: softmax temperature")
      ->check(CLI::PositiveNumber);
  command->add_option("--epsilon", options->epsilon, "epsilon_greedy: exploration rate")
      ->check(CLI::Range(0.0, 1.0));
  command->callback([options, &global] {
    AppConfig defaults;
    apply_logging(defaults, global.quiet);
    const std::filesystem::path run = std::filesystem::path(options->run).lexically_normal();
    if (!std::filesystem::is_directory(run))
      throw IoError(fmt::format("--run {}: no such run folder", options->run));
    // The model is named after the run folder unless --name says otherwise.
    std::string name = options->name;
    if (name.empty()) name = (run.has_filename() ? run : run.parent_path()).filename().string();
    TrainedPolicy trained = load_trained_policy(
        options->checkpoint.empty() ? run : std::filesystem::path(options->checkpoint), "cpu");
    ExportedModel model = export_trained_policy(trained);
    SlateRuleConfig& rule = model.metadata.slate_rule;
    if (!options->rule.empty()) rule.rule = options->rule;
    if (options->temperature > 0) rule.temperature = options->temperature;
    if (options->epsilon >= 0) rule.epsilon = options->epsilon;
    const std::filesystem::path folder = write_policy_version(
        options->output, name, options->version, model.module, model.metadata, options->force);
    fmt::print(
        "Exported the {} agent ({} items, {} encoder, slate rule {}) to {}\n"
        "  model.pt       TorchScript: forward(items, types, lengths) -> scores [B, {}]\n"
        "  metadata.json  item ids, history length, slate rule, digests (also inside model.pt)\n"
        "Serve it with: shoprl serve --models {}\n",
        model.metadata.agent_kind, model.metadata.num_items, model.metadata.encoder,
        model.metadata.slate_rule.rule, folder.string(), model.metadata.num_items, options->output);
  });
}

}  // namespace shoprl
