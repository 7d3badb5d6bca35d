// The hand-over to shoprl-torch and shoprl-serve (hand_over.h), the stubs that do it, and the
// rule that says when a config needs LibTorch (torch_parts.h).
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

// What names each helper program: its file beside shoprl, the variable that overrides it, and
// what it runs (for the message when it cannot be started).
struct Helper {
  const char* program;
  const char* variable;
  const char* runs;
};

Helper helper_of(HelperProgram helper) {
  if (helper == HelperProgram::kServe)
    return {"shoprl-serve", "SHOPRL_SERVE_PROGRAM",
            "which runs `serve`, `bench serve`, `traffic` and `promote`"};
  return {"shoprl-torch", "SHOPRL_TORCH_PROGRAM", "which runs the commands that need LibTorch"};
}

}  // namespace

HelperProgram helper_for_command(const std::string& parent, const std::string& name) {
  const bool serving = (name == "serve" && (parent.empty() || parent == "bench")) ||
                       (parent.empty() && (name == "traffic" || name == "promote"));
  return serving ? HelperProgram::kServe : HelperProgram::kTorch;
}

std::filesystem::path helper_program_path(HelperProgram helper) {
  const Helper names = helper_of(helper);
  if (const char* path = std::getenv(names.variable); path != nullptr && *path != '\0') return path;
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw IoError("/proc/self/exe: cannot find this program: " + error.message());
  return self.parent_path() / names.program;
}

void hand_over(const GlobalOptions& global, HelperProgram helper) {
  const std::filesystem::path program = helper_program_path(helper);
  const Helper names = helper_of(helper);
  if (std::getenv(kHandedOver) != nullptr) {
    throw IoError(
        fmt::format("{}: was started to run a command that needs {} but does not have it (is "
                    "SHOPRL_TORCH_PROGRAM or SHOPRL_SERVE_PROGRAM pointing at the wrong program?)",
                    program.string(), names.program));
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
  throw IoError(
      fmt::format("{}: cannot start {}, {}: {} (build it with `bash tools/build.sh {}`, or set {})",
                  program.string(), names.program, names.runs, errno_message(error), names.program,
                  names.variable));
}

bool config_needs_torch(const AppConfig& config) {
  return config.reward_model.kind == "mlp" || config.evaluate.policy.kind == "checkpoint" ||
         config.evaluate.policy.kind == "exported";
}

bool has_torch_jobs(const GlobalOptions& global) {
  return global.torch != nullptr && global.torch->evaluate_checkpoint != nullptr;
}

void add_torch_command(CLI::App& parent, const std::string& name, const GlobalOptions& global) {
  const std::string parent_name = parent.get_parent() == nullptr ? "" : parent.get_name();
  if (global.torch != nullptr && global.torch->has_command(parent_name, name)) {
    global.torch->add_command(parent, name, global);
    return;
  }
  // A stub: it takes every argument as it is (--help included) and hands them all over, so
  // that the program that has the command parses and checks them.
  const HelperProgram helper = helper_for_command(parent_name, name);
  CLI::App* stub = parent.add_subcommand(name, torch_command_summary(parent_name, name));
  stub->set_help_flag();
  stub->prefix_command();
  stub->allow_extras();
  stub->fallthrough(false);
  stub->callback([&global, helper] { hand_over(global, helper); });
}

}  // namespace shoprl
