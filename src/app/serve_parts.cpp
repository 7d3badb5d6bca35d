// shoprl-serve's half of the command line (torch_parts.h): `serve`, `bench serve`, `traffic`
// and `promote`, the commands of serving and of the closed loop (docs/closed-loop.md). They are
// a program of their own so that building the program the quickstart needs (shoprl and
// shoprl-torch) does not compile the server (docs/ARCHITECTURE.md, "Three programs").
#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "app/hand_over.h"
#include "app/torch_parts.h"
#include "core/error.h"

namespace shoprl {
namespace {

bool has_command(const std::string& parent, const std::string& name) {
  return helper_for_command(parent, name) == HelperProgram::kServe;
}

void add_command(CLI::App& parent, const std::string& name, const GlobalOptions& global) {
  const bool top_level = parent.get_parent() == nullptr;
  if (top_level && name == "serve") return add_serve_command(parent, global);
  if (top_level && name == "traffic") return add_traffic_command(parent, global);
  if (top_level && name == "promote") return add_promote_command(parent, global);
  if (!top_level && parent.get_name() == "bench" && name == "serve")
    return add_serve_bench_command(parent, global);
  throw Error("no LibTorch command '" + name + "' in shoprl-serve (app/serve_parts.cpp)");
}

}  // namespace

const TorchParts& serve_parts() {
  static const TorchParts parts{has_command, add_command, nullptr, nullptr, nullptr};
  return parts;
}

}  // namespace shoprl
