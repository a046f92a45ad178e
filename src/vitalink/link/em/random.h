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

#include "vitalink/common/random.h"

namespace vitalink::link {

using ::vitalink::SplitMix64;
using ::vitalink::Xoshiro256;

}  // namespace vitalink::link
