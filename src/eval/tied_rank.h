// The place of one target item in a ranking of the whole catalogue, with ties. Both the
// next-item ranking metrics (ranking_metrics.h) and the simulator's fidelity report
// (sim/fidelity_metrics.h) use these, so that a tie means the same everywhere.
#pragma once

#include <cstdint>

namespace shoprl {

// The target is scored below `higher` items and tied with `ties` other items. Ties are broken
// uniformly at random, and HR@k / NDCG@k are their expectations over that draw, so a scorer
// that ties many items (popularity with add-one counts) is neither flattered nor punished:
// the target's rank is uniform on [higher + 1, higher + ties + 1].
//   HR@k   = P(rank <= k)
//   NDCG@k = E[1{rank <= k} / log2(rank + 1)]   (one relevant item, so IDCG = 1)
double expected_hit_at_k(std::int64_t higher, std::int64_t ties, int k);
double expected_ndcg_at_k(std::int64_t higher, std::int64_t ties, int k);

}  // namespace shoprl
