// `shoprl` links no LibTorch, so that the commands that need no neural network start in
// milliseconds (loading LibTorch alone takes most of a second). A command that needs LibTorch
// hands the whole command line over to the program that has it, by exec: the same process,
// terminal, signals and exit status, and nothing done twice, since the hand-over comes before
// the command reads or writes anything. Two programs take commands over: `shoprl-torch` (every
// LibTorch command but serving) and `shoprl-serve` (`serve`, `bench serve`: the HTTP server,
// built apart so that the quickstart's build does not compile it). docs/ARCHITECTURE.md says
// why this and not a library loaded on first use.
#pragma once

#include <filesystem>
#include <string>

#include "app/commands.h"

namespace shoprl {

enum class HelperProgram { kTorch, kServe };

// Which program runs the LibTorch command `name` under `parent` ("" for the top level).
HelperProgram helper_for_command(const std::string& parent, const std::string& name);

// $SHOPRL_TORCH_PROGRAM (or $SHOPRL_SERVE_PROGRAM) when set, else shoprl-torch (shoprl-serve)
// beside this program's executable.
std::filesystem::path helper_program_path(HelperProgram helper);
inline std::filesystem::path torch_program_path() {
  return helper_program_path(HelperProgram::kTorch);
}

// Runs global.command_line in the helper program instead of this process. IoError naming the
// path when it cannot be started (not built, not executable; the message says how to build
// it), or when this process was itself started by a hand-over (a SHOPRL_TORCH_PROGRAM that
// points at shoprl).
[[noreturn]] void hand_over(const GlobalOptions& global, HelperProgram helper);
[[noreturn]] inline void hand_over_to_torch_program(const GlobalOptions& global) {
  hand_over(global, HelperProgram::kTorch);
}

}  // namespace shoprl
