#include "vitalink/cluster/clustering.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "vitalink/cluster/union_find.h"

namespace vitalink::cluster {

namespace {

inline size_t Idx(int64_t i) { return static_cast<size_t>(i); }

constexpr int32_t kMaxOneToOneSources = 64;

// Cannot-link partners per cluster root, merged small-to-large, so checking a
// merge costs O(min(partners) · α) and all merges O(c log c) for c constraints.
class CannotLinkIndex {
 public:
  explicit CannotLinkIndex(std::span<const std::pair<int64_t, int64_t>> cannot_link) {
    for (const auto& [x, y] : cannot_link) {
      partners_[x].push_back(y);
      partners_[y].push_back(x);
    }
  }

  bool empty() const { return partners_.empty(); }

  // Return whether joining the clusters rooted at ra and rb would put a
  // cannot-link pair in one cluster.
  bool Conflict(UnionFind& uf, int64_t ra, int64_t rb) const {
    const auto ia = partners_.find(ra);
    const auto ib = partners_.find(rb);
    if (ia == partners_.end() || ib == partners_.end()) return false;
    const bool a_smaller = ia->second.size() <= ib->second.size();
    const std::vector<int64_t>& scan = a_smaller ? ia->second : ib->second;
    const int64_t other = a_smaller ? rb : ra;
    return std::any_of(scan.begin(), scan.end(), [&](int64_t p) { return uf.Find(p) == other; });
  }

  // Move the partner lists of old roots ra and rb under new root r.
  void Merge(int64_t ra, int64_t rb, int64_t r) {
    auto ia = partners_.find(ra);
    auto ib = partners_.find(rb);
    if (ia == partners_.end() && ib == partners_.end()) return;
    std::vector<int64_t> merged;
    if (ia == partners_.end()) {
      merged = std::move(ib->second);
    } else if (ib == partners_.end()) {
      merged = std::move(ia->second);
    } else {
      if (ia->second.size() < ib->second.size()) std::swap(ia, ib);
      merged = std::move(ia->second);
      merged.insert(merged.end(), ib->second.begin(), ib->second.end());
    }
    partners_.erase(ra);
    partners_.erase(rb);
    partners_[r] = std::move(merged);
  }

 private:
  std::unordered_map<int64_t, std::vector<int64_t>> partners_;
};

enum class JoinOutcome { kJoined, kAlreadyJoined, kCannotLink, kOneToOne };

// Union–find plus the two merge vetoes.
class Merger {
 public:
  Merger(int64_t n, std::span<const std::pair<int64_t, int64_t>> cannot_link)
      : uf_(n), cannot_(cannot_link) {}

  UnionFind& uf() { return uf_; }

  // Start vetoing merges of clusters that share a source: mask_[root] is the set
  // of sources present in root's cluster.
  void EnableSourceMasks(std::span<const int32_t> source_of_record) {
    mask_.assign(Idx(uf_.size()), 0);
    for (int64_t r = 0; r < uf_.size(); ++r) {
      mask_[Idx(uf_.Find(r))] |= uint64_t{1} << source_of_record[Idx(r)];
    }
  }

  JoinOutcome Join(int64_t a, int64_t b) {
    const int64_t ra = uf_.Find(a);
    const int64_t rb = uf_.Find(b);
    if (ra == rb) return JoinOutcome::kAlreadyJoined;
    if (!cannot_.empty() && cannot_.Conflict(uf_, ra, rb)) return JoinOutcome::kCannotLink;
    if (!mask_.empty() && (mask_[Idx(ra)] & mask_[Idx(rb)]) != 0) return JoinOutcome::kOneToOne;
    uf_.Union(ra, rb);
    const int64_t r = uf_.Find(ra);
    if (!mask_.empty()) mask_[Idx(r)] = mask_[Idx(ra)] | mask_[Idx(rb)];
    if (!cannot_.empty()) cannot_.Merge(ra, rb, r);
    return JoinOutcome::kJoined;
  }

