// EstimateU: u probabilities from random record pairs (Splink's approach).
//
// Among all pairs of records almost none are matches, so the distribution of γ_k
// over uniformly drawn pairs estimates u_k(l) = P(γ_k = l | non-match). Draw up
// to max_pairs pairs (a, b), a ≠ b, uniformly (rejecting pairs `allowed` refuses,
// e.g. same-source pairs in link mode), compute γ through a callback and set
//
//   u_k(l) = (c_k(l) + α) / (N_k + α·L_k)
//
// with c_k(l) the sampled pairs at level l, N_k the sampled pairs with γ_k not
// null and α = pseudo_count (Laplace smoothing: no u is 0, so no weight is
// infinite). A comparison never observed gets the uniform 1/L_k.
// The draw uses Xoshiro256** seeded with `seed`: same inputs, same u.
//
//   USamplingOptions opts; opts.max_pairs = 1'000'000; opts.seed = project_seed;
//   VL_ASSIGN_OR_RETURN(USample s, EstimateU(shape, records.size(),
//       [&](int64_t a, int64_t b, uint8_t* gamma) { comparator.Compare(a, b, gamma); },
//       [&](int64_t a, int64_t b) { return records.source_index(a) != records.source_index(b); },
//       opts));
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/link/em/model_shape.h"

namespace vitalink::link {

struct USamplingOptions {
  /// Pairs to draw (accepted by `allowed`).
  int64_t max_pairs = 1'000'000;
  uint64_t seed = 42;
  /// Laplace pseudo-count α added to every level.
  double pseudo_count = 1.0;
  /// Give up drawing after this many rejected pairs (0 = 100 · max_pairs + 1000).
  int64_t max_rejections = 0;
};

/// Computes γ (K bytes into `gamma`) of records a and b.
using GammaFunction = std::function<void(int64_t a, int64_t b, uint8_t* gamma)>;
/// Return whether the pair (a, b) may be sampled; empty = every pair a ≠ b.
using PairFilter = std::function<bool(int64_t a, int64_t b)>;

struct USample {
  /// u[k][l], each row summing to 1.
  std::vector<std::vector<double>> u;
  /// Raw counts c_k(l); counts[k][L_k] holds the nulls.
  std::vector<std::vector<int64_t>> counts;
  /// Pairs drawn and compared.
  int64_t pairs = 0;
};

/// Draw the pairs EstimateU compares: up to max_pairs pairs (a, b), a ≠ b,
/// accepted by `allowed`, from the seeded stream (same inputs, same pairs).
/// Errors as EstimateU. Callers that compare in parallel use this, then
/// SmoothU on their summed counts.
Result<std::vector<std::pair<int64_t, int64_t>>> SampleUPairs(int64_t num_records,
                                                              const PairFilter& allowed,
                                                              const USamplingOptions& options = {});

/// Estimate u for `shape` from pairs of records 0..num_records-1. Errors:
/// InvalidArgument for num_records < 2 or max_pairs < 1; FailedPrecondition when
/// `allowed` rejects so many pairs that none could be drawn. Fewer than
/// max_pairs pairs (rejection budget spent) is not an error: see USample::pairs.
/// Single-threaded; cost: max_pairs calls of `gamma_fn`.
Result<USample> EstimateU(const ModelShape& shape, int64_t num_records,
                          const GammaFunction& gamma_fn, const PairFilter& allowed,
                          const USamplingOptions& options = {});

/// Return u[k][l] from counts (with the null count last, as in USample::counts)
/// and pseudo-count α, by the formula above.
std::vector<std::vector<double>> SmoothU(const ModelShape& shape,
                                         const std::vector<std::vector<int64_t>>& counts,
                                         double pseudo_count);

}  // namespace vitalink::link
