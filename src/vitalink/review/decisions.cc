#include "vitalink/review/decisions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "vitalink/review/queue.h"
#include "vitalink/review/record_index_internal.h"

namespace vitalink::review {

namespace {

// Disjoint sets over must-linked records (few), keyed by global index.
class Groups {
 public:
  int64_t Find(int64_t x) {
    auto it = parent_.find(x);
    if (it == parent_.end()) return x;
    const int64_t root = Find(it->second);
    it->second = root;
    return root;
  }
  void Union(int64_t a, int64_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::unordered_map<int64_t, int64_t> parent_;
};

}  // namespace

Result<AppliedDecisions> ApplyDecisions(std::span<const store::Decision> decisions,
                                        const ingest::IngestResult& ingest,
                                        std::span<const int64_t> offsets) {
  if (offsets.size() != ingest.sources.size()) {
    return Status::InvalidArgument("ApplyDecisions: one offset per ingested source is needed");
  }
  internal::RecordIndex index(ingest, offsets);
  AppliedDecisions out;
  std::vector<std::pair<int64_t, int64_t>> cannot;
  Groups groups;
  for (const store::Decision& d : decisions) {
    ++out.decisions;
    if (d.decision == "unsure") {
      ++out.unsure;
      continue;
    }
    const int64_t a = index.Global(d.source_a, d.record_id_a);
    const int64_t b = index.Global(d.source_b, d.record_id_b);
    if (a < 0 || b < 0 || a == b) {
      ++out.unknown_records;
      continue;
    }
    if (d.decision == "match") {
      out.constraints.must_link.emplace_back(std::min(a, b), std::max(a, b));
      groups.Union(a, b);
      ++out.must_link;
    } else if (d.decision == "non_match") {
      cannot.emplace_back(std::min(a, b), std::max(a, b));
    }
  }
  for (const auto& [a, b] : cannot) {
    if (groups.Find(a) == groups.Find(b)) {
      ++out.conflicts_dropped;
      continue;
    }
    out.constraints.cannot_link.emplace_back(a, b);
    ++out.cannot_link;
  }
  if (out.unknown_records > 0) {
    out.warnings.push_back(
        std::to_string(out.unknown_records) +
        " review decisions name records this run did not ingest; they were skipped");
  }
  if (out.conflicts_dropped > 0) {
    out.warnings.push_back(
        std::to_string(out.conflicts_dropped) +
        " non-match decisions contradict match decisions that join the same records; "
        "the match decisions were kept");
  }
  return out;
}

LabelMetrics ComputeLabelMetrics(const link::LinkJobResult& job,
                                 std::span<const store::Decision> decisions) {
  LabelMetrics m;
  m.job = job.settings.name;
  std::map<std::string, bool> label_by_key;
  std::unordered_set<std::string> labelled_ids;
  for (const store::Decision& d : decisions) {
    if (d.job != job.settings.name || (d.decision != "match" && d.decision != "non_match"))
      continue;
    label_by_key[PairKey(d.job, d.source_a, d.record_id_a, d.source_b, d.record_id_b)] =
        d.decision == "match";
    labelled_ids.insert(d.record_id_a);
    labelled_ids.insert(d.record_id_b);
  }
  struct Scored {
    double probability;
    int64_t a, b;
  };
  std::map<std::string, Scored> scored;
  if (!label_by_key.empty()) {
    const link::RecordSet& rs = job.records;
    for (const link::LinkedPair& lp : job.pairs) {
      const std::string_view ia = rs.pool().Get(rs.record_id(lp.a));
      const std::string_view ib = rs.pool().Get(rs.record_id(lp.b));
      if (!labelled_ids.contains(std::string(ia)) || !labelled_ids.contains(std::string(ib)))
        continue;
      const std::string key = PairKey(m.job, rs.source_name(rs.source_index(lp.a)), ia,
                                      rs.source_name(rs.source_index(lp.b)), ib);
      if (label_by_key.contains(key)) scored[key] = {lp.probability, lp.a, lp.b};
    }
  }
  for (const auto& [key, match] : label_by_key) {
    const auto p = scored.find(key);
    if (p == scored.end()) {
      m.pairs.push_back({key, match, 0.0, -1, -1});
    } else {
      m.pairs.push_back({key, match, p->second.probability, p->second.a, p->second.b});
    }
    (match ? m.matches : m.non_matches) += 1;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int step = 1; step <= 19; ++step) {
    LabelThresholdRow row;
    row.threshold = step * 0.05;
    for (const LabelledPair& p : m.pairs) {
      const bool declared = p.probability >= row.threshold;
      if (declared && p.match) ++row.true_positives;
      if (declared && !p.match) ++row.false_positives;
      if (!declared && p.match) ++row.false_negatives;
    }
    const int64_t declared = row.true_positives + row.false_positives;
    row.precision = declared > 0
                        ? static_cast<double>(row.true_positives) / static_cast<double>(declared)
                        : nan;
    row.recall = m.matches > 0
                     ? static_cast<double>(row.true_positives) / static_cast<double>(m.matches)
                     : nan;
    m.by_threshold.push_back(row);
  }
  return m;
}

JobErrorRates ComputeJobErrorRates(const link::LinkJobResult& job, const LabelMetrics& labels) {
  std::map<std::pair<int64_t, int64_t>, bool> label_of;
  for (const LabelledPair& p : labels.pairs) {
    if (p.a >= 0) label_of.emplace(std::pair{p.a, p.b}, p.match);
  }
  JobErrorRates r;
  const double t = job.settings.match_threshold;
  for (const link::LinkedPair& lp : job.pairs) {
    // A labelled pair is settled: the next clustering links it exactly when it was labelled
    // a match (must-link / cannot-link), so it is neither a false nor a missed link.
    int label = -1;
    if (!label_of.empty()) {
      if (auto it = label_of.find({lp.a, lp.b}); it != label_of.end()) label = it->second ? 1 : 0;
    }
    if (label >= 0) {
      ++r.labels_used;
      r.declared += label;
    } else if (lp.probability >= t) {
      ++r.declared;
      r.expected_false += 1.0 - lp.probability;
    } else {
      r.expected_missed += lp.probability;
    }
  }
  const double true_matches =
      static_cast<double>(r.declared) - r.expected_false + r.expected_missed;
  r.false_match_rate = r.declared > 0 ? r.expected_false / static_cast<double>(r.declared) : 0.0;
  r.missed_match_rate = true_matches > 0 ? r.expected_missed / true_matches : 0.0;
  return r;
}

}  // namespace vitalink::review
