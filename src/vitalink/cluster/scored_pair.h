// ScoredPair: the unit the link stage hands to clustering and evaluation.
//
// A pair of record indices in the linkage index space 0..n-1 with its
// Fellegi–Sunter match weight (log2 of the Bayes factor m(γ)/u(γ), plus the
// prior log2 λ/(1-λ) if the link stage folds it in) and match probability.
//
//   std::vector<ScoredPair> pairs = {{.a = 0, .b = 7, .weight = 12.5, .probability = 0.9998}};
//   VL_RETURN_IF_ERROR(ValidatePairs(/*num_records=*/10, pairs));
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "vitalink/common/status.h"

namespace vitalink::cluster {

/// One scored candidate pair. The link stage emits a < b; clustering and
/// evaluation treat the pair as unordered and accept a > b as well.
struct ScoredPair {
  int64_t a = 0;
  int64_t b = 0;
  double weight = 0.0;       ///< match weight, log2 Bayes factor
  double probability = 0.0;  ///< match probability in [0, 1]
};

/// Which score a threshold applies to.
enum class ScoreKind { kProbability, kWeight };

/// Return the pair's probability or weight.
inline double ScoreOf(const ScoredPair& pair, ScoreKind kind) {
  return kind == ScoreKind::kProbability ? pair.probability : pair.weight;
}

/// Return "probability" or "weight".
std::string_view ScoreKindName(ScoreKind kind);

/// Check that every pair has 0 ≤ a, b < num_records, a ≠ b, and a probability in
/// [0, 1] and a weight that are not NaN (weights may be ±inf). O(pairs).
/// Return InvalidArgument naming the first offending pair otherwise.
Status ValidatePairs(int64_t num_records, std::span<const ScoredPair> pairs);

}  // namespace vitalink::cluster
