// Dual-system (two-source) estimation of a closed population: persons in list 1
// (n1), list 2 (n2) and in both (m, the matched count).
//
//   Lincoln–Petersen   N̂_LP = n1 n2 / m                       (+inf when m = 0)
//   Chapman (1951)     N̂_C  = (n1 + 1)(n2 + 1)/(m + 1) − 1
//   Seber (1970; 1982, §3.1.1), variance of N̂_C:
//                      v = (n1 + 1)(n2 + 1)(n1 − m)(n2 − m) / ((m + 1)²(m + 2))
//
// Note N̂_C − r = (n1 − m)(n2 − m)/(m + 1) ≥ 0, r = n1 + n2 − m the persons seen.
// Intervals at level 1 − α, z = Φ⁻¹(1 − α/2), with v the total variance (Seber's,
// plus DualSystemOptions::extra_variance, e.g. the linkage noise of linkage_error.h):
//   kProfile    DEFAULT. Cormack's (1992) profile-likelihood interval of the
//               two-source independence log-linear model (loglinear.h): never
//               below r, asymmetric like the likelihood, and it kept 95% coverage
//               in our simulations (docs/ESTIMATION.md: 0.948 over 10 000
//               counties with capture probabilities 0.85–0.97). Needs an integer
//               m and no extra variance; otherwise kNormal is used (with a note).
//   kNormal     N̂_C ± z √v, the lower end raised to r (0.948 in the same study);
//               for an adjusted, non-integer m, r is itself uncertain and the
//               lower end is raised only to max(n1, n2).
//   kLogNormal  Chao (1987, Biometrics 43:783–791): the number missed f̂₀ = N̂_C − r
//               is taken as log-normal, C = exp(z √log(1 + v/f̂₀²)), interval
//               [r + f̂₀/C, r + f̂₀·C]. Kept for comparison: its lower end is always
//               above r, so when the lists are nearly complete and often nobody
//               is missed (N = r) it misses the truth (0.909 in the same study).
// Completeness of list s is n_s/N̂ with interval [n_s/upper, n_s/lower].
// Small m: Chapman's bias is negligible only when m ≥ 7 (Robson & Regier 1964),
// so `small_m` warns; with m = 0 the lists look disjoint, N̂_LP is infinite and
// N̂_C = (n1 + 1)(n2 + 1) − 1 is only an order of magnitude.
//
//   VL_ASSIGN_OR_RETURN(DualSystemEstimate e, EstimateDualSystem(940, 925, 900));
//   printf("N=%.1f [%.1f, %.1f], register %.1f%% complete\n", e.chapman,
//          e.interval.lower, e.interval.upper, 100 * e.completeness1);  // profile interval
#pragma once

#include <cstdint>
#include <string>

#include "vitalink/common/status.h"
#include "vitalink/estimate/interval.h"

namespace vitalink::estimate {

enum class DualIntervalMethod { kNormal, kLogNormal, kProfile };

struct DualSystemOptions {
  double confidence = 0.95;
  DualIntervalMethod interval = DualIntervalMethod::kProfile;
  /// Added to Seber's variance in the normal and log-normal intervals (≥ 0).
  double extra_variance = 0.0;
};

struct DualSystemEstimate {
  int64_t n1 = 0;
  int64_t n2 = 0;
  double m = 0.0;         ///< matched count (possibly linkage-adjusted, so real)
  double observed = 0.0;  ///< r = n1 + n2 − m
  double lincoln_petersen = 0.0;
  double chapman = 0.0;
  double chapman_variance = 0.0;  ///< Seber's v
  double extra_variance = 0.0;    ///< from the options (linkage noise)
  double chapman_se = 0.0;        ///< √(v + extra_variance)
  Interval normal_interval;
  Interval lognormal_interval;
  bool has_profile = false;
  Interval profile_interval;  ///< only when kProfile is asked and possible
  DualIntervalMethod method = DualIntervalMethod::kProfile;  ///< the method used
  Interval interval;                                         ///< the interval of `method`
  double completeness1 = 0.0;                                ///< n1 / N̂_C
  double completeness2 = 0.0;                                ///< n2 / N̂_C
  Interval completeness1_interval;
  Interval completeness2_interval;
  bool small_m = false;  ///< m < 7
  std::string note;      ///< caveats in words ("no matches: …")
};

/// Estimate N from two lists. `m` may be non-integer (a linkage-adjusted count,
/// see linkage_error.h). Return InvalidArgument unless 0 ≤ m ≤ min(n1, n2), the
/// confidence is in (0, 1) and extra_variance ≥ 0. O(1) except kProfile (about
/// 50 IRLS fits of a 4-cell table, ~20 µs).
/// Chapman's estimate alone, (n1 + 1)(n2 + 1)/(m + 1) − 1, for callers that need
/// no interval (the same value as EstimateDualSystem's `chapman`).
inline double ChapmanEstimate(double n1, double n2, double m) { return (n1 + 1.0) * (n2 + 1.0) / (m + 1.0) - 1.0; }

Result<DualSystemEstimate> EstimateDualSystem(int64_t n1, int64_t n2, double m,
                                              const DualSystemOptions& options = {});

}  // namespace vitalink::estimate
