// The --overwrite flag of every command that writes a run folder (core/run_folder.h).
#pragma once

#include <CLI/CLI.hpp>

namespace shoprl {

inline void add_overwrite_flag(CLI::App& command, bool& overwrite) {
  command.add_flag("--overwrite", overwrite,
                   "Replace what an earlier run left in the output folder (default: refuse)");
}

}  // namespace shoprl