 private:
  UnionFind uf_;
  CannotLinkIndex cannot_;
  std::vector<uint64_t> mask_;
};

Status ValidateConstraintPairs(int64_t n, std::span<const std::pair<int64_t, int64_t>> list,
                               std::string_view what) {
  for (const auto& [x, y] : list) {
    if (x < 0 || x >= n || y < 0 || y >= n || x == y) {
      return Status::InvalidArgument(std::string(what) + " pair (" + std::to_string(x) + ", " +
                                     std::to_string(y) + "): need two distinct records in 0.." +
                                     std::to_string(n - 1));
    }
  }
  return Status::OK();
}

Status ValidateOptions(int64_t n, const ClusterOptions& options,
                       std::span<const int32_t> source_of_record) {
  if (options.bridges.min_side_size < 1) {
    return Status::InvalidArgument("bridges.min_side_size must be at least 1");
  }
  if (options.mode == LinkMode::kDedupe) {
    if (options.one_to_one) {
      return Status::InvalidArgument("one_to_one needs mode link or link_and_dedupe");
    }
    return Status::OK();
  }
  if (static_cast<int64_t>(source_of_record.size()) != n) {
    return Status::InvalidArgument("link modes need a source per record: got " +
                                   std::to_string(source_of_record.size()) + " for " +
                                   std::to_string(n) + " records");
  }
  if (options.one_to_one) {
    for (const int32_t s : source_of_record) {
      if (s < 0 || s >= kMaxOneToOneSources) {
        return Status::InvalidArgument("one_to_one supports sources 0..63, got " +
                                       std::to_string(s));
      }
    }
  }
  return Status::OK();
}

}  // namespace

Result<Clustering> Cluster(int64_t num_records, std::span<const ScoredPair> pairs,
                           const ClusterOptions& options,
                           std::span<const int32_t> source_of_record,
                           const Constraints& constraints) {
  VL_RETURN_IF_ERROR(ValidatePairs(num_records, pairs));
  VL_RETURN_IF_ERROR(ValidateOptions(num_records, options, source_of_record));
  VL_RETURN_IF_ERROR(ValidateConstraintPairs(num_records, constraints.must_link, "must-link"));
  VL_RETURN_IF_ERROR(
      ValidateConstraintPairs(num_records, constraints.cannot_link, "cannot-link"));

  const auto same_source = [&](const ScoredPair& p) {
    return source_of_record[Idx(p.a)] == source_of_record[Idx(p.b)];
  };

  Clustering out;
  Merger merger(num_records, constraints.cannot_link);
  for (const auto& [x, y] : constraints.must_link) {
    if (merger.Join(x, y) == JoinOutcome::kCannotLink) {
      return Status::InvalidArgument("must-link pair (" + std::to_string(x) + ", " +
                                     std::to_string(y) +
                                     ") joins records that have a cannot-link pair");
    }
  }

  std::vector<int64_t> accepted;
  for (size_t pair_idx = 0; pair_idx < pairs.size(); ++pair_idx) {
    const ScoredPair& p = pairs[pair_idx];
    if (!(ScoreOf(p, options.score) >= options.threshold)) continue;
    if (options.mode == LinkMode::kLink && same_source(p)) continue;
    accepted.push_back(static_cast<int64_t>(pair_idx));
  }
  out.pairs_above_threshold = static_cast<int64_t>(accepted.size());

  // Without vetoes every order gives the same components; with them, stronger
  // evidence goes first and ties break on (a, b) so the result is reproducible.
  const bool ordered = options.one_to_one || !constraints.cannot_link.empty();
  if (ordered) {
    // Sort compact copies of the keys rather than indices into `pairs`, so the
    // comparisons stay in cache.
    struct Order {
      double neg_weight;
      int64_t a, b, pair_idx;
    };
    std::vector<Order> order;
    order.reserve(accepted.size());
    for (const int64_t i : accepted) {
      const ScoredPair& p = pairs[Idx(i)];
      order.push_back({-p.weight, std::min(p.a, p.b), std::max(p.a, p.b), i});
    }
    std::sort(order.begin(), order.end(), [](const Order& x, const Order& y) {
      return std::tie(x.neg_weight, x.a, x.b, x.pair_idx) <
             std::tie(y.neg_weight, y.a, y.b, y.pair_idx);
    });
    for (size_t k = 0; k < order.size(); ++k) accepted[k] = order[k].pair_idx;
  }

  out.kept_pairs.reserve(accepted.size());
  const auto join_all = [&](bool within_source_phase) {
    for (const int64_t pair_idx : accepted) {
      const ScoredPair& p = pairs[Idx(pair_idx)];
      if (options.one_to_one && same_source(p) != within_source_phase) continue;
      switch (merger.Join(p.a, p.b)) {
        case JoinOutcome::kJoined:
        case JoinOutcome::kAlreadyJoined:
          out.kept_pairs.push_back(pair_idx);
          break;
        case JoinOutcome::kCannotLink:
          ++out.refused_by_cannot_link;
          break;
        case JoinOutcome::kOneToOne:
          ++out.refused_by_one_to_one;
          break;
      }
    }
  };
  if (options.one_to_one) {
    // Dedupe each source first, then let each deduplicated cluster take at most
    // one partner cluster per other source.
    join_all(/*within_source_phase=*/true);
    merger.EnableSourceMasks(source_of_record);
    join_all(/*within_source_phase=*/false);
  } else {
    join_all(/*within_source_phase=*/false);
  }
  if (ordered) std::sort(out.kept_pairs.begin(), out.kept_pairs.end());

  if (!options.refuse_weak_bridges) {
    out.labels = merger.uf().Labels();
  } else {
    std::vector<ScoredPair> graph;
    graph.reserve(out.kept_pairs.size() + constraints.must_link.size());
    for (const int64_t pair_idx : out.kept_pairs) graph.push_back(pairs[Idx(pair_idx)]);
    // Human decisions are never weak, whatever the bridge threshold.
    constexpr double kInf = std::numeric_limits<double>::infinity();
    for (const auto& [x, y] : constraints.must_link) graph.push_back({x, y, kInf, kInf});
    const std::vector<int64_t> cut = WeakBridgesToSplit(num_records, graph, options.bridges);
    out.weak_bridges_cut = static_cast<int64_t>(cut.size());
    std::vector<char> is_cut(graph.size(), 0);
    for (const int64_t edge_idx : cut) is_cut[Idx(edge_idx)] = 1;
    UnionFind split(num_records);
    std::vector<int64_t> still_kept;
    still_kept.reserve(out.kept_pairs.size());
    for (size_t edge_idx = 0; edge_idx < graph.size(); ++edge_idx) {
      if (is_cut[edge_idx]) continue;
      split.Union(graph[edge_idx].a, graph[edge_idx].b);
      if (edge_idx < out.kept_pairs.size()) still_kept.push_back(out.kept_pairs[edge_idx]);
    }
    out.kept_pairs = std::move(still_kept);
    out.labels = split.Labels();
  }
  out.num_clusters =
      out.labels.empty() ? 0 : *std::max_element(out.labels.begin(), out.labels.end()) + 1;
  return out;
}

Result<std::vector<int64_t>> ConnectedComponents(int64_t num_records,
                                                 std::span<const ScoredPair> pairs,
                                                 double threshold) {
  ClusterOptions options;
  options.threshold = threshold;
  VL_ASSIGN_OR_RETURN(Clustering c, Cluster(num_records, pairs, options));
  return std::move(c.labels);
}

std::string MemberKey(std::string_view source_name, std::string_view record_id) {
  std::string key;
  key.reserve(source_name.size() + 1 + record_id.size());
  key.append(source_name);
  key.push_back('\x1f');
  key.append(record_id);
  return key;
}

namespace {

uint64_t PersonHash(std::string_view key) { return XXH64(key.data(), key.size(), /*seed=*/0); }

std::string PersonIdFromHash(uint64_t h) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "P%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 17);
}

}  // namespace

