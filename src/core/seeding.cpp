#include "core/seeding.h"

namespace shoprl {

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return splitmix64(splitmix64(seed) ^ splitmix64(stream + 0x632BE59BD9B4E019ULL));
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream_a, std::uint64_t stream_b) {
  return derive_seed(derive_seed(seed, stream_a), stream_b);
}

Rng make_rng(std::uint64_t seed, std::uint64_t stream) { return Rng(derive_seed(seed, stream)); }

}  // namespace shoprl
