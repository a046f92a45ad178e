#include "vitalink/table/string_pool.h"

#include <algorithm>
#include <cstring>

#include <xxhash.h>

namespace vitalink {
namespace {
constexpr size_t kChunkBytes = 1 << 20;
}

StringPool::StringPool() {
  views_.emplace_back();  // kNull
  slots_.assign(1024, Slot{});
  mask_ = 1023;
}

const char* StringPool::Store(std::string_view s) {
  if (s.empty()) return "";
  if (chunk_used_ + s.size() > chunk_cap_) {
    const size_t cap = s.size() > kChunkBytes ? s.size() : kChunkBytes;
    chunks_.push_back(std::make_unique<char[]>(cap));
    chunk_cap_ = cap;
    chunk_used_ = 0;
  }
  char* dst = chunks_.back().get() + chunk_used_;
  std::memcpy(dst, s.data(), s.size());
  chunk_used_ += s.size();
  bytes_ += s.size();
  return dst;
}

void StringPool::Reserve(size_t n) {
  views_.reserve(n + 1);
  size_t cap = slots_.size();
  while (cap < 2 * (n + 1)) cap *= 2;
  if (cap == slots_.size()) return;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  for (const Slot& slot : old) {
    if (slot.id == 0) continue;
    size_t pos = slot.hash & mask_;
    while (slots_[pos].id != 0) pos = (pos + 1) & mask_;
    slots_[pos] = slot;
  }
}

void StringPool::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.id == 0) continue;
    size_t pos = slot.hash & mask_;
    while (slots_[pos].id != 0) pos = (pos + 1) & mask_;
    slots_[pos] = slot;
  }
}

uint32_t StringPool::Find(std::string_view s) const {
  const uint64_t h = XXH3_64bits(s.data(), s.size());
  for (size_t pos = h & mask_;; pos = (pos + 1) & mask_) {
    const Slot& slot = slots_[pos];
    if (slot.id == 0) return kNull;
    if (slot.hash == h && views_[slot.id] == s) return slot.id;
  }
}

uint32_t StringPool::Intern(std::string_view s) {
  return InternHashed(s, XXH3_64bits(s.data(), s.size()));
}

uint32_t StringPool::InternHashed(std::string_view s, uint64_t h) {
  size_t pos = h & mask_;
  for (;; pos = (pos + 1) & mask_) {
    const Slot& slot = slots_[pos];
    if (slot.id == 0) break;
    if (slot.hash == h && views_[slot.id] == s) return slot.id;
  }
  const auto id = static_cast<uint32_t>(views_.size());
  views_.emplace_back(Store(s), s.size());
  slots_[pos] = Slot{h, id};
  // Keep the load factor under one half.
  if (views_.size() * 2 > slots_.size()) Grow();
  return id;
}

void StringPool::InternBatch(std::span<const std::string_view> strings, uint32_t* ids) {
  constexpr size_t kGroup = 32;
  uint64_t hashes[kGroup];
  for (size_t begin = 0; begin < strings.size(); begin += kGroup) {
    const size_t end = std::min(strings.size(), begin + kGroup);
    for (size_t i = begin; i < end; ++i) {
      hashes[i - begin] = XXH3_64bits(strings[i].data(), strings[i].size());
      __builtin_prefetch(&slots_[hashes[i - begin] & mask_]);
    }
    // Second stage: a value already in the pool is compared with its stored
    // string; fetch that too while the group's slots arrive.
    for (size_t i = begin; i < end; ++i) {
      const Slot& slot = slots_[hashes[i - begin] & mask_];
      if (slot.id != 0 && slot.hash == hashes[i - begin]) __builtin_prefetch(views_[slot.id].data());
    }
    // A Grow inside the group only makes some prefetches useless.
    for (size_t i = begin; i < end; ++i) ids[i] = InternHashed(strings[i], hashes[i - begin]);
  }
}

}  // namespace vitalink
