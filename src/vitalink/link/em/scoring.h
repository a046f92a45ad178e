// Match weights with term-frequency (TF) adjustment.
//
// An exact agreement on a rare value ("欧阳") is stronger evidence than on a
// common one ("王"). Splink's method (after Winkler's frequency-based matching):
// for a comparison flagged tf, when γ_k is its exact level and the pair shares
// value v with term frequency tf(v) (the share of records holding v), the chance
// agreement probability u_k(exact), an average over values, is replaced by tf(v):
//
//   log2(m_k(exact) / u_k(exact))  →  log2(m_k(exact) / u_k(exact)) + a_k(v)
//   a_k(v) = ω_k · log2(u_k(exact) / max(tf(v), tf_min_k))
//
// where ω_k is TfSettings::weight (1 = full adjustment, 0 = none) and tf_min_k
// TfSettings::min_frequency. A value missing from the table (frequency 0 with
// tf_min 0) or a null value id gets no adjustment.
//
//   TermFrequencies surnames = TermFrequencies::FromValueIds(surname_ids);
//   VL_ASSIGN_OR_RETURN(PairScorer scorer, PairScorer::Make(model, {&surnames, nullptr, ...}));
//   uint32_t shared[K] = {surname_id_of_a, 0, ...};   // read only where tf applies
//   double w = scorer.MatchWeight(gamma, shared);
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/link/em/model.h"

namespace vitalink::link {

/// Value id meaning "no value" in TF columns (StringPool-style dense ids otherwise).
inline constexpr uint32_t kNullValueId = 0xFFFFFFFFu;

/// Value id → share of (non-null) records holding it. Immutable once built;
/// safe to share between threads.
class TermFrequencies {
 public:
  TermFrequencies() = default;

  /// Count a column of value ids (kNullValueId skipped). Ids are expected to be
  /// dense dictionary ids: a dense table is used when the largest id is below
  /// 4·n + 4096, a hash map otherwise. In link mode pass the stacked column of
  /// all sources (as Splink does).
  static TermFrequencies FromValueIds(std::span<const uint32_t> value_ids);

  /// Return tf(v): count(v) / non-null count, or 0 for an unseen or null id.
  double frequency(uint32_t value_id) const {
    if (value_id == kNullValueId || total_ == 0) return 0.0;
    if (!sparse_) {
      return value_id < counts_.size() ? static_cast<double>(counts_[value_id]) * inv_total_ : 0.0;
    }
    auto it = sparse_counts_.find(value_id);
    return it == sparse_counts_.end() ? 0.0 : static_cast<double>(it->second) * inv_total_;
  }

  /// Return the number of non-null values counted.
  int64_t total() const { return total_; }

 private:
  bool sparse_ = false;
  int64_t total_ = 0;
  double inv_total_ = 0.0;
  std::vector<int64_t> counts_;
  std::unordered_map<uint32_t, int64_t> sparse_counts_;
};

/// Return a_k(v) = weight · log2(u_exact / max(frequency, min_frequency)), or 0
/// when that maximum is not positive.
double TfAdjustment(double u_exact, double frequency, const TfSettings& settings);

/// Scores pairs with a model and the TF tables of its tf comparisons. Holds a
/// copy of the model and non-owning pointers to the tables, which must outlive
/// it. Const methods are thread-safe.
class PairScorer {
 public:
  /// `tables` has one entry per comparison; entries may be null except for
  /// comparisons with tf enabled (InvalidArgument).
  static Result<PairScorer> Make(const FsModel& model, std::vector<const TermFrequencies*> tables);

  /// Return w(γ) with TF adjustments. `value_ids[k]` is the value the pair
  /// shares on comparison k; it is read only where tf is enabled and γ_k is the
  /// exact level (pass kNullValueId when unknown).
  double MatchWeight(const uint8_t* gamma, const uint32_t* value_ids) const {
    double weight = model_.MatchWeight(gamma);
    for (const int k : tf_comparisons_) {
      const auto ks = static_cast<size_t>(k);
      if (gamma[k] != exact_level_[ks]) continue;
      weight += TfAdjustment(u_exact_[ks], tables_[ks]->frequency(value_ids[k]),
                             model_.shape().comparison(k).tf);
    }
    return weight;
  }

  /// Return P(match | γ, values).
  double MatchProbability(const uint8_t* gamma, const uint32_t* value_ids) const {
    return WeightToProbability(MatchWeight(gamma, value_ids));
  }

  /// Return the weight split per comparison, TF adjustments in their terms.
  WeightExplanation Explain(const uint8_t* gamma, const uint32_t* value_ids) const;

  const FsModel& model() const { return model_; }

 private:
  FsModel model_;
  std::vector<const TermFrequencies*> tables_;
  std::vector<int> tf_comparisons_;
  std::vector<uint8_t> exact_level_;  // per comparison (kGammaNull if tf is off)
  std::vector<double> u_exact_;
};

}  // namespace vitalink::link
