#include "vitalink/link/em/scoring.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace vitalink::link {

TermFrequencies TermFrequencies::FromValueIds(std::span<const uint32_t> value_ids) {
  TermFrequencies tf;
  uint32_t max_id = 0;
  for (const uint32_t id : value_ids) {
    if (id == kNullValueId) continue;
    ++tf.total_;
    max_id = std::max(max_id, id);
  }
  tf.sparse_ = static_cast<uint64_t>(max_id) >= 4 * static_cast<uint64_t>(tf.total_) + 4096;
  if (tf.sparse_) {
    for (const uint32_t id : value_ids) {
      if (id != kNullValueId) ++tf.sparse_counts_[id];
    }
  } else if (tf.total_ > 0) {
    tf.counts_.assign(static_cast<size_t>(max_id) + 1, 0);
    for (const uint32_t id : value_ids) {
      if (id != kNullValueId) ++tf.counts_[id];
    }
  }
  tf.inv_total_ = tf.total_ > 0 ? 1.0 / static_cast<double>(tf.total_) : 0.0;
  return tf;
}

double TfAdjustment(double u_exact, double frequency, const TfSettings& settings) {
  const double tf = std::max(frequency, settings.min_frequency);
  if (!(tf > 0.0)) return 0.0;
  return settings.weight * (std::log2(u_exact) - std::log2(tf));
}

Result<PairScorer> PairScorer::Make(const FsModel& model,
                                    std::vector<const TermFrequencies*> tables) {
  if (static_cast<int>(tables.size()) != model.num_comparisons()) {
    return Status::InvalidArgument("PairScorer needs one TF table slot per comparison");
  }
  PairScorer scorer;
  scorer.model_ = model;
  scorer.exact_level_.assign(tables.size(), kGammaNull);
  scorer.u_exact_.assign(tables.size(), 1.0);
  for (int k = 0; k < model.num_comparisons(); ++k) {
    const TfSettings& tf = model.shape().comparison(k).tf;
    if (!tf.enabled) continue;
    const auto ks = static_cast<size_t>(k);
    if (tables[ks] == nullptr) {
      return Status::InvalidArgument("comparison '" + model.shape().comparison(k).name +
                                     "' has tf enabled but no term-frequency table");
    }
    scorer.tf_comparisons_.push_back(k);
    scorer.exact_level_[ks] = static_cast<uint8_t>(tf.exact_level);
    scorer.u_exact_[ks] = model.u(k)[static_cast<size_t>(tf.exact_level)];
  }
  scorer.tables_ = std::move(tables);
  return scorer;
}

WeightExplanation PairScorer::Explain(const uint8_t* gamma, const uint32_t* value_ids) const {
  WeightExplanation out = model_.Explain(gamma);
  out.total_weight = out.prior_weight;
  for (int k = 0; k < model_.num_comparisons(); ++k) {
    const auto ks = static_cast<size_t>(k);
    WeightTerm& term = out.terms[ks];
    if (exact_level_[ks] != kGammaNull && gamma[k] == exact_level_[ks]) {
      term.tf_adjustment = TfAdjustment(u_exact_[ks], tables_[ks]->frequency(value_ids[k]),
                                        model_.shape().comparison(k).tf);
    }
    out.total_weight += term.weight();
  }
  out.match_probability = WeightToProbability(out.total_weight);
  return out;
}

}  // namespace vitalink::link
