// Deterministic random numbers for the synthetic county.
//
// std::*_distribution results differ between standard libraries, so the
// generator samples only through this file: xoshiro256** (Blackman & Vigna,
// "Scrambled linear pseudorandom number generators", 2018) seeded by
// splitmix64, with our own bounded, Bernoulli, normal and weighted sampling.
//
//   Rng rng(seed, kStreamPopulation);
//   int age = static_cast<int>(rng.Uniform(90));
//   if (rng.Bernoulli(0.02)) ...
//   WeightedPicker picker(weights); size_t i = picker.Pick(rng);
#pragma once

#include <cstdint>
#include <vector>

#include "vitalink/common/random.h"
#include "vitalink/common/status.h"

namespace vitalink::synth {

class Rng {
 public:
  /// Seed from (`seed`, `stream`): different streams are independent sequences,
  /// so changing how one source is derived never changes another.
  explicit Rng(uint64_t seed, uint64_t stream = 0) : gen_(seed, stream) {}

  uint64_t Next() { return gen_.Next(); }

  /// Return a uniform integer in [0, n), n > 0 (Lemire 2019, multiply-shift with rejection).
  uint64_t Uniform(uint64_t n) {
    VL_DCHECK(n > 0);
    return gen_.UniformBelow(n);
  }

  /// Return a uniform integer in [lo, hi] (inclusive), lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Uniform(static_cast<uint64_t>(hi - lo) + 1));
  }
  int UniformInt32(int lo, int hi) { return static_cast<int>(UniformInt(lo, hi)); }

  /// Return a uniform double in [0, 1) with 53 random bits.
  double NextDouble() { return gen_.NextDouble(); }

  /// Return true with probability p (p <= 0 never, p >= 1 always; no draw is skipped).
  bool Bernoulli(double p) { return NextDouble() < p; }

  /// Return an approximately standard-normal value: Irwin–Hall sum of 12
  /// uniforms minus 6 (plain arithmetic, so identical on every libm).
  double Normal() {
    double sum = 0;
    for (int draw_idx = 0; draw_idx < 12; ++draw_idx) sum += NextDouble();
    return sum - 6.0;
  }

 private:
  Xoshiro256 gen_;
};

/// Sample indices in proportion to non-negative weights by binary search on
/// the cumulative sums: O(log n) per draw, deterministic.
class WeightedPicker {
 public:
  WeightedPicker() = default;
  explicit WeightedPicker(const std::vector<double>& weights) {
    cumulative_.reserve(weights.size());
    double total = 0;
    for (double w : weights) {
      total += w > 0 ? w : 0;
      cumulative_.push_back(total);
    }
    VL_CHECK(total > 0);
  }
  size_t Pick(Rng& rng) const {
    const double x = rng.NextDouble() * cumulative_.back();
    size_t lo = 0;
    size_t hi = cumulative_.size() - 1;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (cumulative_[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

}  // namespace vitalink::synth
