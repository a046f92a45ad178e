#include "vitalink/cluster/evaluate.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace vitalink::cluster {

namespace {

inline size_t Idx(int64_t i) { return static_cast<size_t>(i); }

inline int64_t Choose2(int64_t k) { return k * (k - 1) / 2; }

double Ratio(int64_t num, int64_t den) {
  return den == 0 ? 1.0 : static_cast<double>(num) / static_cast<double>(den);
}

double HarmonicMean(double p, double r) { return p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r); }

// Number of in-scope pairs among the records of one group, given the group's
// records sorted so that equal sources are adjacent: C(n, 2), minus the pairs
// within one source when only cross-source pairs count.
template <typename SourceAt>
int64_t GroupPairs(int64_t begin, int64_t end, bool cross_source, SourceAt source_at) {
  int64_t pairs = Choose2(end - begin);
  if (!cross_source) return pairs;
  int64_t run_begin = begin;
  for (int64_t i = begin + 1; i <= end; ++i) {
    if (i == end || source_at(i) != source_at(run_begin)) {
      pairs -= Choose2(i - run_begin);
      run_begin = i;
    }
  }
  return pairs;
}

Status CheckPairsAgainstTruth(const Truth& truth, std::span<const ScoredPair> pairs) {
  return ValidatePairs(truth.num_records(), pairs);
}

}  // namespace

Result<Truth> Truth::Make(std::vector<int64_t> entity, std::vector<int32_t> source,
                          PairScope scope) {
  const bool cross = scope == PairScope::kCrossSource;
  if (cross && source.size() != entity.size()) {
    return Status::InvalidArgument("cross-source truth needs a source per record: got " +
                                   std::to_string(source.size()) + " for " +
                                   std::to_string(entity.size()) + " records");
  }
  if (!cross) source.clear();
  Truth truth(std::move(entity), std::move(source), scope);

  std::vector<std::pair<int64_t, int32_t>> keys;
  keys.reserve(truth.entity_.size());
  for (size_t r = 0; r < truth.entity_.size(); ++r) {
    if (truth.entity_[r] == kNoEntity) continue;
    keys.emplace_back(truth.entity_[r], cross ? truth.source_[r] : 0);
  }
  std::sort(keys.begin(), keys.end());
  truth.num_labelled_ = static_cast<int64_t>(keys.size());
  const int64_t num_keys = static_cast<int64_t>(keys.size());
  int64_t begin = 0;
  for (int64_t i = 1; i <= num_keys; ++i) {
    if (i < num_keys && keys[Idx(i)].first == keys[Idx(begin)].first) continue;
    truth.num_true_pairs_ +=
        GroupPairs(begin, i, cross, [&](int64_t k) { return keys[Idx(k)].second; });
    begin = i;
  }
  return truth;
}

Result<Truth> Truth::FromStrings(std::span<const std::string> entity, std::vector<int32_t> source,
                                 PairScope scope) {
  std::unordered_map<std::string, int64_t> number;
  std::vector<int64_t> ids;
  ids.reserve(entity.size());
  for (const std::string& e : entity) {
    if (e.empty()) {
      ids.push_back(kNoEntity);
      continue;
    }
    const auto [it, inserted] = number.try_emplace(e, static_cast<int64_t>(number.size()));
    ids.push_back(it->second);
  }
  return Make(std::move(ids), std::move(source), scope);
}

PairwiseMetrics MetricsFromCounts(int64_t true_positives, int64_t false_positives,
                                  int64_t false_negatives) {
  PairwiseMetrics m;
  m.true_positives = true_positives;
  m.false_positives = false_positives;
  m.false_negatives = false_negatives;
  m.precision = Ratio(true_positives, true_positives + false_positives);
  m.recall = Ratio(true_positives, true_positives + false_negatives);
  m.f1 = HarmonicMean(m.precision, m.recall);
  return m;
}

Result<PairwiseMetrics> EvaluatePairs(const Truth& truth, std::span<const ScoredPair> pairs,
                                      double threshold, ScoreKind score) {
  VL_ASSIGN_OR_RETURN(std::vector<ThresholdRow> rows,
                      PrecisionRecallTable(truth, pairs, std::span(&threshold, 1), score));
  return rows.front().metrics;
}

Result<std::vector<ThresholdRow>> PrecisionRecallTable(const Truth& truth,
                                                       std::span<const ScoredPair> pairs,
                                                       std::span<const double> thresholds,
                                                       ScoreKind score) {
  VL_RETURN_IF_ERROR(CheckPairsAgainstTruth(truth, pairs));
  std::vector<double> sorted(thresholds.begin(), thresholds.end());
  if (std::any_of(sorted.begin(), sorted.end(), [](double t) { return std::isnan(t); })) {
    return Status::InvalidArgument("a threshold is NaN");
  }
  std::sort(sorted.begin(), sorted.end());
  const size_t num_thresholds = sorted.size();
  // bucket k holds pairs that clear sorted[k] but not sorted[k + 1].
  std::vector<int64_t> bucket_tp(num_thresholds, 0);
  std::vector<int64_t> bucket_fp(num_thresholds, 0);
  for (const ScoredPair& p : pairs) {
    if (!truth.Counts(p.a, p.b)) continue;
    const double s = ScoreOf(p, score);
    const auto cleared = std::upper_bound(sorted.begin(), sorted.end(), s) - sorted.begin();
    if (cleared == 0) continue;
    std::vector<int64_t>& bucket = truth.SameEntity(p.a, p.b) ? bucket_tp : bucket_fp;
    ++bucket[static_cast<size_t>(cleared - 1)];
  }
  std::vector<ThresholdRow> rows(num_thresholds);
  int64_t tp = 0;
  int64_t fp = 0;
  for (size_t k = num_thresholds; k-- > 0;) {
    tp += bucket_tp[k];
    fp += bucket_fp[k];
    ThresholdRow& row = rows[k];
    row.threshold = sorted[k];
    row.predicted = tp + fp;
    // Duplicate input pairs could push tp past the true count; never report a
    // negative miss count.
    row.metrics = MetricsFromCounts(tp, fp, std::max<int64_t>(truth.num_true_pairs() - tp, 0));
  }
  return rows;
}

