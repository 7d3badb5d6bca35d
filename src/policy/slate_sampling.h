// Slates from item scores (slate_rule.h), on any device. Randomness comes from torch's global
// generator, which the training loop reseeds from (seed, iteration, step): same seed, same
// slates on CPU.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "policy/slate_rule.h"

namespace shoprl {

struct SampledSlates {
  torch::Tensor items;     // [B, K] int64, distinct within a row
  torch::Tensor log_prob;  // [B] float: log P(this ordered slate) under the rule (0 for top_k)
};

// Where a sampled slate's randomness comes from. By default (no keys) torch's global generator,
// drawn for the whole batch at once. With keys, row r draws from its own stream derived from
// (seed, keys[r]), so its slate does not depend on which other rows share the batch: a
// data-parallel job splits a rollout's users over ranks (agent/data_parallel.h) and must not
// change any user's draws by it.
struct SlateNoise {
  std::uint64_t seed = 0;
  torch::Tensor keys;  // [B] int64, or undefined
  bool keyed() const { return keys.defined(); }
};

// Chooses a slate of `slate_size` items per row of scores [B, I] (slate_size <= I).
SampledSlates sample_slates(const torch::Tensor& scores, int slate_size,
                            const SlateRuleConfig& rule, const SlateNoise& noise = {});

// log P(slate) for Plackett-Luce sampling without replacement from softmax(logits): the sum
// over slots k of log p(a_k) - log(1 - sum_{j<k} p(a_j)). logits [B, I], slates [B, K].
// Differentiable in logits (the policy-gradient loss uses it).
torch::Tensor plackett_luce_log_prob(const torch::Tensor& logits, const torch::Tensor& slates);

}  // namespace shoprl
