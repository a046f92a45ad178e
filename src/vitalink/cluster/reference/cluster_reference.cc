#include "vitalink/cluster/reference/cluster_reference.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

namespace vitalink::cluster::reference {

namespace {

inline size_t Idx(int64_t i) { return static_cast<size_t>(i); }

// Component id (smallest member) of each vertex, by BFS over an edge scan.
std::vector<int64_t> ComponentOf(int64_t n, std::span<const ScoredPair> edges,
                                 const std::vector<bool>& removed) {
  std::vector<int64_t> comp(Idx(n), -1);
  for (int64_t start = 0; start < n; ++start) {
    if (comp[Idx(start)] >= 0) continue;
    comp[Idx(start)] = start;
    std::vector<int64_t> frontier = {start};
    while (!frontier.empty()) {
      const int64_t v = frontier.back();
      frontier.pop_back();
      for (size_t e = 0; e < edges.size(); ++e) {
        if (removed[e]) continue;
        int64_t w = -1;
        if (edges[e].a == v) w = edges[e].b;
        if (edges[e].b == v) w = edges[e].a;
        if (w >= 0 && comp[Idx(w)] < 0) {
          comp[Idx(w)] = start;
          frontier.push_back(w);
        }
      }
    }
  }
  return comp;
}

}  // namespace

std::vector<int64_t> Components(int64_t n, std::span<const ScoredPair> pairs, double threshold) {
  std::vector<std::vector<char>> adj(Idx(n), std::vector<char>(Idx(n), 0));
  for (const ScoredPair& p : pairs) {
    if (p.probability >= threshold) adj[Idx(p.a)][Idx(p.b)] = adj[Idx(p.b)][Idx(p.a)] = 1;
  }
  // Each record takes the smallest id among itself and its neighbours until stable.
  std::vector<int64_t> root(Idx(n));
  for (int64_t i = 0; i < n; ++i) root[Idx(i)] = i;
  for (bool changed = true; changed;) {
    changed = false;
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        if (adj[Idx(i)][Idx(j)] && root[Idx(j)] < root[Idx(i)]) {
          root[Idx(i)] = root[Idx(j)];
          changed = true;
        }
      }
    }
  }
  // Densify in order of smallest member.
  std::vector<int64_t> dense(Idx(n), -1);
  std::vector<int64_t> labels(Idx(n));
  int64_t next = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (dense[Idx(root[Idx(i)])] < 0) dense[Idx(root[Idx(i)])] = next++;
    labels[Idx(i)] = dense[Idx(root[Idx(i)])];
  }
  return labels;
}

int64_t CountComponents(int64_t n, std::span<const ScoredPair> edges,
                        const std::vector<bool>& removed) {
  const std::vector<int64_t> comp = ComponentOf(n, edges, removed);
  return static_cast<int64_t>(std::set<int64_t>(comp.begin(), comp.end()).size());
}

std::vector<int64_t> Bridges(int64_t n, std::span<const ScoredPair> edges) {
  std::vector<bool> removed(edges.size(), false);
  const int64_t base = CountComponents(n, edges, removed);
  std::vector<int64_t> out;
  for (size_t e = 0; e < edges.size(); ++e) {
    removed[e] = true;
    if (CountComponents(n, edges, removed) > base) out.push_back(static_cast<int64_t>(e));
    removed[e] = false;
  }
  return out;
}

std::vector<int64_t> WeakBridgesToSplit(int64_t n, std::span<const ScoredPair> edges,
                                        double bridge_threshold, int64_t min_side_size) {
  std::vector<size_t> order;
  for (size_t e = 0; e < edges.size(); ++e) {
    if (edges[e].probability < bridge_threshold) order.push_back(e);
  }
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const ScoredPair& p = edges[x];
    const ScoredPair& q = edges[y];
    return std::make_tuple(p.probability, p.weight, std::min(p.a, p.b), std::max(p.a, p.b), x) <
           std::make_tuple(q.probability, q.weight, std::min(q.a, q.b), std::max(q.a, q.b), y);
  });
  std::vector<bool> removed(edges.size(), false);
  std::vector<int64_t> cut;
  for (const size_t e : order) {
    const int64_t before = CountComponents(n, edges, removed);
    removed[e] = true;
    const std::vector<int64_t> comp = ComponentOf(n, edges, removed);
    const int64_t after = static_cast<int64_t>(std::set<int64_t>(comp.begin(), comp.end()).size());
    const auto side = [&](int64_t v) {
      return std::count(comp.begin(), comp.end(), comp[Idx(v)]);
    };
    if (after > before && side(edges[e].a) >= min_side_size && side(edges[e].b) >= min_side_size) {
      cut.push_back(static_cast<int64_t>(e));
    } else {
      removed[e] = false;
    }
  }
  std::sort(cut.begin(), cut.end());
  return cut;
}

