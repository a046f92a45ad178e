#include "vitalink/table/string_pool.h"

#include <cstring>

#include <xxhash.h>

namespace vitalink {
namespace {
constexpr size_t kChunkBytes = 1 << 20;
}

StringPool::StringPool() {
  views_.emplace_back();  // kNull
  hashes_.push_back(0);
  slots_.assign(1024, 0);
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

void StringPool::Grow() {
  const size_t cap = slots_.size() * 2;
  slots_.assign(cap, 0);
  mask_ = static_cast<uint32_t>(cap - 1);
  for (uint32_t id = 1; id < views_.size(); ++id) {
    size_t pos = hashes_[id] & mask_;
    while (slots_[pos] != 0) pos = (pos + 1) & mask_;
    slots_[pos] = id;
  }
}

uint32_t StringPool::Find(std::string_view s) const {
  const uint64_t h = XXH3_64bits(s.data(), s.size());
  size_t pos = h & mask_;
  while (uint32_t id = slots_[pos]) {
    if (hashes_[id] == h && views_[id] == s) return id;
    pos = (pos + 1) & mask_;
  }
  return kNull;
}

uint32_t StringPool::Intern(std::string_view s) {
  const uint64_t h = XXH3_64bits(s.data(), s.size());
  size_t pos = h & mask_;
  while (uint32_t id = slots_[pos]) {
    if (hashes_[id] == h && views_[id] == s) return id;
    pos = (pos + 1) & mask_;
  }
  const auto id = static_cast<uint32_t>(views_.size());
  views_.emplace_back(Store(s), s.size());
  hashes_.push_back(h);
  slots_[pos] = id;
  // Keep the load factor under one half.
  if (views_.size() * 2 > slots_.size()) Grow();
  return id;
}

}  // namespace vitalink
