#include "vitalink/link/em/pattern_counts.h"

#include <algorithm>

namespace vitalink::link {
namespace {

// Fibonacci hashing: the key's high bits after one multiply pick the slot.
inline uint64_t Slot(uint64_t key, uint64_t mask, int shift) {
  return ((key * 0x9E3779B97F4A7C15ULL) >> shift) & mask;
}

}  // namespace

PatternCounts::PatternCounts(const ModelShape& shape)
    : shape_(shape), dense_(shape.num_keys() <= kDenseLimit) {
  for (int k = 0; k < shape_.num_comparisons(); ++k) {
    radix_.push_back(static_cast<uint64_t>(shape_.num_levels(k)) + 1);
  }
  if (dense_) {
    dense_counts_.assign(shape_.num_keys(), 0);
  } else {
    keys_.assign(1024, kEmptyKey);
    counts_.assign(1024, 0);
  }
}

void PatternCounts::AddRows(const uint8_t* gammas, int64_t num_rows) {
  const auto stride = static_cast<size_t>(shape_.num_comparisons());
  for (int64_t row_idx = 0; row_idx < num_rows; ++row_idx) {
    Add(gammas + static_cast<size_t>(row_idx) * stride);
  }
}

void PatternCounts::AddSparse(uint64_t key, int64_t n) {
  if (static_cast<uint64_t>(size_ + 1) * 2 > keys_.size()) Grow();
  const uint64_t mask = keys_.size() - 1;
  for (uint64_t slot = Slot(key, mask, shift_);; slot = (slot + 1) & mask) {
    if (keys_[slot] == key) {
      counts_[slot] += n;
      return;
    }
    if (keys_[slot] == kEmptyKey) {
      keys_[slot] = key;
      counts_[slot] = n;
      ++size_;
      return;
    }
  }
}

void PatternCounts::Grow() {
  std::vector<uint64_t> old_keys(keys_.size() * 2, kEmptyKey);
  std::vector<int64_t> old_counts(counts_.size() * 2, 0);
  old_keys.swap(keys_);
  old_counts.swap(counts_);
  --shift_;
  const uint64_t mask = keys_.size() - 1;
  for (size_t idx = 0; idx < old_keys.size(); ++idx) {
    if (old_keys[idx] == kEmptyKey) continue;
    uint64_t slot = Slot(old_keys[idx], mask, shift_);
    while (keys_[slot] != kEmptyKey) slot = (slot + 1) & mask;
    keys_[slot] = old_keys[idx];
    counts_[slot] = old_counts[idx];
  }
}

void PatternCounts::Merge(const PatternCounts& other) {
  VL_CHECK(shape_ == other.shape_);
  if (dense_) {
    for (size_t key = 0; key < dense_counts_.size(); ++key) {
      const int64_t n = other.dense_counts_[key];
      if (n == 0) continue;
      if (dense_counts_[key] == 0) ++size_;
      dense_counts_[key] += n;
    }
    total_ += other.total_;
    return;
  }
  for (size_t idx = 0; idx < other.keys_.size(); ++idx) {
    if (other.keys_[idx] != kEmptyKey) AddKey(other.keys_[idx], other.counts_[idx]);
  }
}

int64_t PatternCounts::Count(uint64_t key) const {
  if (key >= shape_.num_keys()) return 0;
  if (dense_) return dense_counts_[key];
  const uint64_t mask = keys_.size() - 1;
  for (uint64_t slot = Slot(key, mask, shift_);; slot = (slot + 1) & mask) {
    if (keys_[slot] == key) return counts_[slot];
    if (keys_[slot] == kEmptyKey) return 0;
  }
}

std::vector<PatternCount> PatternCounts::Sorted() const {
  std::vector<PatternCount> out;
  out.reserve(static_cast<size_t>(size_));
  if (dense_) {
    for (uint64_t key = 0; key < dense_counts_.size(); ++key) {
      if (dense_counts_[key] != 0) out.push_back({key, dense_counts_[key]});
    }
    return out;
  }
  for (size_t idx = 0; idx < keys_.size(); ++idx) {
    if (keys_[idx] != kEmptyKey) out.push_back({keys_[idx], counts_[idx]});
  }
  std::sort(out.begin(), out.end(),
            [](const PatternCount& a, const PatternCount& b) { return a.key < b.key; });
  return out;
}

}  // namespace vitalink::link
