// Poisson regression with log link fitted by iteratively reweighted least
// squares (Nelder & Wedderburn 1972; McCullagh & Nelder 1989, §2.5), the
// engine under the log-linear capture–recapture models.
//
// With η = Xβ and μ = exp(η), the log-likelihood is ℓ(β) = Σ_i [y_i η_i − μ_i −
// log y_i!]; its score is X'(y − μ) and its information X'WX with W = diag(μ).
// The log link is canonical, so Fisher scoring is Newton's method:
// β ← β + (X'WX)⁻¹ X'(y − μ). The first step starts, as R's glm does, from
// μ = y + 0.1; a step that raises the deviance or leaves it non-finite is
// halved (up to max_step_halvings times).
//
//   VL_ASSIGN_OR_RETURN(PoissonGlmFit fit, FitPoissonGlm(x, y));
//   if (fit.outcome == GlmOutcome::kConverged) use(fit.beta, fit.covariance);
#pragma once

#include <string>

#include <Eigen/Dense>

#include "vitalink/common/status.h"

namespace vitalink::estimate {

struct GlmOptions {
  int max_iterations = 100;
  /// Converged when |D_t − D_{t−1}| / (|D_t| + 0.1) < deviance_tolerance (R's test) …
  double deviance_tolerance = 1e-13;
  /// … or every |δ_j| ≤ parameter_tolerance · (1 + |β_j|).
  double parameter_tolerance = 1e-10;
  int max_step_halvings = 30;
  /// A fitted mean below this marks an MLE on the boundary (β_j → ±∞): the fit is
  /// reported as kBoundary, not as a usable model.
  double boundary_fitted = 1e-7;
  /// Relative pivot threshold of the rank-revealing QR of X.
  double rank_tolerance = 1e-10;
};

enum class GlmOutcome {
  kConverged,      ///< finite MLE found
  kRankDeficient,  ///< X has rank < p: the parameters are not identifiable
  kBoundary,       ///< the MLE does not exist in finite β (zero cells)
  kNotConverged,   ///< iteration limit reached
};

/// Return "converged", "rank_deficient", "boundary" or "not_converged".
std::string_view GlmOutcomeName(GlmOutcome outcome);

struct PoissonGlmFit {
  GlmOutcome outcome = GlmOutcome::kNotConverged;
  int rank = 0;
  int iterations = 0;
  Eigen::VectorXd beta;         ///< empty when kRankDeficient
  Eigen::VectorXd fitted;       ///< μ̂
  Eigen::MatrixXd covariance;   ///< (X'ŴX)⁻¹, the inverse Fisher information
  double deviance = 0.0;        ///< 2 Σ [y log(y/μ̂) − (y − μ̂)]
  double log_likelihood = 0.0;  ///< Σ [y log μ̂ − μ̂ − log y!]
  std::string message;          ///< why the fit is not usable, when it is not
};

/// Fit the Poisson log-linear model y ~ X. Return InvalidArgument when the shapes
/// disagree, X has no columns, or some y is negative or non-finite; a
/// non-identifiable or non-existent MLE is an outcome, not an error. `start`
/// (size p), when given, replaces the μ = y + 0.1 start (warm starts in profile
/// likelihood). Cost O(iterations · n p²). Thread-safe (no shared state).
Result<PoissonGlmFit> FitPoissonGlm(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                    const GlmOptions& options = {},
                                    const Eigen::VectorXd* start = nullptr);

}  // namespace vitalink::estimate
