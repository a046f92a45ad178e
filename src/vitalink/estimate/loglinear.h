// Log-linear models for multiple-systems estimation: K ≤ 6 overlapping lists,
// the 2^K − 1 observed capture-history counts n_h, and a Poisson log-linear model
// for their expectations (Fienberg 1972, "The multiple recapture census for
// closed populations and incomplete 2^k contingency tables", Biometrika 59:591–603;
// Bishop, Fienberg & Holland 1975, ch. 6; Cormack 1989, Biometrics 45:395–413).
//
// With x_s(h) = 1 when history h includes source s,
//
//     log μ_h = u + Σ_s u_s x_s(h) + Σ_{(s,t) ∈ M} u_st x_s(h) x_t(h),
//
// fitted to the observed cells only. The unobserved cell h = 0…0 has every x = 0,
// so its estimate is N̂₀ = exp(û) and N̂ = n + N̂₀, n the persons observed. The
// highest-order interaction is always absent (it is what the missing cell cannot
// identify). Models M range from independence (no u_st) to all two-way terms.
//
// Coefficients follow R's treatment coding for glm(n ~ s1 + s2 + … + s1:s2,
// family = poisson) with s_k = 0/1, and carry R's names ("(Intercept)", "s1",
// "s1:s2"); testdata/estimate/r holds R's fits of the same tables.
//
// Intervals:
//   * profile likelihood for N (Cormack 1992, "Interval estimation for
//     mark-recapture studies of closed populations", Biometrics 48:567–576):
//     fill the missing cell with z = N − n, fit the model to the complete 2^K
//     table, and evaluate the multinomial log-likelihood
//         ℓ(N) = log N! − log z! − Σ_h log n_h! + Σ_h n_h log(μ̂_h/N) + z log(μ̂₀/N)
//     (Σ μ̂ = N at the fit because u is free). The interval is
//     {N : 2[ℓ(Ñ) − ℓ(N)] ≤ χ²₁(1 − α)}, Ñ the maximiser; both ends are found by
//     Brent's method. This is the profile over N itself, not over û; it keeps
//     the lower end ≥ n and is asymmetric like the likelihood.
//   * Wald, for comparison: Var(N̂ − N) ≈ N̂₀ + N̂₀² Var(û) from the inverse Fisher
//     information (delta method; the first term is the Poisson variation of the
//     missing cell itself), N̂ ± z·se truncated below at n.
//
//   VL_ASSIGN_OR_RETURN(CaptureTable t, CaptureTable::Make(3, counts));
//   VL_ASSIGN_OR_RETURN(MultipleSystemsEstimate e, EstimateMultipleSystems(t));
//   printf("%s N=%.0f [%.0f, %.0f]\n", e.best().model.Name(3).c_str(), e.best().n_hat,
//          e.best().profile_interval.lower, e.best().profile_interval.upper);
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "vitalink/common/status.h"
#include "vitalink/estimate/capture_table.h"
#include "vitalink/estimate/interval.h"
#include "vitalink/estimate/poisson_glm.h"

namespace vitalink::estimate {

/// A hierarchical log-linear model: all main effects plus the listed two-way
/// interactions, each a pair (s, t) of 0-based sources with s < t.
struct LogLinearModel {
  std::vector<std::pair<int, int>> interactions;

