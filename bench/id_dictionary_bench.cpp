// Micro-benchmark of IdDictionary::intern, the importers' hottest call.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/seeding.h"
#include "data/id_dictionary.h"

namespace {

void BM_InternVisitorIds(benchmark::State& state) {
  const auto distinct = static_cast<std::uint64_t>(state.range(0));
  shoprl::Rng rng = shoprl::make_rng(1, 0);
  std::vector<std::string> ids(1 << 20);
  for (auto& id : ids) id = std::to_string(shoprl::uniform_index(rng, distinct));
  for (auto _ : state) {
    shoprl::IdDictionary dictionary;
    for (const auto& id : ids) benchmark::DoNotOptimize(dictionary.intern(id));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ids.size()));
}
BENCHMARK(BM_InternVisitorIds)->Arg(1000)->Arg(1 << 20);

}  // namespace
