// `shoprl` links no LibTorch, so that the commands that need no neural network start in
// milliseconds (loading LibTorch alone takes most of a second). A command that needs LibTorch
// hands the whole command line over to `shoprl-torch`, the same program with every command,
// by exec: the same process, terminal, signals and exit status, and nothing done twice, since
// the hand-over comes before the command reads or writes anything. docs/ARCHITECTURE.md says
// why this and not a library loaded on first use.
#pragma once

#include <filesystem>

#include "app/commands.h"

namespace shoprl {

// $SHOPRL_TORCH_PROGRAM when set, else shoprl-torch beside this program's executable.
std::filesystem::path torch_program_path();

// Runs global.command_line in shoprl-torch instead of this process. IoError naming the path
// when shoprl-torch cannot be started (not built, not executable), or when this process was
// itself started by a hand-over (a SHOPRL_TORCH_PROGRAM that points at shoprl).
[[noreturn]] void hand_over_to_torch_program(const GlobalOptions& global);

}  // namespace shoprl
