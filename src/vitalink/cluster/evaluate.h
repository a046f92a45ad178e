// Accuracy of linkage against truth: pairwise precision/recall/F1 of scored
// pairs (at one threshold, or as a table over thresholds), of the pairs implied
// by clusters, B-cubed precision/recall/F1 of clusters (Bagga & Baldwin 1998),
// and the recall ceiling left by blocking.
//
//   VL_ASSIGN_OR_RETURN(Truth truth, Truth::Make(entity_of_record, source_of_record,
//                                                PairScope::kCrossSource));
//   VL_ASSIGN_OR_RETURN(PairwiseMetrics m, EvaluatePairs(truth, pairs, 0.9));
//   VL_ASSIGN_OR_RETURN(auto table, PrecisionRecallTable(truth, pairs,
//                                                        DefaultProbabilityThresholds()));
//   VL_ASSIGN_OR_RETURN(ClusterMetrics cm, EvaluateClusters(truth, clustering.labels));
//
// Records without truth (kNoEntity, or "" for string ids) are left out: pairs
// touching them count neither for nor against, and they are not in B-cubed.
// True pairs are the unordered pairs of labelled records sharing an entity and in
// scope: all of them for dedupe and link-and-dedupe, only those across sources
// for link. Metrics with an empty denominator are 1.0 (nothing claimed, nothing
// wrong), so an empty prediction has precision 1, recall 0 and F1 0.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "vitalink/cluster/scored_pair.h"
#include "vitalink/common/status.h"

namespace vitalink::cluster {

/// Entity of a record without truth (equal to table's kNullInt).
inline constexpr int64_t kNoEntity = std::numeric_limits<int64_t>::min();

/// Which record pairs can be matches.
enum class PairScope {
  kAllPairs,     ///< dedupe, link-and-dedupe
  kCrossSource,  ///< link: pairs within one source are out of scope
};

/// The true entity of each record, with the combinatorial count of true pairs.
/// Immutable after Make; safe to share between threads.
class Truth {
 public:
  /// Take entity[r] (kNoEntity: unknown) and, for kCrossSource, source[r] for every
  /// record. Return InvalidArgument if kCrossSource and source.size() differs from
  /// entity.size(). O(n log n): the true pairs are counted per entity as
  /// C(n_e, 2) (minus Σ_s C(n_es, 2) for kCrossSource), never enumerated.
  static Result<Truth> Make(std::vector<int64_t> entity, std::vector<int32_t> source = {},
                            PairScope scope = PairScope::kAllPairs);
  /// As Make, with string entity ids ("" = unknown), numbered by first appearance.
  static Result<Truth> FromStrings(std::span<const std::string> entity,
                                   std::vector<int32_t> source = {},
                                   PairScope scope = PairScope::kAllPairs);

  int64_t num_records() const { return static_cast<int64_t>(entity_.size()); }
  /// Return the number of records with truth.
  int64_t num_labelled() const { return num_labelled_; }
  /// Return the number of true pairs in scope.
  int64_t num_true_pairs() const { return num_true_pairs_; }
  PairScope scope() const { return scope_; }
  const std::vector<int64_t>& entity() const { return entity_; }
  /// Empty unless the scope is kCrossSource.
  const std::vector<int32_t>& source() const { return source_; }

  /// Return whether the pair counts at all: both records labelled and, for
  /// kCrossSource, from different sources. Indices must be in range.
  bool Counts(int64_t a, int64_t b) const {
    const int64_t ea = entity_[static_cast<size_t>(a)];
    const int64_t eb = entity_[static_cast<size_t>(b)];
    if (ea == kNoEntity || eb == kNoEntity) return false;
    return scope_ == PairScope::kAllPairs ||
           source_[static_cast<size_t>(a)] != source_[static_cast<size_t>(b)];
  }
  /// Return whether the records share an entity (meaningful when Counts).
  bool SameEntity(int64_t a, int64_t b) const {
    return entity_[static_cast<size_t>(a)] == entity_[static_cast<size_t>(b)];
  }

