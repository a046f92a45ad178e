// Linkage-error adjustment of the matched count before dual-system estimation
// (Ding & Fienberg 1994, "Dual system estimation of Census undercount in the
// presence of matching error", Survey Methodology 20:149–158; generalised by
// Di Consiglio & Tuoto 2015, "Coverage evaluation on probabilistically linked
// data", J. Official Statistics 31:415–429).
//
// Derivation. Let M be the true number of persons on both lists and m* the
// number of links the linkage declared. Following Ding & Fienberg, a true match
// is declared (correctly) with probability 1 − α, and a list-2 record whose
// person is not on list 1 is wrongly linked with probability β. Then
//
//     E[m*] = (1 − α) M + β (n2 − M),   so   M̂ = (m* − β n2) / (1 − α − β),
//
// a moment estimator that is unbiased for M when α, β are known, and
// N̂ = n1 n2 / M̂ (we plug M̂ into Chapman). The linkage model reports instead
// its precision p (share of declared links that are true; false-match rate
// φ = 1 − p) and recall ρ (share of true matches it declares; missed-match rate
// ψ = 1 − ρ). Correct links are p·m* in expectation and also ρ·M, so
//
//     M̂ = m* · p / ρ = m* (1 − φ) / (1 − ψ),
//
// the same estimator in the other parameterisation: with ρ = 1 − α and
// p = (1 − α) M / m*, the two forms coincide. Missed matches alone (ψ > 0) make
// m* too small and N̂ too large; false matches alone make N̂ too small.
//
// Variance. Linkage errors add their own binomial noise: under the same model
// with the rates known, Var(m* | M) = M α(1 − α) + (n2 − M) β(1 − β), so
// Var(M̂) = Var(m*)/(1 − α − β)², with α = ψ and β = φ m*/(n2 − M̂) (the false
// links per unmatched list-2 record). The delta method with
// ∂N̂_C/∂m = −(n1 + 1)(n2 + 1)/(m + 1)² turns it into extra variance for N̂_C,
// added to Seber's (DualSystemOptions::extra_variance); the interval is then the
// normal one. This omits the uncertainty of the estimated rates themselves, so
// intervals are too narrow when the rates come from a small review.
//
//   LinkageErrorRates rates{.false_match_rate = 0.02, .missed_match_rate = 0.05};
//   VL_ASSIGN_OR_RETURN(double m_adj, AdjustMatchedCount(m_declared, rates));
//   VL_ASSIGN_OR_RETURN(DualSystemEstimate e,
//                       EstimateDualSystemAdjusted(n1, n2, m_declared, rates));
#pragma once

#include <cstdint>
#include <span>

#include "vitalink/common/status.h"
#include "vitalink/estimate/dual_system.h"

namespace vitalink::estimate {

/// Error rates of a linkage, as its model or a clerical review estimates them.
struct LinkageErrorRates {
  double false_match_rate = 0.0;   ///< φ = P(a declared link is false) = 1 − precision
  double missed_match_rate = 0.0;  ///< ψ = P(a true match is not declared) = 1 − recall
};

/// Return M̂ = m* (1 − φ) / (1 − ψ). InvalidArgument unless 0 ≤ φ < 1, 0 ≤ ψ < 1, m* ≥ 0.
Result<double> AdjustMatchedCount(double m_declared, const LinkageErrorRates& rates);

/// Return Ding & Fienberg's M̂ = (m* − β n2)/(1 − α − β), clamped to [0, min(n1, n2)].
/// α = P(a true match is not declared), β = P(a list-2 record without a true
/// partner is falsely linked). InvalidArgument unless α, β ≥ 0 and α + β < 1.
Result<double> AdjustMatchedCountDingFienberg(double m_declared, int64_t n1, int64_t n2,
                                              double alpha, double beta);

/// Adjust m* with `rates`, clamp to [0, min(n1, n2)] and run EstimateDualSystem
/// with the linkage variance above as extra variance (so a kProfile request
/// becomes kNormal; kLogNormal is honoured).
Result<DualSystemEstimate> EstimateDualSystemAdjusted(int64_t n1, int64_t n2, double m_declared,
                                                      const LinkageErrorRates& rates,
                                                      const DualSystemOptions& options = {});

/// As EstimateDualSystemAdjusted (same point estimate, Chapman on M̂), but the
/// interval keeps the shape of the declared table's profile interval, which
/// stays sensible for the small counts of a township, where the normal one
/// collapses (one list holding everyone seen gives v = 0): with N̂*, [L, U] the
/// Chapman estimate and profile interval on the declared m*, and V the linkage
/// variance, the interval is
///   [N̂ − √((N̂* − L)² + z²V), N̂ + √((U − N̂*)² + z²V)],
/// its lower end raised to max(n1, n2) but never above r* = n1 + n2 − m* (the
/// persons seen when the declared links are right: estimated rates are not
/// known rates). V here is the delta-method variance of M̂ = m*(1 − φ)/(1 − ψ)
/// with correct links ~ Bin(M̂, 1 − ψ) and false links ~ Bin(m*, φ):
///   Var(M̂) = [M̂ ψ(1 − ψ) + m* φ(1 − φ)] ((1 − φ)/(1 − ψ))²,
/// which, unlike the β = φ m*/(n2 − M̂) of the Ding–Fienberg form, stays finite
/// when nearly every list-2 record is linked (a small township).
/// `m_declared` is a count; method is kProfile, with a note.
Result<DualSystemEstimate> EstimateDualSystemAdjustedProfile(int64_t n1, int64_t n2,
                                                             int64_t m_declared,
                                                             const LinkageErrorRates& rates,
                                                             double confidence = 0.95);

/// Estimate the rates from the linkage model's posterior match probabilities:
/// φ̂ = Σ_declared (1 − P_i) / m*, ψ̂ = Σ_undeclared P_j / (Σ_declared P_i +
/// Σ_undeclared P_j). `undeclared` holds the posteriors of candidate pairs left
/// unlinked (those below the threshold). InvalidArgument on probabilities
/// outside [0, 1] or no declared links.
Result<LinkageErrorRates> RatesFromPosteriors(std::span<const double> declared,
                                              std::span<const double> undeclared);

/// Estimate the rates from reviewed samples: of `declared_reviewed` declared links
/// the reviewers rejected `declared_false`; of `true_reviewed` confirmed true
/// matches (e.g. from a clerical search) the linkage had missed `true_missed`.
Result<LinkageErrorRates> RatesFromReview(int64_t declared_reviewed, int64_t declared_false,
                                          int64_t true_reviewed, int64_t true_missed);

}  // namespace vitalink::estimate
