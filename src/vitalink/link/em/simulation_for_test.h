// Test-only: comparison vectors simulated from a known Fellegi–Sunter model.
// Each pair is a match with probability λ; γ_k is null with probability
// null_rate[k] (missing completely at random), else drawn from m_k or u_k.
#pragma once

#include <cstdint>
#include <vector>

#include "vitalink/link/em/model.h"
#include "vitalink/link/em/random.h"

namespace vitalink::link::testing {

struct SimulatedPairs {
  std::vector<uint8_t> gammas;  // row-major, K per pair
  std::vector<bool> is_match;
  int64_t num_pairs = 0;
};

inline uint8_t DrawLevel(Xoshiro256& rng, const std::vector<double>& probs) {
  const double x = rng.NextDouble();
  double cumulative = 0.0;
  for (size_t l = 0; l + 1 < probs.size(); ++l) {
    cumulative += probs[l];
    if (x < cumulative) return static_cast<uint8_t>(l);
  }
  return static_cast<uint8_t>(probs.size() - 1);
}

inline SimulatedPairs Simulate(const FsModel& truth, const std::vector<double>& null_rate,
                               int64_t num_pairs, uint64_t seed) {
  SimulatedPairs out;
  const auto kk = static_cast<size_t>(truth.num_comparisons());
  Xoshiro256 rng(seed);
  out.num_pairs = num_pairs;
  out.gammas.resize(static_cast<size_t>(num_pairs) * kk);
  out.is_match.resize(static_cast<size_t>(num_pairs));
  for (int64_t pair = 0; pair < num_pairs; ++pair) {
    const bool match = rng.NextDouble() < truth.lambda();
    out.is_match[static_cast<size_t>(pair)] = match;
    for (size_t k = 0; k < kk; ++k) {
      uint8_t& level = out.gammas[static_cast<size_t>(pair) * kk + k];
      if (rng.NextDouble() < null_rate[k]) {
        level = kGammaNull;
        // Keep the stream aligned so null rates do not change the other draws.
        rng.NextDouble();
      } else {
        level = DrawLevel(rng, match ? truth.m(static_cast<int>(k)) : truth.u(static_cast<int>(k)));
      }
    }
  }
  return out;
}

/// A K=5 truth with 2–4 levels per comparison, monotone Bayes factors.
inline FsModel FiveComparisonTruth(double lambda) {
  const std::vector<int> levels = {2, 3, 4, 3, 2};
  ModelShape shape = ModelShape::FromLevelCounts(levels).value();
  std::vector<std::vector<double>> m = {
      {0.08, 0.92}, {0.05, 0.15, 0.80}, {0.03, 0.07, 0.20, 0.70}, {0.10, 0.25, 0.65}, {0.15, 0.85}};
  std::vector<std::vector<double>> u = {
      {0.90, 0.10}, {0.85, 0.10, 0.05}, {0.70, 0.20, 0.08, 0.02}, {0.60, 0.30, 0.10}, {0.50, 0.50}};
  return FsModel::Make(shape, lambda, m, u).value();
}

}  // namespace vitalink::link::testing
