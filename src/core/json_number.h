// A double as JSON: NaN and infinities (undefined statistics) become null, since JSON has no
// such numbers. Header-only, for the parts that link nlohmann-json.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>

namespace shoprl {

inline nlohmann::json json_number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace shoprl
