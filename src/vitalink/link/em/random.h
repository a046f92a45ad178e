// Seeded pseudo-random numbers for the model stage, identical on every platform
// (no std distributions, whose output is implementation-defined).
//
// SplitMix64 (Steele, Lea & Flood 2014) expands a seed; Xoshiro256** (Blackman &
// Vigna 2018) draws the stream; UniformBelow draws an unbiased integer in [0, n)
// by Lemire's multiply-and-reject method (Lemire 2019).
//
//   Xoshiro256 rng(seed);
//   uint64_t a = rng.UniformBelow(num_records);
#pragma once

#include <cstdint>

namespace vitalink::link {

__extension__ using Uint128 =
    unsigned __int128;  // GCC/Clang builtin; __extension__ silences -Wpedantic

/// Return the next SplitMix64 output and advance `state`.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// Xoshiro256**: 256 bits of state, period 2^256-1. Not thread-safe; one per thread.
class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed) {
    uint64_t sm = seed;
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

  /// Return a uniform integer in [0, n); n > 0.
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

}  // namespace vitalink::link
