#include "vitalink/estimate/simulate.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace vitalink::estimate {
namespace {

// Inversion for n ≤ 512 trials and p ≤ 1/2: walk up the CDF from k = 0.
int64_t BinomialInversion(SimRng& rng, int64_t n, double p) {
  const double q = 1.0 - p;
  const double ratio = p / q;
  double pmf = std::pow(q, static_cast<double>(n));
  double u = rng.NextDouble();
  int64_t k = 0;
  while (u >= pmf && k < n) {
    u -= pmf;
    pmf *= ratio * static_cast<double>(n - k) / static_cast<double>(k + 1);
    ++k;
  }
  return k;
}

}  // namespace

int64_t SimRng::UniformInt(int64_t lo, int64_t hi) {
  const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(Next() % range);
}

int64_t Binomial(SimRng& rng, int64_t n, double p) {
  if (n <= 0 || p <= 0.0) return 0;
  if (p >= 1.0) return n;
  if (p > 0.5) return n - Binomial(rng, n, 1.0 - p);
  constexpr int64_t kChunk = 512;
  int64_t successes = 0;
  for (int64_t done = 0; done < n; done += kChunk) {
    successes += BinomialInversion(rng, std::min(kChunk, n - done), p);
  }
  return successes;
}

TwoSourceSample SimulateTwoSources(SimRng& rng, int64_t population, double p1, double p2) {
  TwoSourceSample s;
  s.n1 = Binomial(rng, population, p1);
  s.m = Binomial(rng, s.n1, p2);
  s.n2 = s.m + Binomial(rng, population - s.n1, p2);
  return s;
}

CaptureTable SimulateCaptures(SimRng& rng, int64_t population, int num_sources,
                              const CaptureProbability& probability) {
  VL_CHECK(num_sources >= 2 && num_sources <= kMaxSources);
  // groups[h] = persons whose captures so far form the partial history h.
  std::vector<int64_t> groups(size_t{1} << num_sources, 0);
  groups[0] = population;
  for (int source = 0; source < num_sources; ++source) {
    const uint32_t bit = 1U << source;
    for (uint32_t earlier = 0; earlier < bit; ++earlier) {
      const int64_t caught = Binomial(rng, groups[earlier], probability(source, earlier));
      groups[earlier] -= caught;
      groups[earlier | bit] += caught;
    }
  }
  std::vector<int64_t> counts(groups.begin() + 1, groups.end());
  Result<CaptureTable> table = CaptureTable::Make(num_sources, std::move(counts));
  VL_CHECK(table.ok());
  return std::move(table).value();
}

int64_t SimulateDeclaredLinks(SimRng& rng, int64_t m, int64_t n2, double alpha, double beta) {
  return Binomial(rng, m, 1.0 - alpha) + Binomial(rng, n2 - m, beta);
}

}  // namespace vitalink::estimate
