#include "vitalink/estimate/dual_system.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "vitalink/estimate/capture_table.h"
#include "vitalink/estimate/loglinear.h"
#include "vitalink/estimate/numeric_internal.h"

namespace vitalink::estimate {

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
  e.chapman = (d1 + 1.0) * (d2 + 1.0) / (m + 1.0) - 1.0;
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
