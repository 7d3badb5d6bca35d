// Wall-clock seconds since a steady_clock time point, for timings that are logged or
// benchmarked.
#pragma once

#include <chrono>

namespace shoprl {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace shoprl
