#include "data/id_dictionary.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/huge_pages.h"

namespace shoprl {

IdDictionary::IdDictionary() : slots_(1024, Slot{0, 0, 0}), mask_(1023) {}

namespace {

std::uint64_t key_prefix(std::string_view key) {
  std::uint64_t prefix = 0;
  std::memcpy(&prefix, key.data(), std::min<std::size_t>(key.size(), 8));
  return prefix;
}

std::uint32_t key_tag(std::uint64_t hash, std::size_t length) {
  return static_cast<std::uint32_t>(hash >> 40) << 8 |
         static_cast<std::uint32_t>(std::min<std::size_t>(length, 255));
}

}  // namespace

std::uint64_t IdDictionary::hash(std::string_view key) {
  // FNV-1a over the bytes, then a SplitMix64 finaliser so that the low bits (the slot) mix.
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : key) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

IdDictionary::Probe IdDictionary::probe(std::string_view key) const {
  const std::uint64_t h = hash(key);
  Probe probe{h & mask_, key_prefix(key), key_tag(h, key.size()), -1};
  for (;; probe.slot = (probe.slot + 1) & mask_) {
    const Slot& s = slots_[probe.slot];
    if (s.index_plus_one == 0) return probe;  // an empty slot: where the key would go
    if (s.tag == probe.tag && s.prefix == probe.prefix) {
      const auto index = static_cast<std::int32_t>(s.index_plus_one - 1);
      // Keys of at most 8 bytes are wholly in the prefix, and the tag holds their length.
      if (key.size() <= 8 || this->key(index) == key) {
        probe.index = index;
        return probe;
      }
    }
  }
}

std::int32_t IdDictionary::find(std::string_view key) const { return probe(key).index; }

std::int32_t IdDictionary::intern(std::string_view key) {
  const Probe found = probe(key);
  if (found.index >= 0) return found.index;
  if (offsets_.size() >= 0x7FFFFFFEu) throw DataError("more than 2^31 distinct ids");
  const auto index = static_cast<std::int32_t>(offsets_.size());
  offsets_.push_back(bytes_.size());
  lengths_.push_back(static_cast<std::uint32_t>(key.size()));
  bytes_.append(key.data(), key.size());
  if (key.size() > max_length_) max_length_ = key.size();
  slots_[found.slot] = Slot{found.prefix, found.tag, static_cast<std::uint32_t>(index + 1)};
  if (offsets_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);  // load factor <= 1/2
  return index;
}

void IdDictionary::reserve(std::size_t count) {
  std::size_t capacity = slots_.size();
  while (capacity < count * 2) capacity *= 2;
  if (capacity != slots_.size()) rehash(capacity);
  offsets_.reserve(count);
  lengths_.reserve(count);
}

void IdDictionary::rehash(std::size_t capacity) {
  std::vector<Slot> slots;
  reserve_huge(slots, capacity);
  slots.assign(capacity, Slot{0, 0, 0});
  const std::size_t mask = capacity - 1;
  for (std::size_t i = 0; i < offsets_.size(); ++i) {
    const std::string_view k = key(static_cast<std::int32_t>(i));
    const std::uint64_t h = hash(k);
    std::size_t slot = h & mask;
    while (slots[slot].index_plus_one != 0) slot = (slot + 1) & mask;
    slots[slot] = Slot{key_prefix(k), key_tag(h, k.size()), static_cast<std::uint32_t>(i + 1)};
  }
  slots_.swap(slots);
  mask_ = mask;
}

std::vector<std::string> IdDictionary::keys() const {
  std::vector<std::string> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.emplace_back(key(static_cast<std::int32_t>(i)));
  return out;
}

}  // namespace shoprl
