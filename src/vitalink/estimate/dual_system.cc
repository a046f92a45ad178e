#include "vitalink/estimate/dual_system.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "vitalink/estimate/capture_table.h"
#include "vitalink/estimate/loglinear.h"
#include "vitalink/estimate/numeric_internal.h"

namespace vitalink::estimate {
namespace {

// x·ln(x/N), with 0·ln 0 = 0.
double XLogXOverN(double x, double n) { return x > 0.0 ? x * std::log(x / n) : 0.0; }

// Profile log-likelihood of N under two independent lists (p_s profiled out:
// p̂_s = n_s/N), up to a constant; N ≥ r, continuous through lgamma.
double TwoListProfile(double n, double n1, double n2, double r) {
  return std::lgamma(n + 1.0) - std::lgamma(n - r + 1.0) + XLogXOverN(n1, n) + XLogXOverN(n - n1, n) +
         XLogXOverN(n2, n) + XLogXOverN(n - n2, n);
}

// The profile interval when the log-linear fit sits on the boundary (one list
// holds everyone seen, so the unseen cell's estimate is 0): the likelihood in
// N is still well defined, falls from its maximum near r, and its χ²₁ cut-off
// gives a finite upper end. Bisection on the closed form above.
Interval BoundaryProfileInterval(double n1, double n2, double r, double confidence) {
  const double cut = internal::ChiSquare1Quantile(confidence) / 2.0;
  // Maximum: N̂ on [r, r + 1e6], by golden-section search (the function is unimodal).
  double lo = r, hi = r + 1e6;
  for (int i = 0; i < 200; ++i) {
    const double a = lo + (hi - lo) * 0.381966, b = lo + (hi - lo) * 0.618034;
    if (TwoListProfile(a, n1, n2, r) < TwoListProfile(b, n1, n2, r)) lo = a; else hi = b;
  }
  const double n_hat = (lo + hi) / 2.0;
  const double top = TwoListProfile(n_hat, n1, n2, r);
  auto below = [&](double n) { return top - TwoListProfile(n, n1, n2, r) > cut; };
  Interval out{r, std::numeric_limits<double>::infinity()};
  if (below(r)) {
    double a = r, b = n_hat;
    for (int i = 0; i < 200; ++i) (below((a + b) / 2) ? a : b) = (a + b) / 2;
    out.lower = (a + b) / 2;
  }
  double a = n_hat, b = n_hat + 1.0;
  while (!below(b) && b < r + 1e9) b = n_hat + (b - n_hat) * 2.0;
  if (below(b)) {
    for (int i = 0; i < 200; ++i) (below((a + b) / 2) ? b : a) = (a + b) / 2;
    out.upper = (a + b) / 2;
  }
  return out;
}

}  // namespace

Result<DualSystemEstimate> EstimateDualSystem(int64_t n1, int64_t n2, double m,
                                              const DualSystemOptions& options) {
  const double d1 = static_cast<double>(n1);
  const double d2 = static_cast<double>(n2);
  if (n1 < 0 || n2 < 0 || !(m >= 0.0) || m > std::min(d1, d2)) {
    return Status::InvalidArgument(
        "dual system: need 0 <= m <= min(n1, n2), got n1=" + std::to_string(n1) +
        " n2=" + std::to_string(n2) + " m=" + std::to_string(m));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    return Status::InvalidArgument("dual system: confidence must be in (0, 1)");
  }
  if (!(options.extra_variance >= 0.0)) {
    return Status::InvalidArgument("dual system: extra_variance must be >= 0");
  }
  DualSystemEstimate e;
  e.n1 = n1;
  e.n2 = n2;
  e.m = m;
  e.method = options.interval;
  e.observed = d1 + d2 - m;
  e.lincoln_petersen = m > 0.0 ? d1 * d2 / m : std::numeric_limits<double>::infinity();
  e.chapman = ChapmanEstimate(d1, d2, m);
  e.chapman_variance =
      (d1 + 1.0) * (d2 + 1.0) * (d1 - m) * (d2 - m) / ((m + 1.0) * (m + 1.0) * (m + 2.0));
  e.extra_variance = options.extra_variance;
  e.chapman_se = std::sqrt(e.chapman_variance + e.extra_variance);
  const double v = e.chapman_variance + e.extra_variance;
  e.small_m = m < 7.0;
  if (m == 0.0) {
    e.note =
        "no matches: the lists look disjoint, Lincoln-Petersen is infinite and Chapman is "
        "only an order of magnitude";
  } else if (e.small_m) {
    e.note = "fewer than 7 matches: Chapman's estimate may be biased";
  }

  const double z = internal::NormalQuantile(0.5 + options.confidence / 2.0);
  const double r = e.observed;
  // r is a hard lower bound only when m is a count of persons seen on both
  // lists; an adjusted M̂ makes r an estimate too, and only max(n1, n2) is certain.
  const bool exact_m = m == std::floor(m) && options.extra_variance == 0.0;
  const double floor_n = exact_m ? r : std::max(d1, d2);
  e.normal_interval = {std::max(floor_n, e.chapman - z * e.chapman_se),
                       e.chapman + z * e.chapman_se};
  // Chao's interval: f̂₀ = (n1 − m)(n2 − m)/(m + 1), written that way to avoid
  // cancellation when the lists are nearly complete.
  const double f0 = (d1 - m) * (d2 - m) / (m + 1.0);
  if (f0 > 0.0) {
    const double c = std::exp(z * std::sqrt(std::log1p(v / (f0 * f0))));
    e.lognormal_interval = {r + f0 / c, r + f0 * c};
  } else {
    // One list holds everyone seen: nobody is estimated missing and v = 0.
    e.lognormal_interval = {r, r};
  }

  auto add_note = [&](const std::string& text) { e.note += (e.note.empty() ? "" : "; ") + text; };
  if (e.method == DualIntervalMethod::kProfile &&
      (m != std::floor(m) || options.extra_variance > 0.0)) {
    e.method = DualIntervalMethod::kNormal;
    add_note("profile interval needs an integer m and no extra variance: normal interval used");
  }
  if (e.method == DualIntervalMethod::kProfile) {
    VL_ASSIGN_OR_RETURN(CaptureTable table,
                        CaptureTable::FromTwoSources(n1, n2, static_cast<int64_t>(m)));
    Result<ProfileInterval> profile =
        ProfileLikelihoodInterval(table, LogLinearModel::Independence(), options.confidence);
    if (profile.ok()) {
      e.has_profile = true;
      e.profile_interval = profile->interval;
    } else if (m > 0.0) {
      // The fit is on the boundary (one list holds everyone seen): profile the
      // closed-form likelihood in N instead.
      e.has_profile = true;
      e.profile_interval = BoundaryProfileInterval(d1, d2, r, options.confidence);
      add_note("one list holds everyone seen: profile interval from the closed-form likelihood");
    } else {
      // m = 0 (or an empty list) leaves the likelihood without a finite maximum.
      e.profile_interval = {r, std::numeric_limits<double>::infinity()};
      add_note("profile interval unbounded");
    }
  }
  switch (e.method) {
    case DualIntervalMethod::kNormal: e.interval = e.normal_interval; break;
    case DualIntervalMethod::kLogNormal: e.interval = e.lognormal_interval; break;
    case DualIntervalMethod::kProfile: e.interval = e.profile_interval; break;
  }
  if (e.chapman > 0.0) {
    e.completeness1 = d1 / e.chapman;
    e.completeness2 = d2 / e.chapman;
  }
  auto completeness_interval = [&](double n_s) {
    return Interval{e.interval.upper > 0.0 ? n_s / e.interval.upper : 0.0,
                    e.interval.lower > 0.0 ? std::min(1.0, n_s / e.interval.lower) : 1.0};
  };
  e.completeness1_interval = completeness_interval(d1);
  e.completeness2_interval = completeness_interval(d2);
  return e;
}

}  // namespace vitalink::estimate
