// The interface every agent implements, so that one training loop (trainer.h) runs them all,
// checkpoints them, resumes them exactly, and evaluates what they learned.
//
// Determinism contract: an agent draws all its randomness from (seed, iteration) - the
// environment's reset seed, replay sampling, minibatch order - and from torch's global
// generator, which the training loop reseeds from (seed, iteration) before each iteration.
// Its state between iterations is exactly what save() writes, so a run resumed from a
// checkpoint repeats the uninterrupted run's numbers bit for bit on CPU.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policy/policy_network.h"
#include "policy/slate_rule.h"
#include "policy/torchscript_policy.h"

namespace shoprl {

class CheckpointWriter;
class CheckpointReader;

// Named scalars of one iteration, in a fixed order: one metrics.jsonl line.
using IterationMetrics = std::vector<std::pair<std::string, double>>;

class Agent {
 public:
  virtual ~Agent() = default;
  virtual std::string kind() const = 0;

  // One iteration of training: an online agent collects a batch of episodes and updates; an
  // offline agent takes one or more minibatch steps over the logs.
  virtual IterationMetrics train_iteration(std::int64_t iteration) = 0;

  // The trained policy, as item scores [B, I] for a batch of histories (no gradient) and the
  // rule that turns them into slates when the policy is evaluated or served: top-k of Q for
  // the DQN family, of v(i) Q(i) for SlateQ, softmax sampling or top-k of the logits for policy
  // gradient, the supervised head for SQN/SA2C.
  virtual torch::Tensor policy_scores(const SessionBatch& batch) = 0;
  virtual SlateRuleConfig evaluation_rule() const = 0;

  // The network and head that policy_scores ranks with (its scores are network_scores of it),
  // so that the policy can be exported to stand alone (policy/torchscript_policy.h). nullopt
  // for an agent that scores without a network.
  virtual std::optional<ScoringNetwork> scoring_network() { return std::nullopt; }

  // Everything the next iteration reads (modules, optimizers, replay buffer, counters).
  virtual void save(CheckpointWriter& out) = 0;
  virtual void load(const CheckpointReader& in) = 0;

  // Data-parallel jobs (data_parallel.h). The parameters and buffers of every network, which
  // rank 0 broadcasts at the start and after a resume and which must stay equal on every rank.
  virtual std::vector<torch::Tensor> replicated_tensors() = 0;
  // What differs between ranks (DQN's replay buffer): the training loop gathers it into rank
  // 0's checkpoint, one archive per rank, and hands each rank its own back on resume. In a job,
  // save() and load() leave it out.
  virtual std::map<std::string, torch::Tensor> rank_state() { return {}; }
  virtual void load_rank_state(const std::map<std::string, torch::Tensor>& /*state*/,
                               const std::string& /*source*/) {}
};

}  // namespace shoprl
