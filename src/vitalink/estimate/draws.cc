#include "vitalink/estimate/draws.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "vitalink/estimate/capture_table.h"
#include "vitalink/estimate/dual_system.h"
#include "vitalink/estimate/numeric_internal.h"

namespace vitalink::estimate {

TwoListCounts TwoLists(const Histories& h) {
  return {h[1] + h[3] + h[5] + h[7], h[2] + h[3] + h[6] + h[7], h[3] + h[7]};
}

DrawSpread SpreadOf(std::span<const double> estimates) {
  DrawSpread s;
  double sum = 0.0;
  for (double e : estimates) {
    if (!std::isfinite(e)) continue;
    ++s.draws;
    sum += e;
  }
  if (s.draws == 0) return s;
  s.mean = sum / static_cast<double>(s.draws);
  if (s.draws < 2) return s;
  double ss = 0.0;
  for (double e : estimates) {
    if (std::isfinite(e)) ss += (e - s.mean) * (e - s.mean);
  }
  s.variance = ss / static_cast<double>(s.draws - 1);
  return s;
}

Interval WidenInterval(double point, Interval interval, const DrawSpread& spread, double confidence,
                       double floor) {
  const double z = internal::NormalQuantile(0.5 + confidence / 2.0);
  const double add = z * z * spread.added_variance();
  const double below = std::max(0.0, point - interval.lower);
  const double above = interval.upper - point;
  Interval out;
  out.lower = std::max(floor, point - std::sqrt(below * below + add));
  out.upper = std::isfinite(above) ? point + std::sqrt(std::max(0.0, above) * std::max(0.0, above) + add)
                                   : interval.upper;
  return out;
}

DrawSpread ChapmanOverDraws(std::span<const Histories> draws, const LinkageErrorRates* rates) {
  std::vector<double> est;
  est.reserve(draws.size());
  for (const Histories& h : draws) {
    const TwoListCounts c = TwoLists(h);
    double m = static_cast<double>(c.m);
    if (rates != nullptr) {
      auto adjusted = AdjustMatchedCount(m, *rates);
      if (!adjusted.ok()) continue;
      m = std::min(*adjusted, static_cast<double>(std::min(c.n1, c.n2)));
    }
    est.push_back(ChapmanEstimate(static_cast<double>(c.n1), static_cast<double>(c.n2), m));
  }
  return SpreadOf(est);
}

Result<ThreeListEstimate> EstimateThreeLists(const Histories& histories, std::span<const Histories> draws) {
  ThreeListEstimate out;
  VL_ASSIGN_OR_RETURN(CaptureTable table,
                      CaptureTable::Make(3, std::vector<int64_t>(histories.begin() + 1, histories.end())));
  VL_ASSIGN_OR_RETURN(MultipleSystemsEstimate mse, EstimateMultipleSystems(table));
  out.fit = mse.best();
  if (!out.fit.has_profile) return Status::FailedPrecondition("the chosen model has no profile interval: " + out.fit.message);
  out.widened = out.fit.profile.interval;
  if (draws.empty()) return out;
  MultipleSystemsOptions one;
  one.models = {out.fit.model};
  one.fit.profile_interval = false;
  std::vector<double> est;
  for (const Histories& h : draws) {
    auto t = CaptureTable::Make(3, std::vector<int64_t>(h.begin() + 1, h.end()));
    if (!t.ok()) continue;
    auto e = EstimateMultipleSystems(*t, one);
    if (e.ok()) est.push_back(e->best().n_hat);
  }
  out.spread = SpreadOf(est);
  out.widened = WidenInterval(out.fit.n_hat, out.fit.profile.interval, out.spread);
  return out;
}

}  // namespace vitalink::estimate
