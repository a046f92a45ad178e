#include "vitalink/cluster/bridges.h"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <utility>

#include "vitalink/cluster/union_find.h"
#include "vitalink/common/status.h"

namespace vitalink::cluster {

namespace {

inline size_t Idx(int64_t i) { return static_cast<size_t>(i); }

// Compressed adjacency: the neighbours of v are target[offsets[v] .. offsets[v+1]),
// reached through edge[…]; neighbours appear in edge-index order (deterministic).
struct Adjacency {
  std::vector<int64_t> offsets;
  std::vector<int64_t> target;
  std::vector<int64_t> edge;
};

Adjacency BuildAdjacency(int64_t num_vertices, std::span<const ScoredPair> edges) {
  Adjacency adj;
  adj.offsets.assign(Idx(num_vertices) + 1, 0);
  for (const ScoredPair& e : edges) {
    ++adj.offsets[Idx(e.a) + 1];
    ++adj.offsets[Idx(e.b) + 1];
  }
  std::partial_sum(adj.offsets.begin(), adj.offsets.end(), adj.offsets.begin());
  adj.target.resize(2 * edges.size());
  adj.edge.resize(2 * edges.size());
  std::vector<int64_t> cursor(adj.offsets.begin(), adj.offsets.end() - 1);
  for (size_t edge_idx = 0; edge_idx < edges.size(); ++edge_idx) {
    const ScoredPair& e = edges[edge_idx];
    const auto put = [&](int64_t from, int64_t to) {
      const size_t slot = Idx(cursor[Idx(from)]++);
      adj.target[slot] = to;
      adj.edge[slot] = static_cast<int64_t>(edge_idx);
    };
    put(e.a, e.b);
    put(e.b, e.a);
  }
  return adj;
}

// The forest whose nodes are 2-edge-connected components (weighted by their
// number of records) and whose edges are the bridges. Supports O(1) edge removal:
// node v's live edges occupy slots [offsets[v], offsets[v] + degree[v]), and a
// removed edge is swapped with the last live slot.
class BridgeForest {
 public:
  BridgeForest(std::vector<int64_t> weight, std::vector<int64_t> end_u, std::vector<int64_t> end_v)
      : weight_(std::move(weight)), end_u_(std::move(end_u)), end_v_(std::move(end_v)) {
    const size_t num_nodes = weight_.size();
    const size_t num_edges = end_u_.size();
    offsets_.assign(num_nodes + 1, 0);
    degree_.assign(num_nodes, 0);
    for (size_t j = 0; j < num_edges; ++j) {
      ++degree_[Idx(end_u_[j])];
      ++degree_[Idx(end_v_[j])];
    }
    for (size_t node = 0; node < num_nodes; ++node) offsets_[node + 1] = offsets_[node] + degree_[node];
    slots_.resize(2 * num_edges);
    pos_u_.resize(num_edges);
    pos_v_.resize(num_edges);
    std::vector<int64_t> fill(offsets_.begin(), offsets_.end() - 1);
    for (size_t j = 0; j < num_edges; ++j) {
      pos_u_[j] = fill[Idx(end_u_[j])]++;
      slots_[Idx(pos_u_[j])] = static_cast<int64_t>(j);
      pos_v_[j] = fill[Idx(end_v_[j])]++;
      slots_[Idx(pos_v_[j])] = static_cast<int64_t>(j);
    }
  }

  int64_t end_u(int64_t j) const { return end_u_[Idx(j)]; }
  int64_t end_v(int64_t j) const { return end_v_[Idx(j)]; }

  // Return whether the part containing `start`, once edge `cut` is gone, weighs
  // at least `min_weight`. Explores lazily: stops as soon as the bound is met.
  bool SideAtLeast(int64_t start, int64_t cut, int64_t min_weight) {
    int64_t total = weight_[Idx(start)];
    if (total >= min_weight) return true;
    stack_.clear();
    stack_.push_back({start, cut, offsets_[Idx(start)]});
    while (!stack_.empty()) {
      Frame& top = stack_.back();
      if (top.cursor == offsets_[Idx(top.node)] + degree_[Idx(top.node)]) {
        stack_.pop_back();
        continue;
      }
      const int64_t j = slots_[Idx(top.cursor++)];
      if (j == top.via) continue;
      // A forest: every other edge leads to an unvisited node.
      const int64_t next = end_u_[Idx(j)] == top.node ? end_v_[Idx(j)] : end_u_[Idx(j)];
      total += weight_[Idx(next)];
      if (total >= min_weight) return true;
      stack_.push_back({next, j, offsets_[Idx(next)]});
    }
    return false;
  }

  void Remove(int64_t j) {
    RemoveSlot(end_u_[Idx(j)], pos_u_[Idx(j)]);
    RemoveSlot(end_v_[Idx(j)], pos_v_[Idx(j)]);
  }

 private:
  struct Frame {
    int64_t node;
    int64_t via;     // edge we arrived by (not to be walked back)
    int64_t cursor;  // next slot to look at
  };

  void RemoveSlot(int64_t node, int64_t slot) {
    const int64_t last = offsets_[Idx(node)] + --degree_[Idx(node)];
    const int64_t moved = slots_[Idx(last)];
    slots_[Idx(slot)] = moved;
    // Update whichever end of `moved` sits at `node` (an edge of a forest has
    // distinct ends, so exactly one does).
    if (end_u_[Idx(moved)] == node) {
      pos_u_[Idx(moved)] = slot;
    } else {
      pos_v_[Idx(moved)] = slot;
    }
  }

