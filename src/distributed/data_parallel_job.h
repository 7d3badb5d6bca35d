// Joining a data-parallel job over torch.distributed's c10d (docs/training.md, "More than one
// machine"): rank 0 hosts the rendezvous store (c10d::TCPStore at MASTER_ADDR:MASTER_PORT),
// every rank connects to it, and the ranks form a ProcessGroupGloo for the collectives.
//
// Faults: a rank that exits closes its connections, so the others' next collective fails at
// once; one that hangs makes it fail after distributed.timeout_seconds. Either way the error
// (DistributedError, exit 6) names the rank: a rank that failed says why through the store
// (DataParallel::report_failure), and a heartbeat per rank, which also carries how many
// collectives the rank has entered, tells a dead or frozen rank and a lagging one from the
// others.
#pragma once

#include <memory>

#include "agent/data_parallel.h"
#include "core/distributed_launch.h"

namespace shoprl {

// Whether this build has the Gloo backend (the CMake option SHOPRL_DISTRIBUTED).
bool data_parallel_available();

// Forms the job; blocks until every rank joined or the timeout passed (DistributedError naming
// the ranks that did not). ConfigError when this build has no Gloo, saying how to get it.
std::unique_ptr<DataParallel> join_data_parallel_job(const LaunchEnvironment& launch,
                                                     const DistributedConfig& config);

}  // namespace shoprl
