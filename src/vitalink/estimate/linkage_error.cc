#include "vitalink/estimate/linkage_error.h"

#include <algorithm>
#include <cmath>

#include "vitalink/estimate/numeric_internal.h"

namespace vitalink::estimate {
namespace {

double Clamp(double m, int64_t n1, int64_t n2) {
  return std::clamp(m, 0.0, static_cast<double>(std::min(n1, n2)));
}

}  // namespace

Result<double> AdjustMatchedCount(double m_declared, const LinkageErrorRates& rates) {
  const double phi = rates.false_match_rate;
  const double psi = rates.missed_match_rate;
  if (!(phi >= 0.0 && phi < 1.0) || !(psi >= 0.0 && psi < 1.0) || !(m_declared >= 0.0)) {
    return Status::InvalidArgument("linkage adjustment: need 0 <= rates < 1 and m >= 0");
  }
  return m_declared * (1.0 - phi) / (1.0 - psi);
}

Result<double> AdjustMatchedCountDingFienberg(double m_declared, int64_t n1, int64_t n2,
                                              double alpha, double beta) {
  if (!(alpha >= 0.0) || !(beta >= 0.0) || !(alpha + beta < 1.0) || !(m_declared >= 0.0)) {
    return Status::InvalidArgument(
        "Ding-Fienberg adjustment: need alpha, beta >= 0, alpha + beta < 1");
  }
  return Clamp((m_declared - beta * static_cast<double>(n2)) / (1.0 - alpha - beta), n1, n2);
}

Result<DualSystemEstimate> EstimateDualSystemAdjusted(int64_t n1, int64_t n2, double m_declared,
                                                      const LinkageErrorRates& rates,
                                                      const DualSystemOptions& options) {
  VL_ASSIGN_OR_RETURN(double m_raw, AdjustMatchedCount(m_declared, rates));
  const double m_hat = Clamp(m_raw, n1, n2);
  const double d1 = static_cast<double>(n1);
  const double d2 = static_cast<double>(n2);
  const double alpha = rates.missed_match_rate;
  const double unmatched = d2 - m_hat;
  const double beta =
      unmatched > 0.0 ? std::min(1.0, rates.false_match_rate * m_declared / unmatched) : 0.0;
  const double denom = 1.0 - alpha - beta;
  DualSystemOptions adjusted_options = options;
  if (denom > 0.0) {
    const double var_declared = m_hat * alpha * (1.0 - alpha) + unmatched * beta * (1.0 - beta);
    const double var_m = var_declared / (denom * denom);
    const double slope = (d1 + 1.0) * (d2 + 1.0) / ((m_hat + 1.0) * (m_hat + 1.0));
    adjusted_options.extra_variance += slope * slope * var_m;
  }
  return EstimateDualSystem(n1, n2, m_hat, adjusted_options);
}

Result<DualSystemEstimate> EstimateDualSystemAdjustedProfile(int64_t n1, int64_t n2,
                                                             int64_t m_declared,
                                                             const LinkageErrorRates& rates,
                                                             double confidence) {
  DualSystemOptions plain_options;
  plain_options.confidence = confidence;
  VL_ASSIGN_OR_RETURN(DualSystemEstimate plain,
                      EstimateDualSystem(n1, n2, static_cast<double>(m_declared), plain_options));
  // The linkage variance in the (φ, ψ) form: correct links ~ Bin(M, 1 − ψ),
  // false links ~ Bin(m*, φ), and M̂ = m* (1 − φ)/(1 − ψ). Unlike β = φ m*/(n2 − M̂)
  // of Ding–Fienberg's form it stays finite when nearly every list-2 record is linked.
  VL_ASSIGN_OR_RETURN(double m_raw, AdjustMatchedCount(static_cast<double>(m_declared), rates));
  const double m_hat = Clamp(m_raw, n1, n2);
  const double phi = rates.false_match_rate, psi = rates.missed_match_rate;
  const double md = static_cast<double>(m_declared);
  const double var_declared = m_hat * psi * (1.0 - psi) + md * phi * (1.0 - phi);
  const double gain = (1.0 - phi) / (1.0 - psi);
  const double slope = static_cast<double>(n1 + 1) * static_cast<double>(n2 + 1) / ((m_hat + 1.0) * (m_hat + 1.0));
  DualSystemOptions normal_options = plain_options;
  normal_options.interval = DualIntervalMethod::kNormal;
  normal_options.extra_variance = slope * slope * var_declared * gain * gain;
  VL_ASSIGN_OR_RETURN(DualSystemEstimate e, EstimateDualSystem(n1, n2, m_hat, normal_options));
  const double z = internal::NormalQuantile(0.5 + confidence / 2.0);
  const double link = z * z * e.extra_variance;
  const double below = plain.chapman - plain.interval.lower;
  const double above = plain.interval.upper - plain.chapman;  // may be +inf
  const double r_declared = static_cast<double>(n1 + n2 - m_declared);
  const double floor_n = static_cast<double>(std::max(n1, n2));
  double lower = e.chapman - std::sqrt(below * below + link);
  lower = std::max(floor_n, std::min(lower, r_declared));
  const double upper = std::isfinite(above) ? e.chapman + std::sqrt(above * above + link) : above;
  e.profile_interval = {lower, upper};
  e.has_profile = plain.has_profile;
  e.method = DualIntervalMethod::kProfile;
  e.interval = e.profile_interval;
  const auto d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  e.completeness1_interval = {upper > 0.0 ? d1 / upper : 0.0, lower > 0.0 ? std::min(1.0, d1 / lower) : 1.0};
  e.completeness2_interval = {upper > 0.0 ? d2 / upper : 0.0, lower > 0.0 ? std::min(1.0, d2 / lower) : 1.0};
  e.note = plain.note.empty() ? std::string() : plain.note + "; ";
  e.note += "interval: the declared count's profile interval around the adjusted estimate, widened by the linkage variance";
  return e;
}

Result<LinkageErrorRates> RatesFromPosteriors(std::span<const double> declared,
                                              std::span<const double> undeclared) {
  if (declared.empty()) return Status::InvalidArgument("linkage rates: no declared links");
  double expected_true_declared = 0.0;
  double expected_true_undeclared = 0.0;
  for (double p : declared) {
    if (!(p >= 0.0 && p <= 1.0))
      return Status::InvalidArgument("linkage rates: probability outside [0, 1]");
    expected_true_declared += p;
  }
  for (double p : undeclared) {
    if (!(p >= 0.0 && p <= 1.0))
      return Status::InvalidArgument("linkage rates: probability outside [0, 1]");
    expected_true_undeclared += p;
  }
  LinkageErrorRates rates;
  rates.false_match_rate = 1.0 - expected_true_declared / static_cast<double>(declared.size());
  const double expected_true = expected_true_declared + expected_true_undeclared;
  rates.missed_match_rate = expected_true > 0.0 ? expected_true_undeclared / expected_true : 0.0;
  return rates;
}

Result<LinkageErrorRates> RatesFromReview(int64_t declared_reviewed, int64_t declared_false,
                                          int64_t true_reviewed, int64_t true_missed) {
  if (declared_reviewed <= 0 || true_reviewed <= 0 || declared_false < 0 || true_missed < 0 ||
      declared_false > declared_reviewed || true_missed > true_reviewed) {
    return Status::InvalidArgument("linkage rates: need 0 <= errors <= reviewed and reviewed > 0");
  }
  return LinkageErrorRates{
      static_cast<double>(declared_false) / static_cast<double>(declared_reviewed),
      static_cast<double>(true_missed) / static_cast<double>(true_reviewed)};
}

}  // namespace vitalink::estimate
