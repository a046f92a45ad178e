#include "vitalink/table/string_pool.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <sys/mman.h>

#include <xxhash.h>

#include "vitalink/common/status.h"
#include "vitalink/table/huge_pages.h"

namespace vitalink {
namespace {
constexpr size_t kChunkBytes = 1 << 20;

uint64_t Hash(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }
}  // namespace

void StringPool::SlotDeleter::operator()(Slot* p) const {
  if (mapped_bytes > 0) {
    ::munmap(p, mapped_bytes);
  } else {
    std::free(p);
  }
}

void StringPool::AllocateSlots(size_t count) {
  const size_t bytes = count * sizeof(Slot);
  slots_.reset();
  if (bytes >= kHugePageBytes) {
    void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    VL_CHECK(mem != MAP_FAILED);
    AdviseHugePages(mem, bytes);
    slots_ = std::unique_ptr<Slot[], SlotDeleter>(static_cast<Slot*>(mem), SlotDeleter{bytes});
  } else {
    void* mem = std::calloc(count, sizeof(Slot));
    VL_CHECK(mem != nullptr);
    slots_ = std::unique_ptr<Slot[], SlotDeleter>(static_cast<Slot*>(mem), SlotDeleter{0});
  }
  num_slots_ = count;
  mask_ = count - 1;
}

StringPool::StringPool() {
  views_.emplace_back();  // kNull
  AllocateSlots(1024);
}

const char* StringPool::Store(std::string_view s) {
  if (s.empty()) return "";
  if (chunk_used_ + s.size() > chunk_cap_) {
    const size_t cap = s.size() > kChunkBytes ? s.size() : kChunkBytes;
    // Not value-initialized: every byte handed out is written first.
    chunks_.push_back(std::unique_ptr<char[]>(new char[cap]));
    chunk_cap_ = cap;
    chunk_used_ = 0;
  }
  char* dst = chunks_.back().get() + chunk_used_;
  std::memcpy(dst, s.data(), s.size());
  chunk_used_ += s.size();
  bytes_ += s.size();
  return dst;
}

void StringPool::ReserveViews(size_t n) {
  if (n <= views_.capacity()) return;
  views_.reserve(n);
  AdviseHugePages(views_.data(), views_.capacity() * sizeof(std::string_view));
}

void StringPool::Reserve(size_t n) {
  size_t cap = num_slots_;
  while (cap < 2 * (n + 1)) cap *= 2;
  if (cap != num_slots_) Rehash(cap);
  // Room for as many views as the table holds before it grows: the vector
  // then never moves (a move copies every view and faults in fresh pages).
  // Untouched capacity costs address space only.
  ReserveViews(num_slots_ / 2 + 1);
}

void StringPool::Rehash(size_t capacity) {
  AllocateSlots(capacity);
  for (uint32_t id = 1; id < views_.size(); ++id) {
    const uint64_t h = Hash(views_[id]);
    size_t pos = h & mask_;
    while (slots_[pos].id != 0) pos = (pos + 1) & mask_;
    slots_[pos] = Slot{static_cast<uint32_t>(h >> 32), id};
  }
}

void StringPool::Grow() { Rehash(num_slots_ * 2); }

uint32_t StringPool::Find(std::string_view s) const {
  const uint64_t h = Hash(s);
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (size_t pos = h & mask_;; pos = (pos + 1) & mask_) {
    const Slot& slot = slots_[pos];
    if (slot.id == 0) return kNull;
    if (slot.tag == tag && views_[slot.id] == s) return slot.id;
  }
}

uint32_t StringPool::Intern(std::string_view s) { return InternHashed(s, Hash(s)); }

uint32_t StringPool::InternHashed(std::string_view s, uint64_t h) {
  const auto tag = static_cast<uint32_t>(h >> 32);
  size_t pos = h & mask_;
  for (;; pos = (pos + 1) & mask_) {
    const Slot& slot = slots_[pos];
    if (slot.id == 0) break;
    if (slot.tag == tag && views_[slot.id] == s) return slot.id;
  }
  const auto id = static_cast<uint32_t>(views_.size());
  if (views_.size() == views_.capacity()) ReserveViews(2 * views_.size());
  views_.emplace_back(Store(s), s.size());
  slots_[pos] = Slot{tag, id};
  // Keep the load factor under one half.
  if (views_.size() * 2 > num_slots_) Grow();
  return id;
}

void StringPool::InternBatch(std::span<const std::string_view> strings, uint32_t* ids) {
  // A lookup of a string already present waits on three dependent misses:
  // its slot, then the candidate's view (pointer and length), then the
  // candidate's bytes. Each is prefetched in its own stage, kDistance
  // strings apart, so by the time string i is interned all three are in
  // cache. New strings stop after the first stage (no tag matches). Inserts
  // and a Grow between stages only make some prefetches useless: the last
  // stage is an ordinary InternHashed.
  constexpr size_t kDistance = 8;
  constexpr size_t kRing = 4 * kDistance;  // hashes of the strings in flight
  uint64_t hashes[kRing];
  const size_t n = strings.size();
  auto candidate = [this](uint64_t h) -> uint32_t {
    const Slot& slot = slots_[h & mask_];
    return slot.id != 0 && slot.tag == static_cast<uint32_t>(h >> 32) ? slot.id : 0;
  };
  for (size_t i = 0; i < n + 3 * kDistance; ++i) {
    if (i < n) {
      const uint64_t h = Hash(strings[i]);
      hashes[i % kRing] = h;
      __builtin_prefetch(&slots_[h & mask_]);
    }
    if (i >= kDistance && i - kDistance < n) {
      const uint32_t id = candidate(hashes[(i - kDistance) % kRing]);
      if (id != 0) __builtin_prefetch(&views_[id]);
    }
    if (i >= 2 * kDistance && i - 2 * kDistance < n) {
      const uint32_t id = candidate(hashes[(i - 2 * kDistance) % kRing]);
      if (id != 0 && id < views_.size()) __builtin_prefetch(views_[id].data());
    }
    if (i >= 3 * kDistance) {
      const size_t j = i - 3 * kDistance;
      ids[j] = InternHashed(strings[j], hashes[j % kRing]);
    }
  }
}

}  // namespace vitalink
