// Event types as tests write them: the enum, and the int8 code a session store keeps. Shared so
// that the unity-built test files (tests/CMakeLists.txt) do not each define their own.
#pragma once

#include <cstdint>

#include "data/event_type.h"

namespace shoprl::testing {

inline constexpr EventType kClick = EventType::kClick;
inline constexpr EventType kCart = EventType::kCart;
inline constexpr EventType kPurchase = EventType::kPurchase;

inline constexpr std::int8_t kClickCode = static_cast<std::int8_t>(EventType::kClick);
inline constexpr std::int8_t kCartCode = static_cast<std::int8_t>(EventType::kCart);
inline constexpr std::int8_t kPurchaseCode = static_cast<std::int8_t>(EventType::kPurchase);

}  // namespace shoprl::testing