std::string PersonIdFromKey(std::string_view key) { return PersonIdFromHash(PersonHash(key)); }

Result<std::vector<std::string>> AssignPersonIds(
    std::span<const int64_t> labels, const std::function<std::string(int64_t)>& member_key) {
  const int64_t n = static_cast<int64_t>(labels.size());
  for (int64_t r = 0; r < n; ++r) {
    const int64_t label = labels[Idx(r)];
    if (label < 0 || label >= n) {
      return Status::InvalidArgument("record " + std::to_string(r) + " has cluster label " +
                                     std::to_string(label) + " outside 0.." +
                                     std::to_string(n - 1));
    }
  }
  std::vector<int64_t> first_record(Idx(n), -1);
  std::vector<std::string> smallest_key(Idx(n));
  for (int64_t r = 0; r < n; ++r) {
    const size_t label = Idx(labels[Idx(r)]);
    std::string key = member_key(r);
    if (first_record[label] < 0) {
      first_record[label] = r;
      smallest_key[label] = std::move(key);
    } else if (key < smallest_key[label]) {
      smallest_key[label] = std::move(key);
    }
  }
  // Clusters sharing a hash get suffixes in order of their smallest record index:
  // sort (hash, smallest record) once instead of probing a hash map per cluster.
  struct Named {
    uint64_t hash;
    int64_t first_record;
  };
  std::vector<Named> named;
  for (int64_t label = 0; label < n; ++label) {
    if (first_record[Idx(label)] < 0) continue;
    named.push_back({PersonHash(smallest_key[Idx(label)]), first_record[Idx(label)]});
  }
  std::sort(named.begin(), named.end(), [](const Named& x, const Named& y) {
    return std::tie(x.hash, x.first_record) < std::tie(y.hash, y.first_record);
  });
  std::vector<std::string> id_of_label(Idx(n));
  for (size_t i = 0, run = 1; i < named.size(); ++i) {
    run = i > 0 && named[i].hash == named[i - 1].hash ? run + 1 : 1;
    std::string id = PersonIdFromHash(named[i].hash);
    if (run > 1) id += "-" + std::to_string(run);
    id_of_label[Idx(labels[Idx(named[i].first_record)])] = std::move(id);
  }
  std::vector<std::string> ids(Idx(n));
  for (int64_t r = 0; r < n; ++r) ids[Idx(r)] = id_of_label[Idx(labels[Idx(r)])];
  return ids;
}

}  // namespace vitalink::cluster
