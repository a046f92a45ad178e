// TrainEm: m, u and λ of a Fellegi–Sunter model by expectation–maximization
// over agreement-pattern counts.
//
// EM (Dempster, Laird & Rubin 1977) for the two-class latent model of record
// linkage (Winkler 1988; Jaro 1989), with missing comparisons handled as in
// fastLink (Enamorado, Fifield & Imai 2019): under missing at random a null γ_k
// contributes no factor, and drops out of the m_k / u_k updates. With n_γ pairs
// showing pattern γ:
//
//   E-step  g_γ = λ m(γ) / (λ m(γ) + (1-λ) u(γ)),  m(γ) = Π_{k: γ_k not null} m_k(γ_k)
//   M-step  λ   = Σ_γ n_γ g_γ / Σ_γ n_γ
//           m_k(l) = Σ_{γ: γ_k = l} n_γ g_γ / Σ_{γ: γ_k not null} n_γ g_γ
//           u_k(l) = the same with 1 - g_γ  (skipped when u is fixed)
//
// then every m_k(l), u_k(l) is raised to at least probability_floor and the row
// renormalized (so no weight is infinite); λ is kept in [1e-12, 1-1e-12].
// Stops when the largest absolute change of any updated parameter (λ, m, u) in
// one iteration is below `tolerance`, or after max_iterations.
//
// The E-step is computed in log space (g = logistic of the log-odds) so long
// comparison vectors do not underflow. Patterns are visited once per iteration in
// ascending key order, single-threaded: the result is bit-identical for the same
// counts, whatever thread count produced them. Cost: O(iterations · patterns · K).
//
//   EmOptions opts;                     // u fixed (from EstimateU), m and λ learnt
//   FsModel init = FsModel::Default(shape, 0.01);
//   VL_RETURN_IF_ERROR(init.set_u(k, sample.u[k]));  // for each k
//   VL_ASSIGN_OR_RETURN(EmResult fit, TrainEm(counts, init, opts));
#pragma once

#include <cstdint>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/link/em/model.h"
#include "vitalink/link/em/pattern_counts.h"

namespace vitalink::link {

struct EmOptions {
  /// Keep u as given (from random sampling, Splink's default); else learn u too.
  bool fix_u = true;
  /// Keep λ as given (e.g. set from a deterministic-rule estimate).
  bool fix_lambda = false;
  /// Per comparison, keep m_k as given (overridden parameters); empty = learn all.
  std::vector<bool> fix_m;
  /// Iterations at most (0 returns the starting model).
  int max_iterations = 200;
  /// Stop when max |Δ parameter| of an iteration falls below this.
  double tolerance = 1e-7;
  /// Smallest m_k(l) / u_k(l) after an update; must satisfy 0 < floor · L_k < 1.
  double probability_floor = 1e-6;
};

/// One EM iteration, for diagnostics and convergence charts.
struct EmIteration {
  int iteration = 0;
  /// λ after the M-step.
  double lambda = 0.0;
  /// Largest absolute change of λ, m or u in this iteration.
  double max_change = 0.0;
  /// Log-likelihood Σ_γ n_γ log(λ m(γ) + (1-λ) u(γ)) at the parameters entering
  /// the iteration (non-decreasing across iterations, up to the floors).
  double log_likelihood = 0.0;
};

struct EmResult {
  FsModel model;
  std::vector<EmIteration> log;
  bool converged = false;
};

/// Run EM on `counts` from `init` (same number of comparisons and levels, else
/// InvalidArgument; FailedPrecondition when counts are empty). Options are
/// checked (InvalidArgument). Not converging is not an error: see
/// EmResult::converged.
Result<EmResult> TrainEm(const PatternCounts& counts, const FsModel& init,
                         const EmOptions& options = {});

/// Return InvalidArgument unless `options` are usable with `shape`; shared by
/// TrainEm and its reference twin.
Status CheckEmOptions(const ModelShape& shape, const EmOptions& options);

/// Raise every value of `p` to at least `floor` and rescale it to sum to 1 (a
/// zero-sum row is left alone). Shared with the reference twin so that both apply
/// floors identically.
void FloorAndNormalize(std::vector<double>& p, double floor);

/// Return per comparison the share of pairs at each level among non-null γ_k,
/// Laplace-smoothed with `pseudo_count` (u_sampling.h's SmoothU). Over candidate
/// pairs, which non-matches dominate, this is a rough start for u when u is
/// learnt by EM (fix_u = false) rather than sampled.
std::vector<std::vector<double>> LevelSharesOfPatterns(const PatternCounts& counts,
                                                       double pseudo_count = 1.0);

/// Return a starting λ from a deterministic rule (Splink's
/// estimate_probability_two_random_records_match): `rule_pairs` candidate pairs
/// satisfy a rule believed to catch `recall` of all matches (0 < recall <= 1), out
/// of `candidate_pairs`: λ = rule_pairs / recall / candidate_pairs, clamped to
/// [kMinLambda, kMaxLambda]. InvalidArgument for non-positive counts or recall.
Result<double> LambdaFromRule(int64_t rule_pairs, int64_t candidate_pairs, double recall = 1.0);

/// Smallest and largest λ EM may return.
inline constexpr double kMinLambda = 1e-12;
inline constexpr double kMaxLambda = 1.0 - 1e-12;

}  // namespace vitalink::link
