// A short digest of a text (FNV-1a, 64 bits, as 16 hex digits): enough to notice that inputs
// or configs changed, not a cryptographic hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shoprl {

inline std::uint64_t text_hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

inline std::string text_digest(std::string_view text) {
  std::uint64_t hash = text_hash(text);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kHex[hash & 0xF];
  return out;
}

}  // namespace shoprl
