// The SQN next-item protocol (Xin et al. 2020, Sec. 5.1): every click or purchase after a
// session's first event is a target; the scorer ranks the whole catalogue given the events
// before it. An add-to-cart (EventType::kCart) counts as a click: it is an interaction short of
// a purchase. (SQN's RetailRocket setup calls add-to-cart a purchase; to reproduce it, map
// `addtocart: purchase` in import.events.)
#include "eval/ranking_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "data/event_type.h"
#include "eval/tied_rank.h"

namespace shoprl {
namespace {

Split parse_split(const std::string& name) {
  for (int s = 0; s < kNumSplits; ++s) {
    if (name == split_name(static_cast<Split>(s))) return static_cast<Split>(s);
  }
  throw ConfigError(
      fmt::format("ranking.split: unknown split '{}' (one of: train, valid, test)", name));
}

void validate(const RankingConfig& config) {
  if (config.cutoffs.empty()) throw ConfigError("ranking.cutoffs: at least one cutoff is needed");
  for (int k : config.cutoffs) {
    if (k < 1) throw ConfigError(fmt::format("ranking.cutoffs: cutoff {} must be >= 1", k));
  }
  if (config.history_length < 1) {
    throw ConfigError(
        fmt::format("ranking.history_length is {} (must be >= 1)", config.history_length));
  }
  if (config.batch_size < 1) {
    throw ConfigError(fmt::format("ranking.batch_size is {} (must be >= 1)", config.batch_size));
  }
}

// One target: the prefix is events [prefix_begin, target_event) of the store.
struct Target {
  std::int64_t prefix_begin;
  std::int64_t target_event;
  std::size_t session;
  bool purchase;
};

// Sums of hits and NDCG gains per cutoff, for one kind of event.
struct Tally {
  std::vector<double> hits, gains;
  std::size_t events = 0;

  explicit Tally(std::size_t cutoffs) : hits(cutoffs, 0.0), gains(cutoffs, 0.0) {}

  // `higher` items scored above the target and `tied` others scored the same: the expectations
  // under random tie-breaking (tied_rank.h).
  void add(std::int64_t higher, std::int64_t tied, const std::vector<int>& cutoffs) {
    ++events;
    for (std::size_t c = 0; c < cutoffs.size(); ++c) {
      hits[c] += expected_hit_at_k(higher, tied, cutoffs[c]);
      gains[c] += expected_ndcg_at_k(higher, tied, cutoffs[c]);
    }
  }

  std::vector<RankingAtK> means(const std::vector<int>& cutoffs) const {
    std::vector<RankingAtK> out;
    for (std::size_t c = 0; c < cutoffs.size(); ++c) {
      RankingAtK at_k;
      at_k.k = cutoffs[c];
      if (events > 0) {
        at_k.hit_rate = hits[c] / static_cast<double>(events);
        at_k.ndcg = gains[c] / static_cast<double>(events);
      }
      out.push_back(at_k);
    }
    return out;
  }
};

class BatchRanker {
 public:
  BatchRanker(const SessionStore& store, const NextItemScorer& scorer, const RankingConfig& config)
      : store_(store),
        scorer_(scorer),
        cutoffs_(config.cutoffs),
        clicks_(cutoffs_.size()),
        purchases_(cutoffs_.size()) {}

  void rank(const std::vector<Target>& targets) {
    if (targets.empty()) return;
    std::size_t max_length = 1;
    for (const Target& t : targets) {
      max_length = std::max(max_length, static_cast<std::size_t>(t.target_event - t.prefix_begin));
    }
    const std::size_t batch = targets.size();
    const std::size_t items = scorer_.num_items();
    prefix_items_.assign(batch * max_length, -1);
    prefix_types_.assign(batch * max_length, -1);
    lengths_.assign(batch, 0);
    for (std::size_t b = 0; b < batch; ++b) {
      const Target& t = targets[b];
      lengths_[b] = static_cast<std::int32_t>(t.target_event - t.prefix_begin);
      for (std::int64_t e = t.prefix_begin; e < t.target_event; ++e) {
        const std::size_t slot = b * max_length + static_cast<std::size_t>(e - t.prefix_begin);
        prefix_items_[slot] = store_.event_item[static_cast<std::size_t>(e)];
        prefix_types_[slot] = store_.event_type[static_cast<std::size_t>(e)];
      }
    }
    scores_.resize(batch * items);
    scorer_.score(prefix_items_.data(), prefix_types_.data(), lengths_.data(), batch, max_length,
                  scores_.data());
    for (std::size_t b = 0; b < batch; ++b) {
      const Target& t = targets[b];
      const float* row = scores_.data() + b * items;
      const auto target_item =
          static_cast<std::size_t>(store_.event_item[static_cast<std::size_t>(t.target_event)]);
      const float target_score = row[target_item];
      if (std::isnan(target_score)) {
        throw DataError(fmt::format(
            "ranking: scorer '{}' gave NaN to the target item {} of "
            "session '{}' (event {})",
            scorer_.name(), target_item, store_.session_raw_id[t.session], t.target_event));
      }
      std::int64_t higher = 0;
      std::int64_t same = 0;  // the target included
      for (std::size_t i = 0; i < items; ++i) {
        higher += row[i] > target_score;
        same += row[i] == target_score;
      }
      (t.purchase ? purchases_ : clicks_).add(higher, same - 1, cutoffs_);
    }
  }

  RankingMetrics result() const {
    RankingMetrics metrics;
    metrics.scorer = scorer_.name();
    metrics.clicks = clicks_.means(cutoffs_);
    metrics.purchases = purchases_.means(cutoffs_);
    metrics.click_events = clicks_.events;
    metrics.purchase_events = purchases_.events;
    return metrics;
  }

 private:
  const SessionStore& store_;
  const NextItemScorer& scorer_;
  const std::vector<int>& cutoffs_;
  Tally clicks_, purchases_;
  std::vector<std::int32_t> prefix_items_;
  std::vector<std::int8_t> prefix_types_;
  std::vector<std::int32_t> lengths_;
  std::vector<float> scores_;
};

}  // namespace

RankingMetrics ranking_metrics(const SessionStore& store, const NextItemScorer& scorer,
                               const RankingConfig& config) {
  validate(config);
  const Split split = parse_split(config.split);
  if (scorer.num_items() != store.num_items()) {
    throw DataError(fmt::format("ranking: scorer '{}' ranks {} items but the store has {}",
                                scorer.name(), scorer.num_items(), store.num_items()));
  }
  BatchRanker ranker(store, scorer, config);
  std::vector<Target> pending;
  pending.reserve(static_cast<std::size_t>(config.batch_size));
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (store.session_split[s] != static_cast<std::int8_t>(split)) continue;
    const std::int64_t begin = store.session_offsets[s];
    const std::int64_t end = store.session_offsets[s + 1];
    for (std::int64_t e = begin + 1; e < end; ++e) {
      const auto type = static_cast<EventType>(store.event_type[static_cast<std::size_t>(e)]);
      Target target;
      target.prefix_begin = std::max(begin, e - config.history_length);
      target.target_event = e;
      target.session = s;
      target.purchase = type == EventType::kPurchase;
      pending.push_back(target);
      if (pending.size() == static_cast<std::size_t>(config.batch_size)) {
        ranker.rank(pending);
        pending.clear();
      }
    }
  }
  ranker.rank(pending);
  return ranker.result();
}

}  // namespace shoprl
