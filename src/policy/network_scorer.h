// Any trained policy as a NextItemScorer (eval/ranking_metrics.h), so that ranking_metrics()
// (HR and NDCG @k, clicks and purchases apart: the SQN protocol) evaluates it: the scorer turns
// the ranking's raw prefix arrays into a SessionBatch and asks a scoring function for [B, I].
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "eval/ranking_metrics.h"
#include "policy/policy_network.h"

namespace shoprl {

// Item scores [B, I] (any device, any floating type) for a batch of histories; called without
// gradient tracking.
using SessionScoreFunction = std::function<torch::Tensor(const SessionBatch&)>;

// `device`: where the batch is sent before `score` sees it.
std::unique_ptr<NextItemScorer> make_network_scorer(std::string name, std::int64_t num_items,
                                                    SessionScoreFunction score,
                                                    torch::Device device = torch::kCPU);

}  // namespace shoprl
