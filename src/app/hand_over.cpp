// The hand-over to shoprl-torch (hand_over.h), the stubs that do it, and the rule that says
// when a config needs LibTorch (torch_parts.h).
#include "app/hand_over.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "app/command_summaries.h"
#include "app/torch_parts.h"
#include "core/error.h"
#include "jobs/app_config.h"

namespace shoprl {
namespace {

// Set in the environment of a handed-over process: a second hand-over would loop.
constexpr const char* kHandedOver = "SHOPRL_HANDED_OVER";

}  // namespace

std::filesystem::path torch_program_path() {
  if (const char* path = std::getenv("SHOPRL_TORCH_PROGRAM"); path != nullptr && *path != '\0')
    return path;
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw IoError("/proc/self/exe: cannot find this program: " + error.message());
  return self.parent_path() / "shoprl-torch";
}

void hand_over_to_torch_program(const GlobalOptions& global) {
  const std::filesystem::path program = torch_program_path();
  if (std::getenv(kHandedOver) != nullptr) {
    throw IoError(
        fmt::format("{}: was started to run a command that needs LibTorch but does not link it (is "
                    "SHOPRL_TORCH_PROGRAM pointing at shoprl instead of shoprl-torch?)",
                    program.string()));
  }
  std::vector<std::string> arguments = global.command_line;
  if (arguments.empty()) arguments.emplace_back("shoprl");
  arguments[0] = program.string();
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  ::setenv(kHandedOver, "1", 1);
  ::execv(program.c_str(), argv.data());
  const int error = errno;
  ::unsetenv(kHandedOver);
  throw IoError(fmt::format(
      "{}: cannot start shoprl-torch, which runs the commands that need LibTorch: {} (build "
      "it with `cmake --build build --target shoprl-torch`, or set SHOPRL_TORCH_PROGRAM)",
      program.string(), errno_message(error)));
}

bool config_needs_torch(const AppConfig& config) {
  return config.reward_model.kind == "mlp" || config.evaluate.policy.kind == "checkpoint" ||
         config.evaluate.policy.kind == "exported";
}

void add_torch_command(CLI::App& parent, const std::string& name, const GlobalOptions& global) {
  if (global.torch != nullptr) {
    global.torch->add_command(parent, name, global);
    return;
  }
  // A stub: it takes every argument as it is (--help included) and hands them all over, so
  // that shoprl-torch parses and checks them.
  const std::string parent_name = parent.get_parent() == nullptr ? "" : parent.get_name();
  CLI::App* stub = parent.add_subcommand(name, torch_command_summary(parent_name, name));
  stub->set_help_flag();
  stub->prefix_command();
  stub->allow_extras();
  stub->fallthrough(false);
  stub->callback([&global] { hand_over_to_torch_program(global); });
}

}  // namespace shoprl