  std::vector<int64_t> weight_;
  std::vector<int64_t> end_u_, end_v_;
  std::vector<int64_t> offsets_, degree_, slots_;
  std::vector<int64_t> pos_u_, pos_v_;
  std::vector<Frame> stack_;
};

}  // namespace

std::vector<int64_t> FindBridges(int64_t num_vertices, std::span<const ScoredPair> edges) {
  const Adjacency adj = BuildAdjacency(num_vertices, edges);
  const size_t n = Idx(num_vertices);
  std::vector<int64_t> disc(n, -1);
  std::vector<int64_t> low(n, 0);
  std::vector<int64_t> parent_edge(n, -1);
  std::vector<int64_t> cursor(n, 0);
  std::vector<int64_t> stack;
  std::vector<int64_t> bridges;
  int64_t time = 0;
  for (int64_t root = 0; root < num_vertices; ++root) {
    if (disc[Idx(root)] >= 0) continue;
    // Isolated vertices have no edges to classify.
    if (adj.offsets[Idx(root)] == adj.offsets[Idx(root) + 1]) continue;
    disc[Idx(root)] = low[Idx(root)] = time++;
    cursor[Idx(root)] = adj.offsets[Idx(root)];
    stack.push_back(root);
    while (!stack.empty()) {
      const int64_t v = stack.back();
      if (cursor[Idx(v)] < adj.offsets[Idx(v) + 1]) {
        const size_t slot = Idx(cursor[Idx(v)]++);
        const int64_t w = adj.target[slot];
        const int64_t e = adj.edge[slot];
        // Skip the tree edge itself, by edge id: a parallel edge to the parent
        // is a genuine back edge and makes the tree edge a non-bridge.
        if (e == parent_edge[Idx(v)]) continue;
        if (disc[Idx(w)] < 0) {
          disc[Idx(w)] = low[Idx(w)] = time++;
          parent_edge[Idx(w)] = e;
          cursor[Idx(w)] = adj.offsets[Idx(w)];
          stack.push_back(w);
        } else {
          low[Idx(v)] = std::min(low[Idx(v)], disc[Idx(w)]);
        }
        continue;
      }
      // v is finished: pass low(v) up to its DFS parent p and classify (p, v).
      stack.pop_back();
      const int64_t e = parent_edge[Idx(v)];
      if (e < 0) continue;
      const int64_t p = edges[Idx(e)].a == v ? edges[Idx(e)].b : edges[Idx(e)].a;
      low[Idx(p)] = std::min(low[Idx(p)], low[Idx(v)]);
      if (low[Idx(v)] > disc[Idx(p)]) bridges.push_back(e);
    }
  }
  std::sort(bridges.begin(), bridges.end());
  return bridges;
}

std::vector<int64_t> WeakBridgesToSplit(int64_t num_vertices, std::span<const ScoredPair> edges,
                                        const BridgeOptions& options) {
  const std::vector<int64_t> bridges = FindBridges(num_vertices, edges);
  std::vector<int64_t> weak;  // positions in `bridges`
  for (size_t j = 0; j < bridges.size(); ++j) {
    if (edges[Idx(bridges[j])].probability < options.bridge_threshold) {
      weak.push_back(static_cast<int64_t>(j));
    }
  }
  if (weak.empty()) return {};

  // 2-edge-connected components: the components left when every bridge is gone.
  std::vector<char> is_bridge(edges.size(), 0);
  for (const int64_t e : bridges) is_bridge[Idx(e)] = 1;
  UnionFind blocks(num_vertices);
  for (size_t edge_idx = 0; edge_idx < edges.size(); ++edge_idx) {
    if (!is_bridge[edge_idx]) blocks.Union(edges[edge_idx].a, edges[edge_idx].b);
  }
  const std::vector<int64_t> block_of = blocks.Labels();
  std::vector<int64_t> block_weight(Idx(blocks.num_sets()), 0);
  for (const int64_t block : block_of) ++block_weight[Idx(block)];
  std::vector<int64_t> end_u(bridges.size());
  std::vector<int64_t> end_v(bridges.size());
  for (size_t j = 0; j < bridges.size(); ++j) {
    end_u[j] = block_of[Idx(edges[Idx(bridges[j])].a)];
    end_v[j] = block_of[Idx(edges[Idx(bridges[j])].b)];
  }
  BridgeForest forest(std::move(block_weight), std::move(end_u), std::move(end_v));

  const auto key = [&](int64_t j) {
    const int64_t e = bridges[Idx(j)];
    const ScoredPair& p = edges[Idx(e)];
    return std::make_tuple(p.probability, p.weight, std::min(p.a, p.b), std::max(p.a, p.b), e);
  };
  std::sort(weak.begin(), weak.end(), [&](int64_t x, int64_t y) { return key(x) < key(y); });

  const int64_t min_side = std::max<int64_t>(options.min_side_size, 1);
  std::vector<int64_t> cut;
  for (const int64_t j : weak) {
    if (forest.SideAtLeast(forest.end_u(j), j, min_side) &&
        forest.SideAtLeast(forest.end_v(j), j, min_side)) {
      forest.Remove(j);
      cut.push_back(bridges[Idx(j)]);
    }
  }
  std::sort(cut.begin(), cut.end());
  return cut;
}

}  // namespace vitalink::cluster
