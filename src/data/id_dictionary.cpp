#include "data/id_dictionary.h"

#include <cstring>

#include "core/error.h"

namespace shoprl {

IdDictionary::IdDictionary() : slots_(1024, -1), slot_tags_(1024, 0), mask_(1023) {}

std::uint64_t IdDictionary::hash(std::string_view key) {
  // FNV-1a over the bytes, then a SplitMix64 finaliser so that the low bits (the slot) mix.
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : key) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

std::int32_t IdDictionary::find(std::string_view key) const {
  const std::uint64_t h = hash(key);
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  for (std::size_t slot = h & mask_;; slot = (slot + 1) & mask_) {
    const std::int32_t index = slots_[slot];
    if (index < 0) return -1;
    if (slot_tags_[slot] == tag && this->key(index) == key) return index;
  }
}

std::int32_t IdDictionary::intern(std::string_view key) {
  const std::uint64_t h = hash(key);
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  std::size_t slot = h & mask_;
  for (;; slot = (slot + 1) & mask_) {
    const std::int32_t index = slots_[slot];
    if (index < 0) break;
    if (slot_tags_[slot] == tag && this->key(index) == key) return index;
  }
  if (offsets_.size() >= 0x7FFFFFFFu) throw DataError("more than 2^31 distinct ids");
  const auto index = static_cast<std::int32_t>(offsets_.size());
  offsets_.push_back(bytes_.size());
  lengths_.push_back(static_cast<std::uint32_t>(key.size()));
  bytes_.append(key.data(), key.size());
  if (key.size() > max_length_) max_length_ = key.size();
  slots_[slot] = index;
  slot_tags_[slot] = tag;
  if (offsets_.size() * 2 > slots_.size()) grow();  // load factor <= 1/2
  return index;
}

void IdDictionary::grow() {
  const std::size_t capacity = slots_.size() * 2;
  std::vector<std::int32_t> slots(capacity, -1);
  std::vector<std::uint32_t> tags(capacity, 0);
  const std::size_t mask = capacity - 1;
  for (std::size_t i = 0; i < offsets_.size(); ++i) {
    const std::uint64_t h = hash(key(static_cast<std::int32_t>(i)));
    std::size_t slot = h & mask;
    while (slots[slot] >= 0) slot = (slot + 1) & mask;
    slots[slot] = static_cast<std::int32_t>(i);
    tags[slot] = static_cast<std::uint32_t>(h >> 32);
  }
  slots_.swap(slots);
  slot_tags_.swap(tags);
  mask_ = mask;
}

std::vector<std::string> IdDictionary::keys() const {
  std::vector<std::string> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.emplace_back(key(static_cast<std::int32_t>(i)));
  return out;
}

}  // namespace shoprl
