// A scoring function (network_slate_policy.h) as a NextItemScorer, so that the ranking metrics
// (eval/ranking_metrics.h: HR and NDCG @k on held-out sessions) rank by a trained network.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "eval/ranking_metrics.h"
#include "policy/network_slate_policy.h"

namespace shoprl {

// Calls `score` with gradients off, serialised by a mutex (ranking_metrics may score batches
// from several threads). Error naming `name` for scores of the wrong shape.
std::unique_ptr<NextItemScorer> make_network_scorer(ScoringFunction score, std::int64_t num_items,
                                                    std::string name);

}  // namespace shoprl
