// A build without Gloo (data_parallel_job.h): plain runs work, a job refuses with the remedy.
#include <fmt/format.h>

#include "core/error.h"
#include "distributed/data_parallel_job.h"

namespace shoprl {

bool data_parallel_available() { return false; }

std::unique_ptr<DataParallel> join_data_parallel_job(const LaunchEnvironment& launch,
                                                     const DistributedConfig&) {
  throw ConfigError(fmt::format(
      "RANK={} WORLD_SIZE={} asks for a data-parallel job, but this build has no Gloo backend: "
      "install libgloo-dev (bash tools/deps.sh) and rebuild, or unset RANK and WORLD_SIZE for a "
      "plain run",
      launch.rank, launch.world_size));
}

}  // namespace shoprl