 private:
  Truth(std::vector<int64_t> entity, std::vector<int32_t> source, PairScope scope)
      : entity_(std::move(entity)), source_(std::move(source)), scope_(scope) {}

  std::vector<int64_t> entity_;
  std::vector<int32_t> source_;
  PairScope scope_ = PairScope::kAllPairs;
  int64_t num_labelled_ = 0;
  int64_t num_true_pairs_ = 0;
};

struct PairwiseMetrics {
  int64_t true_positives = 0;
  int64_t false_positives = 0;
  int64_t false_negatives = 0;
  double precision = 1.0;
  double recall = 1.0;
  double f1 = 1.0;
};

/// Return metrics from the three counts (empty denominators give 1.0; F1 is 0
/// when precision + recall is 0).
PairwiseMetrics MetricsFromCounts(int64_t true_positives, int64_t false_positives,
                                  int64_t false_negatives);

/// Return pairwise metrics of the pairs whose score is ≥ threshold. Pairs must be
/// distinct (the link stage generates each once); pairs that do not Count are
/// ignored. Return InvalidArgument for indices outside the truth's records. O(m).
Result<PairwiseMetrics> EvaluatePairs(const Truth& truth, std::span<const ScoredPair> pairs,
                                      double threshold,
                                      ScoreKind score = ScoreKind::kProbability);

struct ThresholdRow {
  double threshold = 0.0;
  int64_t predicted = 0;  ///< counted pairs with score ≥ threshold
  PairwiseMetrics metrics;
};

/// Return one row per threshold (ascending, duplicates kept), each equal to
/// EvaluatePairs at that threshold. One pass over the pairs: each pair is added to
/// the bucket of the largest threshold it clears (binary search), and a suffix sum
/// over buckets gives the counts — the cumulative walk of a score-sorted list,
/// without sorting the m pairs. O(m log t + t).
Result<std::vector<ThresholdRow>> PrecisionRecallTable(const Truth& truth,
                                                       std::span<const ScoredPair> pairs,
                                                       std::span<const double> thresholds,
                                                       ScoreKind score = ScoreKind::kProbability);

/// Return 0.05, 0.10, …, 0.95, 0.99.
std::vector<double> DefaultProbabilityThresholds();

struct ClusterMetrics {
  /// The pairs implied by the clusters (in scope, both records labelled) against
  /// the true pairs.
  PairwiseMetrics pairwise;
  /// B-cubed over labelled records r, with C(r) its cluster and E(r) its entity,
  /// both restricted to labelled records: precision = mean |C∩E| / |C|, recall =
  /// mean |C∩E| / |E|, F1 their harmonic mean (Bagga & Baldwin 1998).
  double bcubed_precision = 1.0;
  double bcubed_recall = 1.0;
  double bcubed_f1 = 1.0;
  int64_t num_clusters = 0;  ///< clusters with at least one labelled record
  int64_t num_entities = 0;
};

/// Return cluster metrics of a labelling (one label per record, any int64 values).
/// Return InvalidArgument if labels.size() != truth.num_records(). O(n log n) via
/// the cluster × entity (× source) contingency table.
Result<ClusterMetrics> EvaluateClusters(const Truth& truth, std::span<const int64_t> labels);

struct BlockingRecall {
  int64_t true_pairs = 0;            ///< all true pairs in scope
  int64_t true_pairs_generated = 0;  ///< distinct true pairs among the candidates
  int64_t true_pairs_missed = 0;     ///< never generated: no threshold can find them
  double recall_ceiling = 1.0;       ///< generated / true_pairs
};

/// Return how many true pairs the candidate set (before any threshold) contains.
/// Duplicate candidates are counted once. Return InvalidArgument for indices
/// outside the truth's records. O(m + g log g) for g true candidates.
Result<BlockingRecall> EvaluateCandidates(const Truth& truth,
                                          std::span<const ScoredPair> candidates);

}  // namespace vitalink::cluster
