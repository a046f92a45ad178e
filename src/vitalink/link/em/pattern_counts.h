// PatternCounts: the distinct comparison vectors γ of a set of record pairs, with
// how many pairs produced each. EM (em.h) runs over these counts instead of over
// pairs: at most ∏(L_k+1) patterns, usually a few thousand, whatever the pair count.
//
// Keys are ModelShape::Encode(γ). When ∏(L_k+1) <= kDenseLimit the counts live in
// a dense array indexed by key (one add = K multiply-adds and one increment);
// otherwise in an open-addressing hash table. Each thread fills its own
// PatternCounts and the results are merged; counts are integers and every export
// is in ascending key order, so the merged result is identical for any thread
// count and merge order.
//
//   PatternCounts counts(shape);
//   for (each candidate pair) { comparator.Compare(a, b, gamma); counts.Add(gamma); }
//   total.Merge(counts);
//   for (const PatternCount& p : total.Sorted()) { shape.Decode(p.key, gamma); ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "vitalink/link/em/model_shape.h"

namespace vitalink::link {

/// One distinct γ (packed key, see ModelShape::Encode) and its pair count.
struct PatternCount {
  uint64_t key = 0;
  int64_t count = 0;

  bool operator==(const PatternCount&) const = default;
};

class PatternCounts {
 public:
  /// Largest key space held in a dense array (8 bytes per possible key).
  static constexpr uint64_t kDenseLimit = uint64_t{1} << 20;

  /// Start empty counts for γ of `shape` (copied). Allocates the dense array
  /// (8 * num_keys bytes) when the key space is small.
  explicit PatternCounts(const ModelShape& shape);

  /// Count `n` (>= 0) pairs with comparison vector `gamma` (K bytes, each a level
  /// or kGammaNull; an invalid level is a bug in the caller and aborts).
  void Add(const uint8_t* gamma, int64_t n = 1) {
    // One pass: digit and range check together (null maps to the top digit).
    uint64_t key = 0;
    for (size_t k = 0; k < radix_.size(); ++k) {
      const uint64_t digit = gamma[k] == kGammaNull ? radix_[k] - 1 : gamma[k];
      VL_CHECK(digit < radix_[k]);
      key = key * radix_[k] + digit;
    }
    AddKey(key, n);
  }

  /// Count `num_rows` comparison vectors stored row-major (K bytes per row).
  void AddRows(const uint8_t* gammas, int64_t num_rows);

  /// Count `n` pairs with packed key `key` (< shape().num_keys()).
  void AddKey(uint64_t key, int64_t n = 1) {
    VL_CHECK(n >= 0 && key < shape_.num_keys());
    if (n == 0) return;
    total_ += n;
    if (dense_) {
      int64_t& slot = dense_counts_[key];
      if (slot == 0) ++size_;
      slot += n;
    } else {
      AddSparse(key, n);
    }
  }

  /// Add the counts of `other`, which must have the same shape (checked).
  void Merge(const PatternCounts& other);

  /// Return the number of distinct patterns seen.
  int64_t size() const { return size_; }
  /// Return the number of pairs counted (sum of counts).
  int64_t total() const { return total_; }
  /// Return true when counts live in the dense array.
  bool dense() const { return dense_; }
  const ModelShape& shape() const { return shape_; }

  /// Return the count of `key` (0 if never seen).
  int64_t Count(uint64_t key) const;

  /// Return the distinct patterns in ascending key order. O(size log size), or
  /// O(num_keys) for dense counts.
  std::vector<PatternCount> Sorted() const;

  /// Call `fn(const PatternCount&)` for every pattern in ascending key order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (dense_) {
      for (uint64_t key = 0; key < dense_counts_.size(); ++key) {
        if (dense_counts_[key] != 0) fn(PatternCount{key, dense_counts_[key]});
      }
    } else {
      for (const PatternCount& p : Sorted()) fn(p);
    }
  }

 private:
  static constexpr uint64_t kEmptyKey = ~uint64_t{0};
  void AddSparse(uint64_t key, int64_t n);
  void Grow();

  ModelShape shape_;
  std::vector<uint64_t> radix_;  // L_k + 1, copied for the Add loop
  bool dense_ = true;
  int64_t size_ = 0;
  int64_t total_ = 0;
  std::vector<int64_t> dense_counts_;
  // Open addressing with linear probing; capacity a power of two, load <= 1/2.
  std::vector<uint64_t> keys_;
  std::vector<int64_t> counts_;
  int shift_ = 64 - 10;  // 64 - log2(capacity)
};

}  // namespace vitalink::link
