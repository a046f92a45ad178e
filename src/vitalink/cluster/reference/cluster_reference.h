// Naive twins of the cluster stage, for differential tests only: obviously
// correct, quadratic or worse. Never call them from production code.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vitalink/cluster/evaluate.h"
#include "vitalink/cluster/scored_pair.h"

namespace vitalink::cluster::reference {

/// Return components of pairs with probability ≥ threshold by repeated label
/// propagation over an n×n adjacency matrix, labelled by smallest member. O(n³).
std::vector<int64_t> Components(int64_t n, std::span<const ScoredPair> pairs, double threshold);

/// Return the number of components of the graph of `edges` minus those flagged.
int64_t CountComponents(int64_t n, std::span<const ScoredPair> edges,
                        const std::vector<bool>& removed);

/// Return bridge indices by removing each edge and recounting components.
std::vector<int64_t> Bridges(int64_t n, std::span<const ScoredPair> edges);

/// Return the weak-bridge cuts (same rule as WeakBridgesToSplit) by trying the weak
/// edges weakest first, removing each and recounting components and side sizes.
std::vector<int64_t> WeakBridgesToSplit(int64_t n, std::span<const ScoredPair> edges,
                                        double bridge_threshold, int64_t min_side_size);

/// Return greedy one-to-one between two sources at record level: sort by weight
/// descending (ties a, b), take a pair when neither record is taken yet.
std::vector<int64_t> GreedyOneToOne(std::span<const ScoredPair> pairs,
                                    std::span<const int32_t> source, double threshold);

/// Return pairwise metrics by enumerating every pair of records i < j.
PairwiseMetrics PairMetrics(std::span<const int64_t> entity, std::span<const int32_t> source,
                            bool cross_source, std::span<const ScoredPair> pairs,
                            double threshold);

/// Return cluster metrics by enumerating every pair, and B-cubed by counting
/// per record.
ClusterMetrics ClusterMetricsNaive(std::span<const int64_t> entity,
                                   std::span<const int32_t> source, bool cross_source,
                                   std::span<const int64_t> labels);

}  // namespace vitalink::cluster::reference
