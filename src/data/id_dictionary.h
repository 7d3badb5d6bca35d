// Maps raw ids (any bytes) to dense indices 0..n-1 in order of first appearance, with an
// open-addressing table: the importers' hottest structure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoprl {

class IdDictionary {
 public:
  IdDictionary();

  // The index of `key`, inserting it when new.
  std::int32_t intern(std::string_view key);
  // The index of `key`, or -1.
  std::int32_t find(std::string_view key) const;
  // Room for `count` keys without rehashing (importers call it with a size estimate).
  void reserve(std::size_t count);

  std::size_t size() const { return offsets_.size(); }
  // Valid until the next intern().
  std::string_view key(std::int32_t index) const {
    const auto i = static_cast<std::size_t>(index);
    return std::string_view(bytes_.data() + offsets_[i], lengths_[i]);
  }
  std::size_t max_key_length() const { return max_length_; }
  std::vector<std::string> keys() const;

 private:
  // Where a lookup of `key` ended: its slot and index, or the empty slot it would take.
  struct Probe {
    std::size_t slot;
    std::uint64_t prefix;
    std::uint32_t tag;
    std::int32_t index;  // -1 when absent
  };
  Probe probe(std::string_view key) const;
  static std::uint64_t hash(std::string_view key);
  void rehash(std::size_t capacity);
  std::string bytes_;
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint32_t> lengths_;
  // 16 bytes per slot, so that most lookups touch one cache line and nothing else: the key's
  // first 8 bytes, a tag (upper 24 hash bits and the key length, capped at 255) and index + 1
  // (0 = empty). Keys of at most 8 bytes (most numeric ids) are decided inside the slot.
  struct Slot {
    std::uint64_t prefix;
    std::uint32_t tag;
    std::uint32_t index_plus_one;
  };
  std::vector<Slot> slots_;
  std::size_t mask_;
  std::size_t max_length_ = 0;
};

}  // namespace shoprl