  /// Return the independence model (main effects only).
  static LogLinearModel Independence() { return {}; }
  /// Return the model with every two-way interaction among `num_sources` sources.
  static LogLinearModel AllTwoWay(int num_sources);
  /// Parse R's right-hand side, e.g. "s1+s2+s3+s1:s2" (1-based sources; every main
  /// effect must be present; spaces ignored). InvalidArgument otherwise.
  static Result<LogLinearModel> Parse(std::string_view formula, int num_sources);
  /// Return the R right-hand side: "s1+s2+s3" or "s1+s2+s3+s1:s2+s2:s3".
  std::string Name(int num_sources) const;
  /// Return the model with interactions sorted and de-duplicated.
  LogLinearModel Canonical() const;
  friend bool operator==(const LogLinearModel&, const LogLinearModel&) = default;
};

/// Return the design matrix: one row per history (h = 1 … 2^K − 1, or h = 0 … 2^K − 1
/// when `with_unobserved`), columns intercept, s1 … sK, then the interactions in
/// model order. InvalidArgument on a bad pair.
Result<Eigen::MatrixXd> DesignMatrix(int num_sources, const LogLinearModel& model,
                                     bool with_unobserved = false);

/// Return R's coefficient names for the design matrix columns.
std::vector<std::string> TermNames(int num_sources, const LogLinearModel& model);

enum class InformationCriterion { kAic, kBic };

struct LogLinearOptions {
  double confidence = 0.95;
  /// Compute the profile-likelihood interval (about 30–60 small refits).
  bool profile_interval = true;
  GlmOptions glm;
};

/// Profile-likelihood interval for N with the maximiser of ℓ(N).
struct ProfileInterval {
  Interval interval;         ///< for N (upper = +inf when unbounded)
  double n_max = 0.0;        ///< Ñ, the maximiser of the multinomial ℓ(N)
  double log_lik_max = 0.0;  ///< ℓ(Ñ)
  bool upper_unbounded = false;
};

/// The fit of one model to one table.
struct LogLinearFit {
  LogLinearModel model;
  GlmOutcome outcome = GlmOutcome::kNotConverged;
  std::string message;  ///< why the model is unusable (empty when usable)
  std::vector<std::string> terms;
  std::vector<double> coefficients;
  std::vector<double> standard_errors;  ///< sqrt of the inverse-information diagonal
  int num_parameters = 0;
  int df_residual = 0;  ///< observed cells − parameters
  int iterations = 0;
  double deviance = 0.0;
  double log_likelihood = 0.0;  ///< Poisson, with the log n_h! terms (as R's logLik)
  double aic = 0.0;             ///< −2ℓ + 2p (as R)
  double bic = 0.0;             ///< −2ℓ + p log n, n = persons observed
  double unobserved = 0.0;      ///< N̂₀ = exp(û)
  double n_hat = 0.0;           ///< N̂ = n + N̂₀
  double se = 0.0;              ///< sqrt(N̂₀ + N̂₀² Var(û))
  Interval wald_interval;
  bool has_profile = false;
  ProfileInterval profile;

  /// A boundary fit (outcome kBoundary) accepted as an extended MLE: the fitted
  /// cells converge to a limit with a finite missing cell (often 0, when one list
  /// holds everyone seen) and the profile interval exists and is bounded. n_hat
  /// is that limit, the interval the profile one; se and Wald are NaN.
  bool extended = false;

  bool usable() const { return outcome == GlmOutcome::kConverged || extended; }
  double criterion(InformationCriterion c) const {
    return c == InformationCriterion::kAic ? aic : bic;
  }
};

/// Fit `model` to `table` by IRLS and, if usable and asked, compute the profile
/// interval. Return InvalidArgument for a malformed model; unusable fits (rank
/// deficient, boundary, not converged) come back with outcome and message set.
Result<LogLinearFit> FitLogLinear(const CaptureTable& table, const LogLinearModel& model,
                                  const LogLinearOptions& options = {});

/// Return the profile-likelihood interval for N under `model` (see the header
/// comment). FailedPrecondition when the model is not usable on this table.
Result<ProfileInterval> ProfileLikelihoodInterval(const CaptureTable& table,
                                                  const LogLinearModel& model,
                                                  double confidence = 0.95,
                                                  const GlmOptions& glm = {});

/// Return the multinomial profile log-likelihood ℓ(N) at N = n + z (z ≥ 0).
/// Exposed for tests and plots; each call is one IRLS fit of the complete table.
Result<double> ProfileLogLikelihood(const CaptureTable& table, const LogLinearModel& model,
                                    double z, const GlmOptions& glm = {});

struct MultipleSystemsOptions {
  InformationCriterion criterion = InformationCriterion::kAic;
  LogLinearOptions fit;
  /// Fit every subset of two-way interactions when there are at most this many
  /// (K = 3: 8, K = 4: 64, K = 5: 1024); otherwise search forward stepwise from
  /// independence, adding the interaction that lowers the criterion most.
  int max_exhaustive_models = 1024;
  /// When non-empty, fit exactly these models instead of searching.
  std::vector<LogLinearModel> models;
  /// Also compute the profile interval of every usable model, not only the chosen one.
  bool profile_all = false;
};

struct MultipleSystemsEstimate {
  std::vector<LogLinearFit> fits;    ///< every model tried, usable or not, in search order
  int chosen = -1;                   ///< index into fits of the lowest-criterion usable model
  std::string search;                ///< "exhaustive" or "forward stepwise"
  std::vector<double> completeness;  ///< n_s / N̂ per source, for the chosen model

  const LogLinearFit& best() const { return fits[static_cast<size_t>(chosen)]; }
};

/// Fit the candidate models, choose by AIC or BIC among the usable ones and
/// compute the chosen model's profile interval. FailedPrecondition when no model
/// is usable (say, too many zero cells); InvalidArgument for a bad model list.
Result<MultipleSystemsEstimate> EstimateMultipleSystems(const CaptureTable& table,
                                                        const MultipleSystemsOptions& options = {});

}  // namespace vitalink::estimate
