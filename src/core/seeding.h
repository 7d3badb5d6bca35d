// Seeds and random streams: every RNG is derived from (seed, stream id) through SplitMix64,
// never from `seed + i`, so that neighbouring streams are uncorrelated.
#pragma once

#include <cstdint>
#include <random>

namespace shoprl {

// One SplitMix64 step (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// The seed of stream `stream` under master seed `seed`.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream_a, std::uint64_t stream_b);

// The engine used everywhere: std::mt19937_64 has a portable, specified output sequence.
using Rng = std::mt19937_64;
Rng make_rng(std::uint64_t seed, std::uint64_t stream);

// Uniform double in [0, 1) from the engine, with 53 random bits (portable across standard
// libraries, unlike std::uniform_real_distribution).
inline double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Uniform integer in [0, n) by Lemire's multiply-shift (portable, nearly unbiased for n << 2^64).
inline std::uint64_t uniform_index(Rng& rng, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
}

}  // namespace shoprl
