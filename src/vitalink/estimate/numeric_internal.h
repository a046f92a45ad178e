// Small numerical helpers for the estimate stage: the standard normal quantile,
// the χ²₁ quantile, digamma, and Brent's bracketing root finder. Stage-internal.
//
//   double z = NormalQuantile(0.975);             // 1.959963984540054
//   double cut = ChiSquare1Quantile(0.95);        // 3.841458820694124
//   auto root = BrentRoot([](double x) { return x * x - 2; }, 0.0, 2.0, 1e-12);
#pragma once

#include <functional>

#include "vitalink/common/status.h"

namespace vitalink::estimate::internal {

/// Return Φ(x), the standard normal distribution function (via std::erfc).
double NormalCdf(double x);

/// Return Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation refined by one
/// Halley step on erfc, accurate to ~1e-15. Return ±inf at p = 1 or 0.
double NormalQuantile(double p);

/// Return the `p` quantile of χ² with one degree of freedom: Φ⁻¹((1 + p) / 2)².
double ChiSquare1Quantile(double p);

/// Return ψ(x) = d/dx log Γ(x) for x > 0 (recurrence to x ≥ 12, then the
/// asymptotic series).
double Digamma(double x);

/// Return a root of `f` in [a, b] by Brent's method (Brent 1973, "Algorithms for
/// Minimization without Derivatives", ch. 4 zeroin): inverse quadratic
/// interpolation and secant steps guarded by bisection, so it always converges.
/// Require f(a) and f(b) of opposite sign (or one of them zero), else
/// InvalidArgument. Stop when the bracket is below `tolerance` (absolute) or
/// after `max_iterations` (Internal).
Result<double> BrentRoot(const std::function<double(double)>& f, double a, double b,
                         double tolerance, int max_iterations = 200);

}  // namespace vitalink::estimate::internal
