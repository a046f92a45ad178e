// Estimates over draws of the persons (docs/ESTIMATION.md, "Clustering
// uncertainty"): the capture histories of M clusterings drawn from the pair
// posteriors (cluster::PersonDraws), each estimate recomputed on every draw, and
// by Rubin's rules the between-draw variance B, times (1 + 1/M) for the finite
// number of draws, added to the sampling variance the interval already holds.
//
//   std::vector<Histories> draws = ...;                    // one per draw
//   DrawSpread s = ChapmanOverDraws(draws);                 // or with rates
//   Interval i = WidenInterval(chapman, profile_interval, s);
//   VL_ASSIGN_OR_RETURN(ThreeListEstimate t, EstimateThreeLists(histories, draws));
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "vitalink/common/status.h"
#include "vitalink/estimate/interval.h"
#include "vitalink/estimate/linkage_error.h"
#include "vitalink/estimate/loglinear.h"

namespace vitalink::estimate {

/// Persons per capture history over (list 1, list 2, list 3): index h = bit 0
/// list 1, bit 1 list 2, bit 2 list 3; [0] unused.
using Histories = std::array<int64_t, 8>;

/// n1, n2 and m of lists 1 and 2, whatever list 3 says.
struct TwoListCounts {
  int64_t n1 = 0, n2 = 0, m = 0;
};
TwoListCounts TwoLists(const Histories& h);

/// An estimate's spread over the draws.
struct DrawSpread {
  int64_t draws = 0;     ///< M, draws with an estimate
  double mean = 0.0;     ///< mean estimate over the draws
  double variance = 0.0; ///< B, their sample variance (0 when M < 2)
  /// (1 + 1/M) B, the variance the interval gains.
  double added_variance() const {
    return draws > 1 ? (1.0 + 1.0 / static_cast<double>(draws)) * variance : 0.0;
  }
};

/// Mean and sample variance of `estimates` (non-finite values are skipped).
DrawSpread SpreadOf(std::span<const double> estimates);

/// Widen `interval` (a sampling interval around `point`) by the spread in
/// quadrature on each side, keeping its shape:
/// [p − √((p − L)² + z² A), p + √((U − p)² + z² A)] with A = spread.added_variance(),
/// the lower end kept ≥ `floor`. An infinite upper end stays infinite.
Interval WidenInterval(double point, Interval interval, const DrawSpread& spread,
                       double confidence = 0.95, double floor = 0.0);

/// Chapman's estimate of lists 1 and 2 on each draw — on the matched count
/// adjusted with `rates` (AdjustMatchedCount, at most min(n1, n2)) when given —
/// and its spread.
DrawSpread ChapmanOverDraws(std::span<const Histories> draws, const LinkageErrorRates* rates = nullptr);

/// A three-list estimate: the AIC-chosen log-linear model with its profile
/// interval and, over the draws, the chosen model refitted on each draw's
/// histories (no new model search: the spread is of the estimate, not of the
/// model choice) and the profile interval widened by their spread.
struct ThreeListEstimate {
  LogLinearFit fit;
  DrawSpread spread;
  Interval widened;
};

/// FailedPrecondition when no model is usable or the chosen one has no profile
/// interval. With no draws, `widened` is the profile interval.
Result<ThreeListEstimate> EstimateThreeLists(const Histories& histories, std::span<const Histories> draws);

}  // namespace vitalink::estimate
