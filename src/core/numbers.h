// Numeric constants shared across parts.
#pragma once

#include <limits>

namespace shoprl {

// "Not available": a statistic that is undefined (no units, a zero baseline) is NaN, and the
// reports print it as "-" or null.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace shoprl
