// The thread counts the benchmarks time: one, and the two cores of the reference machine
// (bench/README.md), whatever this machine has.
#pragma once

namespace shoprl {

inline constexpr int kBenchThreadCounts[] = {1, 2};

}  // namespace shoprl
