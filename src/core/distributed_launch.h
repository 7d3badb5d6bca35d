// How a process learns that it is one rank of a data-parallel job (docs/training.md, "More than
// one machine"): the torchrun contract's environment variables, and the `distributed` section
// that tunes the job. Torch-free, so that the launch rules are checked and tested apart from
// the collectives (src/distributed).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/config_field.h"

namespace shoprl {

struct DistributedConfig {
  double timeout_seconds = 300;
  double bucket_mb = 25;

  void visit(ConfigVisitor& v) {
    v.field("timeout_seconds", timeout_seconds,
            "Data-parallel jobs (RANK/WORLD_SIZE set): how long a collective waits for a rank "
            "that does not come (hung, or rank 0 evaluating alone) before the job fails naming "
            "it; a rank that exits is noticed at once, and forming the job waits at least 60 s",
            in_range(1, 86400));
    v.field("bucket_mb", bucket_mb,
            "Data-parallel jobs: gradients are all-reduced in buckets of about this many "
            "megabytes (the numbers do not depend on it)",
            in_range(0.001, 4096));
  }
};

// The torchrun contract: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.
struct LaunchEnvironment {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr;
  int master_port = 0;
  // torchrun's agent already hosts the store at MASTER_ADDR:MASTER_PORT
  // (TORCHELASTIC_USE_AGENT_STORE=True): every rank, rank 0 too, connects to it as a client and
  // keeps its keys under /worker/attempt_<TORCHELASTIC_RESTART_COUNT>, as torch's own ranks do.
  bool agent_store = false;
  int restart_count = 0;
};

using EnvironmentLookup = std::function<const char*(const char*)>;

// nullopt when neither RANK nor WORLD_SIZE is set (a plain run). ConfigError naming the
// variable when one of the five is missing or out of range once either is set (LOCAL_RANK may
// be absent: it is then RANK).
std::optional<LaunchEnvironment> launch_environment(const EnvironmentLookup& lookup);
std::optional<LaunchEnvironment> launch_environment_from_process();

}  // namespace shoprl
