// Next-item ranking metrics on held-out sessions, as in the SQN protocol (Xin et al. 2020): for
// each click and each purchase event after the first event of a session, rank the whole
// catalogue given the session prefix; HR@k and NDCG@k, reported for clicks and purchases apart.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/session_store.h"

namespace shoprl {

// Scores every item of the catalogue for a batch of session prefixes. Trained policies
// (policy/network_scorer.h) and the baselines below implement it.
class NextItemScorer {
 public:
  virtual ~NextItemScorer() = default;
  virtual std::string name() const = 0;
  // prefixes: `batch` histories, [batch, max_length] items and event types, -1 padded on the
  // right; lengths[b] valid entries each. scores: [batch, num_items], higher ranks first.
  virtual void score(const std::int32_t* items, const std::int8_t* types,
                     const std::int32_t* lengths, std::size_t batch, std::size_t max_length,
                     float* scores) const = 0;
  virtual std::size_t num_items() const = 0;
};

// Popularity among the train split's events (the standard floor baseline).
std::unique_ptr<NextItemScorer> make_popularity_scorer(const SessionStore& store);

struct RankingAtK {
  int k = 0;
  double hit_rate = 0;
  double ndcg = 0;
};

struct RankingMetrics {
  std::string scorer;
  std::vector<RankingAtK> clicks;  // one per cutoff
  std::vector<RankingAtK> purchases;
  std::size_t click_events = 0;
  std::size_t purchase_events = 0;
};

struct RankingConfig {
  std::vector<int> cutoffs = {5, 10, 20};
  std::string split = "test";
  int history_length = 50;  // the longest prefix the scorer sees (most recent events)
  int batch_size = 256;
};

// Ranks on the sessions of `split`. Items scored the same as the target are ordered at random:
// HR@k and NDCG@k are their expectations under a uniformly random order of the ties (so ties
// neither favour nor penalise the target; a constant scorer gets HR@k = k / items; docs/ope.md).
// An item is ranked among all items, including ones already in the prefix.
RankingMetrics ranking_metrics(const SessionStore& store, const NextItemScorer& scorer,
                               const RankingConfig& config);

}  // namespace shoprl
