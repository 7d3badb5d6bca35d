// A digest of a store's events (store_content_hash.h).
#include "sim/store_content_hash.h"

#include <fmt/format.h>

#include <cstdint>

namespace shoprl {

namespace {

// FNV-1a, 64-bit (Fowler, Noll, Vo), fed each value as 8 little-endian bytes, so the digest
// depends neither on the host's byte order nor on the vectors' element widths.
class Fnv1a64 {
 public:
  void add(std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) {
      hash_ ^= (value >> (8 * byte)) & 0xFFu;
      hash_ *= 0x100000001B3ULL;
    }
  }
  std::uint64_t digest() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xCBF29CE484222325ULL;
};

std::uint64_t as_word(std::int64_t value) { return static_cast<std::uint64_t>(value); }

}  // namespace

std::string store_content_hash(const SessionStore& store) {
  Fnv1a64 hash;
  hash.add(store.num_items());
  hash.add(store.session_offsets.size());
  for (std::int64_t offset : store.session_offsets) hash.add(as_word(offset));
  for (std::int32_t item : store.event_item) hash.add(as_word(item));
  for (std::int8_t type : store.event_type) hash.add(as_word(type));
  return fmt::format("fnv1a64:{:016x}", hash.digest());
}

}  // namespace shoprl
