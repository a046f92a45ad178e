// Naive twins for the estimate stage's tests (header-only, test use only).
//
// Two lists under independence have a closed-form complete-table fit: with the
// missing cell filled by z and N = n + z, μ̂_h/N = p̂_row · p̂_col from the margins.
// So the Cormack profile log-likelihood ℓ(N) needs no IRLS, and a dense grid over
// z gives its maximiser and the χ²₁ cut-off crossings without a root finder.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace vitalink::estimate::reference {

/// Return ℓ(N) at N = n + z for lists of sizes n1, n2 with m matched, independence.
inline double TwoSourceProfileLogLik(int64_t n1, int64_t n2, int64_t m, double z) {
  const double a = static_cast<double>(m);       // in both
  const double b = static_cast<double>(n1 - m);  // list 1 only
  const double c = static_cast<double>(n2 - m);  // list 2 only
  const double total = a + b + c + z;
  const double p1 = static_cast<double>(n1) / total;
  const double p2 = static_cast<double>(n2) / total;
  double ll = std::lgamma(total + 1.0) - std::lgamma(z + 1.0) - std::lgamma(a + 1.0) -
              std::lgamma(b + 1.0) - std::lgamma(c + 1.0);
  auto term = [](double count, double prob) { return count > 0.0 ? count * std::log(prob) : 0.0; };
  ll += term(a, p1 * p2) + term(b, p1 * (1 - p2)) + term(c, (1 - p1) * p2) +
        term(z, (1 - p1) * (1 - p2));
  return ll;
}

struct GridInterval {
  double z_max = 0.0;
  double lower = 0.0;  ///< in z
  double upper = 0.0;  ///< in z
};

/// Scan `loglik` over z = 0, step, 2·step, … ≤ z_end; interpolate the crossings of
/// max − cut/2 linearly. Cost O(z_end / step) evaluations.
template <typename F>
GridInterval GridProfile(F loglik, double z_end, double step, double chi2_cut) {
  std::vector<double> zs;
  std::vector<double> lls;
  for (double z = 0.0; z <= z_end; z += step) {
    zs.push_back(z);
    lls.push_back(loglik(z));
  }
  size_t best = 0;
  for (size_t i = 1; i < lls.size(); ++i) {
    if (lls[i] > lls[best]) best = i;
  }
  GridInterval out;
  out.z_max = zs[best];
  const double cut = lls[best] - chi2_cut / 2.0;
  out.lower = 0.0;
  for (size_t i = best; i > 0; --i) {
    if (lls[i - 1] < cut) {
      out.lower = zs[i - 1] + (cut - lls[i - 1]) / (lls[i] - lls[i - 1]) * step;
      break;
    }
  }
  out.upper = z_end;
  for (size_t i = best; i + 1 < lls.size(); ++i) {
    if (lls[i + 1] < cut) {
      out.upper = zs[i] + (lls[i] - cut) / (lls[i] - lls[i + 1]) * step;
      break;
    }
  }
  return out;
}

}  // namespace vitalink::estimate::reference
