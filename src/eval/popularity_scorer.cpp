// The popularity baseline: every prefix gets the same scores, the number of events on each item
// in the train split's sessions (all event types).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "eval/ranking_metrics.h"

namespace shoprl {
namespace {

class PopularityScorer final : public NextItemScorer {
 public:
  explicit PopularityScorer(std::vector<float> counts) : counts_(std::move(counts)) {}
  std::string name() const override { return "popularity"; }
  std::size_t num_items() const override { return counts_.size(); }
  void score(const std::int32_t* /*items*/, const std::int8_t* /*types*/,
             const std::int32_t* /*lengths*/, std::size_t batch, std::size_t /*max_length*/,
             float* scores) const override {
    for (std::size_t b = 0; b < batch; ++b) {
      std::copy(counts_.begin(), counts_.end(), scores + b * counts_.size());
    }
  }

 private:
  std::vector<float> counts_;
};

}  // namespace

std::unique_ptr<NextItemScorer> make_popularity_scorer(const SessionStore& store) {
  std::vector<float> counts(store.num_items(), 0.0f);
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (store.session_split[s] != static_cast<std::int8_t>(Split::kTrain)) continue;
    for (std::int64_t e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
      counts[static_cast<std::size_t>(store.event_item[static_cast<std::size_t>(e)])] += 1.0f;
    }
  }
  return std::make_unique<PopularityScorer>(std::move(counts));
}

}  // namespace shoprl
