// What the training loop (trainer.h) does differently when it is one rank of a data-parallel
// job (data_parallel.h): metrics reduced over ranks, per-rank state gathered into rank 0's
// checkpoint, a checkpoint handed from rank 0 to the others on resume, and the end-of-job check
// that the replicas are identical. Every function here is collective: every rank calls it at
// the same point of the loop.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "agent/agent.h"
#include "agent/data_parallel.h"

namespace shoprl {

class CheckpointWriter;
class CheckpointReader;

// The archive that holds rank r's own state (Agent::rank_state) in a job's checkpoint.
std::string rank_state_name(int rank);

// The iteration's metrics over the job: counts (transitions, steps, replay_size) summed, every
// other value the mean of the ranks' values; `stop` becomes whether any rank was asked to stop
// (a signal), so that all stop after the same iteration. Unchanged without a job.
IterationMetrics reduce_metrics(DataParallel* parallel, const IterationMetrics& row, bool& stop);

// Every rank's Agent::rank_state() into rank 0's checkpoint (`root_writer`: null elsewhere).
void gather_rank_states(Agent& agent, DataParallel* parallel, CheckpointWriter* root_writer,
                        std::int64_t iteration);

// A checkpoint folder of rank 0, readable by this rank: rank 0's own folder there; elsewhere a
// private copy of the files this rank needs, sent by rank 0 through the job's store, so that
// ranks on other machines need no shared filesystem. The copy is removed with this object.
class SharedCheckpoint {
 public:
  SharedCheckpoint(DataParallel* parallel, const std::filesystem::path& root_folder);
  ~SharedCheckpoint();
  SharedCheckpoint(const SharedCheckpoint&) = delete;
  SharedCheckpoint& operator=(const SharedCheckpoint&) = delete;
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
  std::filesystem::path copy_;  // empty on rank 0
};

// Agent::load_rank_state with this rank's archive of `reader` (an empty state when it has none).
void restore_rank_state(Agent& agent, const CheckpointReader& reader, DataParallel* parallel);

// After the last iteration: every rank logs a digest of its replicated tensors and its
// all-reduce cost; rank 0 checks that the digests agree (Error naming the ranks that differ)
// and writes <run_dir>/distributed.json (world size, digest, each rank's all-reduce traffic).
void finish_job(Agent& agent, DataParallel* parallel, const std::filesystem::path& run_dir);

}  // namespace shoprl
