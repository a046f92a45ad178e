// Bridges of the graph of accepted pairs, and the weak-bridge refusal rule.
//
// A bridge is an edge that lies on no cycle: removing it disconnects its
// component. A cluster held together only by one weak pair is a bridge whose
// probability is low — typically two true persons chained by a single doubtful
// link. Bridges are found with Tarjan's (1974) low-link DFS, run iteratively (an
// explicit stack, so a cluster of a million records cannot overflow the call
// stack), in O(n + m).
//
//   std::vector<int64_t> bridges = FindBridges(n, edges);        // edge indices
//   std::vector<int64_t> cut = WeakBridgesToSplit(n, edges, {.bridge_threshold = 0.99});
//
// Inputs must satisfy ValidatePairs (scored_pair.h); these functions do not check.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vitalink/cluster/scored_pair.h"

namespace vitalink::cluster {

/// Return the indices, ascending, of the edges that are bridges of the undirected
/// multigraph on vertices 0..num_vertices-1 (parallel edges are never bridges).
/// Iterative Tarjan (1974): disc(v) is v's DFS discovery time, low(v) the smallest
/// disc reachable from v's DFS subtree by one back edge; tree edge (p, v) is a
/// bridge iff low(v) > disc(p). O(n + m) time, about 48 bytes per vertex and
/// 32 per edge of scratch.
std::vector<int64_t> FindBridges(int64_t num_vertices, std::span<const ScoredPair> edges);

/// When a weak bridge is cut.
struct BridgeOptions {
  /// A bridge is weak when its probability is below this.
  double bridge_threshold = 0.99;
  /// Cut only when both sides keep at least this many records (≥ 1).
  int64_t min_side_size = 2;
};

/// Return the indices, ascending, of the edges to cut under weak-bridge refusal.
///
/// Weak bridges are considered one at a time, weakest first (probability, then
/// weight ascending, then a, b, then edge index), each against the graph left by
/// the cuts so far: a weak bridge is cut when both parts it would leave have at
/// least `min_side_size` records. Cutting a bridge never changes which other edges
/// are bridges (a bridge lies on no cycle), so bridges are found once; sides are
/// measured on the tree of 2-edge-connected components by a search that stops as
/// soon as a side reaches min_side_size, so the cost is O(n + m + w log w +
/// w · min_side_size) for w weak bridges. Deterministic.
///
/// Example: two triangles joined by one pair of probability 0.6 → that pair is cut;
/// joined at probability 0.995 → nothing is cut; a record hanging off a triangle by
/// one weak pair stays unless min_side_size is 1.
std::vector<int64_t> WeakBridgesToSplit(int64_t num_vertices, std::span<const ScoredPair> edges,
                                        const BridgeOptions& options);

}  // namespace vitalink::cluster