std::vector<double> DefaultProbabilityThresholds() {
  std::vector<double> t;
  for (int step = 1; step <= 19; ++step) t.push_back(step / 20.0);
  t.push_back(0.99);
  return t;
}

Result<ClusterMetrics> EvaluateClusters(const Truth& truth, std::span<const int64_t> labels) {
  if (static_cast<int64_t>(labels.size()) != truth.num_records()) {
    return Status::InvalidArgument("got " + std::to_string(labels.size()) +
                                   " cluster labels for " +
                                   std::to_string(truth.num_records()) + " records");
  }
  const bool cross = truth.scope() == PairScope::kCrossSource;
  const std::vector<int64_t>& entity = truth.entity();
  struct Cell {
    int64_t label;
    int64_t entity;
    int32_t source;
  };
  std::vector<Cell> cells;
  cells.reserve(Idx(truth.num_labelled()));
  std::unordered_map<int64_t, int64_t> entity_size;
  for (size_t r = 0; r < labels.size(); ++r) {
    if (entity[r] == kNoEntity) continue;
    cells.push_back({labels[r], entity[r], cross ? truth.source()[r] : 0});
    ++entity_size[entity[r]];
  }
  const int64_t num_cells = static_cast<int64_t>(cells.size());
  ClusterMetrics out;
  out.num_entities = static_cast<int64_t>(entity_size.size());

  // Predicted pairs: group by (cluster, source).
  std::sort(cells.begin(), cells.end(), [](const Cell& x, const Cell& y) {
    return std::tie(x.label, x.source, x.entity) < std::tie(y.label, y.source, y.entity);
  });
  int64_t predicted = 0;
  for (int64_t begin = 0, i = 1; i <= num_cells; ++i) {
    if (i < num_cells && cells[Idx(i)].label == cells[Idx(begin)].label) continue;
    predicted += GroupPairs(begin, i, cross, [&](int64_t k) { return cells[Idx(k)].source; });
    ++out.num_clusters;
    begin = i;
  }

  // True positives and B-cubed: group by (cluster, entity, source).
  std::sort(cells.begin(), cells.end(), [](const Cell& x, const Cell& y) {
    return std::tie(x.label, x.entity, x.source) < std::tie(y.label, y.entity, y.source);
  });
  int64_t tp = 0;
  double precision_sum = 0.0;
  double recall_sum = 0.0;
  for (int64_t cluster_begin = 0, i = 1; i <= num_cells; ++i) {
    if (i < num_cells && cells[Idx(i)].label == cells[Idx(cluster_begin)].label) continue;
    const int64_t cluster_size = i - cluster_begin;
    for (int64_t cell_begin = cluster_begin, j = cluster_begin + 1; j <= i; ++j) {
      if (j < i && cells[Idx(j)].entity == cells[Idx(cell_begin)].entity) continue;
      const int64_t overlap = j - cell_begin;  // |C ∩ E|
      tp += GroupPairs(cell_begin, j, cross, [&](int64_t k) { return cells[Idx(k)].source; });
      // Each of the `overlap` records contributes |C∩E|/|C| and |C∩E|/|E|.
      const double sq = static_cast<double>(overlap) * static_cast<double>(overlap);
      precision_sum += sq / static_cast<double>(cluster_size);
      recall_sum += sq / static_cast<double>(entity_size[cells[Idx(cell_begin)].entity]);
      cell_begin = j;
    }
    cluster_begin = i;
  }
  out.pairwise = MetricsFromCounts(tp, predicted - tp, truth.num_true_pairs() - tp);
  if (num_cells > 0) {
    out.bcubed_precision = precision_sum / static_cast<double>(num_cells);
    out.bcubed_recall = recall_sum / static_cast<double>(num_cells);
  }
  out.bcubed_f1 = HarmonicMean(out.bcubed_precision, out.bcubed_recall);
  return out;
}

Result<BlockingRecall> EvaluateCandidates(const Truth& truth,
                                          std::span<const ScoredPair> candidates) {
  VL_RETURN_IF_ERROR(CheckPairsAgainstTruth(truth, candidates));
  std::vector<std::pair<int64_t, int64_t>> found;
  for (const ScoredPair& p : candidates) {
    if (truth.Counts(p.a, p.b) && truth.SameEntity(p.a, p.b)) {
      found.emplace_back(std::min(p.a, p.b), std::max(p.a, p.b));
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  BlockingRecall out;
  out.true_pairs = truth.num_true_pairs();
  out.true_pairs_generated = static_cast<int64_t>(found.size());
  out.true_pairs_missed = out.true_pairs - out.true_pairs_generated;
  out.recall_ceiling = Ratio(out.true_pairs_generated, out.true_pairs);
  return out;
}

}  // namespace vitalink::cluster
