// Simulated capture–recapture populations for the coverage studies and
// benchmarks: a seeded xoshiro256** generator (Blackman & Vigna 2018, seeded by
// splitmix64), exact binomial draws, and K-source capture tables built by
// splitting the population source by source, so capture probabilities may depend
// on earlier captures (list dependence) or on a latent class (heterogeneity).
// Deterministic on every platform: no std::*_distribution is used.
//
//   SimRng rng(42);
//   TwoSourceSample s = SimulateTwoSources(rng, 1000, 0.9, 0.95);
//   CaptureTable t = SimulateCaptures(rng, 1000, 3, [](int s, uint32_t earlier) {
//     return s == 1 && (earlier & 1U) ? 0.9 : 0.7;  // source 2 depends on source 1
//   });
#pragma once

#include <cstdint>
#include <functional>

#include "vitalink/common/random.h"
#include "vitalink/estimate/capture_table.h"

namespace vitalink::estimate {

/// xoshiro256**, seeded through splitmix64. Not thread-safe; cheap to copy.
class SimRng {
 public:
  explicit SimRng(uint64_t seed, uint64_t stream = 0) : gen_(seed, stream) {}
  uint64_t Next() { return gen_.Next(); }
  /// Return a uniform double in [0, 1) with 53 random bits.
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  /// Return a uniform double in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * NextDouble(); }
  /// Return a uniform integer in [lo, hi] (inclusive; modulo bias below 2^-40 for
  /// ranges under 2^24, irrelevant here).
  int64_t UniformInt(int64_t lo, int64_t hi);

 private:
  Xoshiro256 gen_;
};

/// Return a Binomial(n, p) draw, exactly: by symmetry p ≤ 1/2, then inversion of
/// the CDF (the pmf recurrence f(k+1) = f(k)·(n−k)/(k+1)·p/q) on chunks of at most
/// 512 trials so q^512 never underflows. Expected cost O(n·min(p, 1−p) + n/512).
int64_t Binomial(SimRng& rng, int64_t n, double p);

struct TwoSourceSample {
  int64_t n1 = 0;
  int64_t n2 = 0;
  int64_t m = 0;
};

/// Capture each of N persons independently by list 1 with p1 and list 2 with p2.
TwoSourceSample SimulateTwoSources(SimRng& rng, int64_t population, double p1, double p2);

/// Capture probability of `source` for a person whose captures by sources
/// 0 … source−1 are the bits of `earlier`.
using CaptureProbability = std::function<double(int source, uint32_t earlier)>;

/// Return the observed table for N persons over K sources (2 ≤ K ≤ 6), drawing,
/// source by source, a binomial for every partial history.
CaptureTable SimulateCaptures(SimRng& rng, int64_t population, int num_sources,
                              const CaptureProbability& probability);

/// Return the declared link count when each of the m true matches is declared
/// with probability 1 − α and each of the n2 − m unmatched list-2 records is
/// falsely linked with probability β (the Ding–Fienberg error model).
int64_t SimulateDeclaredLinks(SimRng& rng, int64_t m, int64_t n2, double alpha, double beta);

}  // namespace vitalink::estimate
