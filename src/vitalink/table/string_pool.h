// StringPool: interned, immutable strings addressed by dense 32-bit ids.
//
// Equal strings get equal ids, so columns compare by id and per-value work
// (normalizing, pinyin, term frequencies) runs once per distinct string.
// Id 0 is reserved for "missing" (null) and maps to the empty string.
//
//   auto pool = std::make_shared<StringPool>();
//   uint32_t id = pool->Intern("张伟");
//   std::string_view s = pool->Get(id);
//
// Not thread-safe for Intern; Get is safe for concurrent readers once no one interns.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace vitalink {

class StringPool {
 public:
  static constexpr uint32_t kNull = 0;

  StringPool();
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  /// Return the id of `s`, adding it when new. The empty string interns to a
  /// non-null id; only kNull means missing.
  uint32_t Intern(std::string_view s);
  /// Intern `strings[i]` into `ids[i]` for every i, in order (ids as if by
  /// Intern one at a time). Faster for large pools: each lookup's three
  /// dependent cache misses (table slot, the candidate's view, its bytes) are
  /// prefetched in a pipeline several strings ahead.
  void InternBatch(std::span<const std::string_view> strings, uint32_t* ids);
  /// Make room for about `n` strings without rehashing or moving (a hint).
  void Reserve(size_t n);
  /// Return the id of `s` if present, else kNull.
  uint32_t Find(std::string_view s) const;
  /// Return the string of `id`; valid for the pool's lifetime.
  std::string_view Get(uint32_t id) const { return views_[id]; }
  /// Return the number of ids, including kNull.
  uint32_t size() const { return static_cast<uint32_t>(views_.size()); }
  /// Return the bytes held by strings (for memory reports).
  size_t bytes() const { return bytes_; }

 private:
  const char* Store(std::string_view s);
  uint32_t InternHashed(std::string_view s, uint64_t h);
  void Grow();
  void ReserveViews(size_t n);

  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = 0;
  size_t chunk_cap_ = 0;
  size_t bytes_ = 0;
  std::vector<std::string_view> views_;
  // Open addressing on 8-byte slots: the id and 32 bits of the hash, so a
  // probe touches the string only when those bits match. The slot array and
  // the views are backed by transparent huge pages where the kernel offers
  // them: a large pool's lookups are TLB misses otherwise, and filling it
  // page by page costs a fault per 4 KiB. Rehashing recomputes the hashes
  // (rare: ingest reserves) rather than keeping 8 bytes per string for it.
  struct Slot {
    uint32_t tag = 0;
    uint32_t id = 0;  // 0 = empty
  };
  // Large slot arrays are anonymous mappings: the kernel hands them over
  // zeroed, so they need no memset pass of their own.
  struct SlotDeleter {
    size_t mapped_bytes;  // 0: from malloc (value-initialized by unique_ptr)
    void operator()(Slot* p) const;
  };
  void AllocateSlots(size_t count);
  void Rehash(size_t capacity);
  std::unique_ptr<Slot[], SlotDeleter> slots_;
  size_t num_slots_ = 0;
  uint64_t mask_ = 0;
};

}  // namespace vitalink
