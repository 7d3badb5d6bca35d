// The torchrun contract (distributed_launch.h).
#include "core/distributed_launch.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <limits>

#include "core/error.h"

namespace shoprl {

namespace {

// The variable's value as an integer in [low, high]; ConfigError naming it otherwise.
int integer_variable(const EnvironmentLookup& lookup, const char* name, long low, long high) {
  const char* text = lookup(name);
  if (text == nullptr || *text == '\0')
    throw ConfigError(fmt::format(
        "environment variable {} is not set: a data-parallel job needs RANK, WORLD_SIZE, "
        "MASTER_ADDR and MASTER_PORT (torchrun sets them; docs/training.md)",
        name));
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < low || value > high)
    throw ConfigError(fmt::format("environment variable {}={}: expected an integer in [{}, {}]",
                                  name, text, low, high));
  return static_cast<int>(value);
}

}  // namespace

std::optional<LaunchEnvironment> launch_environment(const EnvironmentLookup& lookup) {
  if (lookup("RANK") == nullptr && lookup("WORLD_SIZE") == nullptr) return std::nullopt;
  LaunchEnvironment launch;
  launch.world_size = integer_variable(lookup, "WORLD_SIZE", 1, 65536);
  launch.rank = integer_variable(lookup, "RANK", 0, launch.world_size - 1);
  launch.local_rank = lookup("LOCAL_RANK") == nullptr
                          ? launch.rank
                          : integer_variable(lookup, "LOCAL_RANK", 0, 65535);
  const char* addr = lookup("MASTER_ADDR");
  if (addr == nullptr || *addr == '\0')
    throw ConfigError(
        "environment variable MASTER_ADDR is not set: the address of rank 0's machine, where "
        "the job's rendezvous store listens (torchrun sets it; docs/training.md)");
  launch.master_addr = addr;
  launch.master_port = integer_variable(lookup, "MASTER_PORT", 1, 65535);
  const char* agent_store = lookup("TORCHELASTIC_USE_AGENT_STORE");
  launch.agent_store = agent_store != nullptr && std::string(agent_store) == "True";
  if (launch.agent_store && lookup("TORCHELASTIC_RESTART_COUNT") != nullptr)
    launch.restart_count = integer_variable(lookup, "TORCHELASTIC_RESTART_COUNT", 0, 1 << 30);
  return launch;
}

std::optional<LaunchEnvironment> launch_environment_from_process() {
  return launch_environment([](const char* name) { return std::getenv(name); });
}

}  // namespace shoprl
