#include "vitalink/cluster/union_find.h"

#include <utility>

#include "vitalink/common/status.h"

namespace vitalink::cluster {

UnionFind::UnionFind(int64_t n) {
  VL_CHECK(n >= 0);
  parent_.resize(static_cast<size_t>(n));
  size_.assign(static_cast<size_t>(n), 1);
  for (int64_t x = 0; x < n; ++x) parent_[static_cast<size_t>(x)] = x;
  num_sets_ = n;
}

int64_t UnionFind::Find(int64_t x) {
  VL_DCHECK(x >= 0 && x < size());
  int64_t root = x;
  while (parent_[static_cast<size_t>(root)] != root) root = parent_[static_cast<size_t>(root)];
  // Second pass: point every node on the path straight at the root.
  while (parent_[static_cast<size_t>(x)] != root) {
    const int64_t next = parent_[static_cast<size_t>(x)];
    parent_[static_cast<size_t>(x)] = root;
    x = next;
  }
  return root;
}

bool UnionFind::Union(int64_t a, int64_t b) {
  int64_t ra = Find(a);
  int64_t rb = Find(b);
  if (ra == rb) return false;
  if (size_[static_cast<size_t>(ra)] < size_[static_cast<size_t>(rb)]) std::swap(ra, rb);
  parent_[static_cast<size_t>(rb)] = ra;
  size_[static_cast<size_t>(ra)] += size_[static_cast<size_t>(rb)];
  --num_sets_;
  return true;
}

std::vector<int64_t> UnionFind::Labels() {
  const int64_t n = size();
  // Reuse a root-indexed table: label_of_root[r] = -1 until r's set is first seen.
  std::vector<int64_t> label_of_root(static_cast<size_t>(n), -1);
  std::vector<int64_t> labels(static_cast<size_t>(n));
  int64_t next_label = 0;
  for (int64_t x = 0; x < n; ++x) {
    int64_t& label = label_of_root[static_cast<size_t>(Find(x))];
    if (label < 0) label = next_label++;
    labels[static_cast<size_t>(x)] = label;
  }
  return labels;
}

}  // namespace vitalink::cluster
