// The per-user random stream of the environment: SplitMix64 as a generator (Steele, Lea &
// Flood 2014). Eight bytes of state per user keep N = 4096 streams in a few cache lines
// (std::mt19937_64 would need 2.5 KB each) and the stream of user slot s in episode e is
// seeded from (seed, s, e), so results never depend on the thread count.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/seeding.h"

namespace shoprl {

class RandomStream {
 public:
  RandomStream() = default;
  explicit RandomStream(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) (Lemire's multiply-shift).
  std::uint64_t index(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Standard normal by Box–Muller; uses two draws, discards the second variate so that the
  // number of draws per call is fixed.
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint64_t state_ = 0;
};

// A standard normal that is a pure function of its key, for noise that must be the same each
// time it is looked at (a noisy oracle's fixed error about user u and item i).
inline double hashed_normal(std::uint64_t key) {
  RandomStream stream(splitmix64(key));
  return stream.normal();
}

}  // namespace shoprl