std::vector<int64_t> GreedyOneToOne(std::span<const ScoredPair> pairs,
                                    std::span<const int32_t> source, double threshold) {
  std::vector<size_t> order;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (pairs[i].probability >= threshold && source[Idx(pairs[i].a)] != source[Idx(pairs[i].b)]) {
      order.push_back(i);
    }
  }
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const ScoredPair& p = pairs[x];
    const ScoredPair& q = pairs[y];
    return std::make_tuple(-p.weight, std::min(p.a, p.b), std::max(p.a, p.b), x) <
           std::make_tuple(-q.weight, std::min(q.a, q.b), std::max(q.a, q.b), y);
  });
  std::set<int64_t> taken;
  std::vector<int64_t> out;
  for (const size_t i : order) {
    if (taken.count(pairs[i].a) || taken.count(pairs[i].b)) continue;
    taken.insert(pairs[i].a);
    taken.insert(pairs[i].b);
    out.push_back(static_cast<int64_t>(i));
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

bool InScope(std::span<const int64_t> entity, std::span<const int32_t> source, bool cross,
             size_t i, size_t j) {
  if (entity[i] == kNoEntity || entity[j] == kNoEntity) return false;
  return !cross || source[i] != source[j];
}

}  // namespace

PairwiseMetrics PairMetrics(std::span<const int64_t> entity, std::span<const int32_t> source,
                            bool cross_source, std::span<const ScoredPair> pairs,
                            double threshold) {
  std::set<std::pair<int64_t, int64_t>> predicted;
  for (const ScoredPair& p : pairs) {
    if (p.probability >= threshold) predicted.emplace(std::min(p.a, p.b), std::max(p.a, p.b));
  }
  int64_t tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < entity.size(); ++i) {
    for (size_t j = i + 1; j < entity.size(); ++j) {
      if (!InScope(entity, source, cross_source, i, j)) continue;
      const bool is_true = entity[i] == entity[j];
      const bool is_predicted =
          predicted.count({static_cast<int64_t>(i), static_cast<int64_t>(j)}) > 0;
      tp += is_true && is_predicted;
      fp += !is_true && is_predicted;
      fn += is_true && !is_predicted;
    }
  }
  return MetricsFromCounts(tp, fp, fn);
}

ClusterMetrics ClusterMetricsNaive(std::span<const int64_t> entity,
                                   std::span<const int32_t> source, bool cross_source,
                                   std::span<const int64_t> labels) {
  ClusterMetrics out;
  int64_t tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < entity.size(); ++i) {
    for (size_t j = i + 1; j < entity.size(); ++j) {
      if (!InScope(entity, source, cross_source, i, j)) continue;
      const bool is_true = entity[i] == entity[j];
      const bool is_predicted = labels[i] == labels[j];
      tp += is_true && is_predicted;
      fp += !is_true && is_predicted;
      fn += is_true && !is_predicted;
    }
  }
  out.pairwise = MetricsFromCounts(tp, fp, fn);
  double p_sum = 0.0, r_sum = 0.0;
  int64_t labelled = 0;
  std::set<int64_t> clusters, entities;
  for (size_t i = 0; i < entity.size(); ++i) {
    if (entity[i] == kNoEntity) continue;
    ++labelled;
    clusters.insert(labels[i]);
    entities.insert(entity[i]);
    int64_t in_cluster = 0, in_entity = 0, both = 0;
    for (size_t j = 0; j < entity.size(); ++j) {
      if (entity[j] == kNoEntity) continue;
      in_cluster += labels[j] == labels[i];
      in_entity += entity[j] == entity[i];
      both += labels[j] == labels[i] && entity[j] == entity[i];
    }
    p_sum += static_cast<double>(both) / static_cast<double>(in_cluster);
    r_sum += static_cast<double>(both) / static_cast<double>(in_entity);
  }
  if (labelled > 0) {
    out.bcubed_precision = p_sum / static_cast<double>(labelled);
    out.bcubed_recall = r_sum / static_cast<double>(labelled);
  }
  const double p = out.bcubed_precision, r = out.bcubed_recall;
  out.bcubed_f1 = p + r == 0.0 ? 0.0 : 2 * p * r / (p + r);
  out.num_clusters = static_cast<int64_t>(clusters.size());
  out.num_entities = static_cast<int64_t>(entities.size());
  return out;
}

}  // namespace vitalink::cluster::reference
