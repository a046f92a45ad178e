// Persons from scored pairs: connected components at a threshold, with optional
// one-to-one linking between sources, must-link / cannot-link constraints from
// clerical review, and weak-bridge refusal.
//
//   // Dedupe: every pair with probability ≥ 0.9 joins its records.
//   VL_ASSIGN_OR_RETURN(std::vector<int64_t> labels, ConnectedComponents(n, pairs, 0.9));
//
//   // Link two sources one-to-one, refusing clusters chained by one weak pair.
//   ClusterOptions opts;
//   opts.mode = LinkMode::kLink;
//   opts.one_to_one = true;
//   opts.refuse_weak_bridges = true;
//   VL_ASSIGN_OR_RETURN(Clustering c, Cluster(n, pairs, opts, source_of_record));
//   VL_ASSIGN_OR_RETURN(auto ids, AssignPersonIds(c.labels, key_of_record));
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vitalink/cluster/bridges.h"
#include "vitalink/cluster/scored_pair.h"
#include "vitalink/common/status.h"

namespace vitalink::cluster {

/// Which pairs may join records (the `[link] mode` of the project TOML).
enum class LinkMode {
  kDedupe,         ///< one source (or sources treated alike): every pair counts
  kLink,           ///< only pairs across sources count
  kLinkAndDedupe,  ///< pairs within and across sources count
};

struct ClusterOptions {
  /// A pair is accepted when its score (below) is ≥ threshold.
  double threshold = 0.5;
  ScoreKind score = ScoreKind::kProbability;
  LinkMode mode = LinkMode::kDedupe;

  /// Link modes only: a cluster may hold at most one within-source cluster of each
  /// source. With two sources and no within-source pairs this is one-to-one
  /// linking: each record of A is matched to at most one of B and vice versa.
  /// Greedy, not the optimal assignment: within-source pairs are merged first,
  /// then cross-source pairs by descending weight (ties: smaller a, then smaller
  /// b), each accepted unless its two clusters already hold a common source.
  /// Sources are numbered 0..63.
  bool one_to_one = false;

  /// Cut weak bridges of the accepted graph after everything else (bridges.h).
  /// Must-link pairs count as strong. The bridge threshold is on probability,
  /// whatever `score` is.
  bool refuse_weak_bridges = false;
  BridgeOptions bridges;
};

/// Decisions from clerical review, as record-index pairs.
struct Constraints {
  /// Merged before any scored pair, whatever their scores.
  std::vector<std::pair<int64_t, int64_t>> must_link;
  /// Never in one cluster: a scored pair that would join two clusters holding a
  /// cannot-link pair is skipped (pairs go by descending weight, so the stronger
  /// evidence wins).
  std::vector<std::pair<int64_t, int64_t>> cannot_link;
};

struct Clustering {
  /// Cluster of each record: dense labels 0..num_clusters-1 numbered in order of
  /// each cluster's smallest record index (so identical partitions give identical
  /// labels). Singletons are clusters.
  std::vector<int64_t> labels;
  int64_t num_clusters = 0;
  /// Indices (ascending) into the input pairs of the pairs kept in the final
  /// graph: accepted, not refused by a constraint, not cut as a weak bridge.
  /// Pairs inside an already-joined cluster are kept too.
  std::vector<int64_t> kept_pairs;
  int64_t pairs_above_threshold = 0;   ///< in scope for the mode
  int64_t refused_by_one_to_one = 0;
  int64_t refused_by_cannot_link = 0;
  int64_t weak_bridges_cut = 0;
};

/// Cluster records 0..num_records-1 from scored pairs.
///
/// `source_of_record` (one entry per record, values 0..63 when one_to_one) is
/// needed for the link modes and ignored in kDedupe. Steps: must-links are merged;
/// pairs at or above the threshold (only cross-source ones in kLink) are merged,
/// in descending-weight order when one_to_one or cannot-links make order matter;
/// weak bridges are cut; labels are assigned. Deterministic: the result depends
/// only on the inputs, not on pair order except through the stated tie-breaks.
///
/// Return InvalidArgument for a malformed pair (ValidatePairs), a missing or
/// mis-sized `source_of_record`, a source outside 0..63 with one_to_one, a
/// constraint outside 0..num_records-1 or pairing a record with itself, or
/// must-links that join a cannot-link pair.
/// Cost: O(n α(n) + m) plain, plus O(m log m) for the ordered modes and O(n + m)
/// for weak-bridge refusal. Memory: about 24 bytes per record and, with bridge
/// refusal, 80 bytes per kept pair.
Result<Clustering> Cluster(int64_t num_records, std::span<const ScoredPair> pairs,
                           const ClusterOptions& options,
                           std::span<const int32_t> source_of_record = {},
                           const Constraints& constraints = {});

/// Return the connected components of the graph of pairs whose probability is
/// ≥ threshold, as dense labels numbered by smallest member (see Clustering).
/// Same as Cluster with default options at that threshold. O(n α(n) + m).
Result<std::vector<int64_t>> ConnectedComponents(int64_t num_records,
                                                 std::span<const ScoredPair> pairs,
                                                 double threshold);

// ---------------------------------------------------------------------------
// Stable person ids.

/// Return the key that orders records for person ids: the source name and the
/// record's id within its source joined by U+001F (unit separator), so byte order
/// of keys is (source, id) order for names without control characters.
std::string MemberKey(std::string_view source_name, std::string_view record_id);

/// Return the person id for a cluster whose smallest member key is `key`: "P"
/// followed by 16 lower-case hex digits of XXH64(key, seed 0).
std::string PersonIdFromKey(std::string_view key);

/// Return a person id per record, derived from its cluster's members only.
///
/// Choice: a cluster's id is PersonIdFromKey of the smallest member_key(record)
/// among its members. It is therefore unchanged when unrelated records or
/// clusters are added, and when the cluster gains members with larger keys; it
/// changes only when the member with the smallest key leaves or a smaller one
/// joins. Hashing (rather than showing the key) keeps ids fixed-width and keeps
/// source record ids — possibly citizen ID numbers — out of outputs.
/// Should two clusters get the same id (duplicate keys, or a 64-bit collision, ~n²/2⁶⁵),
/// the cluster with the smallest record index keeps it and the others get
/// "-2", "-3", … in order of their smallest record index.
///
/// `labels` are cluster labels in 0..labels.size()-1 (any such labelling, e.g.
/// Clustering::labels); `member_key` is called once per record, from this thread.
/// Return InvalidArgument for a label outside that range. O(n) plus the key calls.
Result<std::vector<std::string>> AssignPersonIds(
    std::span<const int64_t> labels, const std::function<std::string(int64_t)>& member_key);

}  // namespace vitalink::cluster
