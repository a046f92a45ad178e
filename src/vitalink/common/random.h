// The one pseudo-random generator of vitalink: xoshiro256** (Blackman & Vigna
// 2018) seeded through splitmix64, with Lemire's (2019) unbiased bounded draw.
// Written out so every platform draws the same numbers: no std::random_device,
// no std::*_distribution (their results are implementation-defined).
//
//   Xoshiro256 rng(seed);             // or Xoshiro256(seed, stream) for an
//   uint64_t i = rng.UniformBelow(n); // independent sequence per purpose
//   double x = rng.NextDouble();
#pragma once

#include <cstdint>

namespace vitalink {

__extension__ using Uint128 = unsigned __int128;  // GCC/Clang builtin; __extension__ for -Wpedantic

/// Advance `state` and return the next splitmix64 output.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// xoshiro256**. Not thread-safe; cheap to copy.
class Xoshiro256 {
 public:
  /// Seed from (`seed`, `stream`): different streams are independent sequences,
  /// and stream 0 is the plain seed.
  explicit Xoshiro256(uint64_t seed, uint64_t stream = 0) {
    uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  /// Return the next 64 random bits.
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  /// Return a uniform integer in [0, n), n > 0 (Lemire 2019: multiply-shift with rejection).
  uint64_t UniformBelow(uint64_t n) {
    Uint128 product = static_cast<Uint128>(Next()) * n;
    auto low = static_cast<uint64_t>(product);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        product = static_cast<Uint128>(Next()) * n;
        low = static_cast<uint64_t>(product);
      }
    }
    return static_cast<uint64_t>(product >> 64);
  }

  /// Return a uniform double in [0, 1) with 53 random bits.
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace vitalink
