// Data-parallel training (docs/training.md, "More than one machine"): what the agents and the
// training loop need from a job of several processes ("ranks"), each holding a whole replica of
// the agent and learning from its own share of the data. A plain run has no job: every helper
// below takes a null DataParallel* and then does nothing, so the single-process path is exactly
// what it was.
//
// The implementation over torch.distributed's c10d (ProcessGroupGloo, TCPStore) lives in
// src/distributed; this interface keeps the agents free of it, so they build where Gloo is not.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace shoprl {

class DataParallel {
 public:
  virtual ~DataParallel() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;

  // Element-wise sum over the ranks, in place. Every rank passes tensors of the same shapes and
  // dtypes in the same order; each tensor is one collective call, all in flight together.
  virtual void all_reduce_sum(std::vector<torch::Tensor>& tensors) = 0;
  // Every rank's tensors become rank 0's.
  virtual void broadcast_from_root(std::vector<torch::Tensor>& tensors) = 0;
  virtual void barrier() = 0;

  // Bytes through the job's rendezvous store (checkpoint files, per-rank state, the start
  // agreement). fetch() waits for a key another rank publishes, up to the job's timeout.
  virtual void publish(const std::string& key, const std::string& bytes) = 0;
  virtual std::string fetch(const std::string& key) = 0;
  virtual void erase(const std::string& key) = 0;

  // Gradient buckets are cut at about this many bytes (distributed.bucket_mb).
  virtual std::int64_t bucket_bytes() const = 0;
  // Tells the other ranks why this one is about to exit, so that their error names it.
  virtual void report_failure(const std::string& message) = 0;

  // What averaging gradients cost so far (average_gradients() adds to it), for the benchmark
  // and the end-of-run log line.
  struct Traffic {
    std::int64_t steps = 0;  // gradient averagings (one per optimizer step)
    std::int64_t bytes = 0;  // bytes this rank contributed to them
    double seconds = 0;      // wall time spent in their collectives
  };
  Traffic gradient_traffic;
};

bool is_root(const DataParallel* parallel);
int world_size(const DataParallel* parallel);
int rank_of(const DataParallel* parallel);

// This rank's rows [begin, end) of `count` rows split as evenly as possible in rank order (the
// first count % world_size ranks take one more). The whole range without a job.
struct RankShard {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t size() const { return end - begin; }
};
RankShard rank_shard(std::int64_t count, const DataParallel* parallel);

// Replaces each parameter's gradient by the weighted mean over ranks,
//   g = sum_r w_r g_r / sum_r w_r,
// where w_r is this rank's `weight`: the number of samples its loss averaged over, so that the
// job's step equals the step one process would take on all ranks' samples together. Call after
// backward() and before clipping; one collective per bucket of about bucket_bytes(). A
// parameter without a gradient on every rank keeps none (as one process would leave it).
void average_gradients(DataParallel* parallel, const std::vector<torch::Tensor>& parameters,
                       double weight);

// Makes every rank's tensors (parameters and buffers) equal to rank 0's.
void broadcast_from_root(DataParallel* parallel, const std::vector<torch::Tensor>& tensors);

// Sums of `values` over ranks (the values themselves without a job).
std::vector<double> sum_over_ranks(DataParallel* parallel, const std::vector<double>& values);

// A module's parameters and buffers, in its own order (what replicas must agree on).
std::vector<torch::Tensor> module_state_tensors(const torch::nn::Module& module);

// A digest of the tensors' bytes: equal on every rank when the replicas are identical.
std::string tensors_digest(const std::vector<torch::Tensor>& tensors);

}  // namespace shoprl
