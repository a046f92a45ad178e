#include "vitalink/table/string_pool.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <sys/mman.h>

#include <xxhash.h>

#include "vitalink/common/status.h"

namespace vitalink {
namespace {
constexpr size_t kChunkBytes = 1 << 20;
}

void StringPool::FreeDeleter::operator()(Slot* p) const { std::free(p); }

void StringPool::AllocateSlots(size_t count) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t bytes = count * sizeof(Slot);
  void* mem = nullptr;
  if (bytes >= kHugePage) {
    mem = std::aligned_alloc(kHugePage, (bytes + kHugePage - 1) / kHugePage * kHugePage);
    if (mem != nullptr) ::madvise(mem, bytes, MADV_HUGEPAGE);
  } else {
    mem = std::malloc(bytes);
  }
  VL_CHECK(mem != nullptr);
  std::memset(mem, 0, bytes);
  slots_.reset(static_cast<Slot*>(mem));
  num_slots_ = count;
  mask_ = count - 1;
}

StringPool::StringPool() {
  views_.emplace_back();  // kNull
  hashes_.push_back(0);
  AllocateSlots(1024);
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
  hashes_.reserve(n + 1);
  size_t cap = num_slots_;
  while (cap < 2 * (n + 1)) cap *= 2;
  if (cap != num_slots_) Rehash(cap);
}

void StringPool::Rehash(size_t capacity) {
  AllocateSlots(capacity);
  for (uint32_t id = 1; id < views_.size(); ++id) {
    const uint64_t h = hashes_[id];
    size_t pos = h & mask_;
    while (slots_[pos].id != 0) pos = (pos + 1) & mask_;
    slots_[pos] = Slot{static_cast<uint32_t>(h >> 32), id};
  }
}

void StringPool::Grow() { Rehash(num_slots_ * 2); }

uint32_t StringPool::Find(std::string_view s) const {
  const uint64_t h = XXH3_64bits(s.data(), s.size());
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (size_t pos = h & mask_;; pos = (pos + 1) & mask_) {
    const Slot& slot = slots_[pos];
    if (slot.id == 0) return kNull;
    if (slot.tag == tag && views_[slot.id] == s) return slot.id;
  }
}

uint32_t StringPool::Intern(std::string_view s) {
  return InternHashed(s, XXH3_64bits(s.data(), s.size()));
}

uint32_t StringPool::InternHashed(std::string_view s, uint64_t h) {
  const auto tag = static_cast<uint32_t>(h >> 32);
  size_t pos = h & mask_;
  for (;; pos = (pos + 1) & mask_) {
    const Slot& slot = slots_[pos];
    if (slot.id == 0) break;
    if (slot.tag == tag && views_[slot.id] == s) return slot.id;
  }
  const auto id = static_cast<uint32_t>(views_.size());
  views_.emplace_back(Store(s), s.size());
  hashes_.push_back(h);
  slots_[pos] = Slot{tag, id};
  // Keep the load factor under one half.
  if (views_.size() * 2 > num_slots_) Grow();
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
      if (slot.id != 0 && slot.tag == static_cast<uint32_t>(hashes[i - begin] >> 32)) {
        __builtin_prefetch(views_[slot.id].data());
      }
    }
    // A Grow inside the group only makes some prefetches useless.
    for (size_t i = begin; i < end; ++i) ids[i] = InternHashed(strings[i], hashes[i - begin]);
  }
}

}  // namespace vitalink
