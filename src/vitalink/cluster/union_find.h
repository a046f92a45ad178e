// Disjoint sets over the integers 0..n-1: union by size with path compression
// (Tarjan 1975; Tarjan & van Leeuwen 1984), so a sequence of m operations costs
// O(m α(n)).
//
//   UnionFind uf(5);
//   uf.Union(0, 3);
//   uf.Union(3, 4);
//   uf.Find(4) == uf.Find(0);          // true
//   std::vector<int64_t> labels = uf.Labels();  // {0, 1, 2, 0, 0}
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vitalink::cluster {

/// Disjoint-set forest. Not thread-safe (Find compresses paths, so even reads mutate).
/// Memory: two int64_t per element.
class UnionFind {
 public:
  /// Create n singleton sets {0}, …, {n-1}; n must be ≥ 0.
  explicit UnionFind(int64_t n);

  /// Return the number of elements n.
  int64_t size() const { return static_cast<int64_t>(parent_.size()); }
  /// Return the current number of disjoint sets.
  int64_t num_sets() const { return num_sets_; }

  /// Return the representative (root) of x's set, compressing the path to it.
  int64_t Find(int64_t x);
  /// Merge the sets of a and b, the smaller under the larger (ties: b's root under
  /// a's). Return true if they were different sets.
  bool Union(int64_t a, int64_t b);
  /// Return the number of elements in x's set.
  int64_t SetSize(int64_t x) { return size_[static_cast<size_t>(Find(x))]; }

  /// Return a dense label per element: sets are numbered 0, 1, … in order of their
  /// smallest element, so labels do not depend on the order of unions. O(n α(n)).
  std::vector<int64_t> Labels();

 private:
  std::vector<int64_t> parent_;
  std::vector<int64_t> size_;
  int64_t num_sets_ = 0;
};

}  // namespace vitalink::cluster
