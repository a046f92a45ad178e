#include "vitalink/link/em/u_sampling.h"

#include <algorithm>

#include "vitalink/link/em/random.h"

namespace vitalink::link {

std::vector<std::vector<double>> SmoothU(const ModelShape& shape,
                                         const std::vector<std::vector<int64_t>>& counts,
                                         double pseudo_count) {
  std::vector<std::vector<double>> u;
  for (int k = 0; k < shape.num_comparisons(); ++k) {
    const auto num_levels = static_cast<size_t>(shape.num_levels(k));
    const auto& c = counts[static_cast<size_t>(k)];
    int64_t observed = 0;
    for (size_t l = 0; l < num_levels; ++l) observed += c[l];
    std::vector<double> u_k(num_levels);
    const double denom =
        static_cast<double>(observed) + pseudo_count * static_cast<double>(num_levels);
    for (size_t l = 0; l < num_levels; ++l) {
      u_k[l] = denom > 0.0 ? (static_cast<double>(c[l]) + pseudo_count) / denom
                           : 1.0 / static_cast<double>(num_levels);
    }
    u.push_back(std::move(u_k));
  }
  return u;
}

Result<std::vector<std::pair<int64_t, int64_t>>> SampleUPairs(int64_t num_records,
                                                              const PairFilter& allowed,
                                                              const USamplingOptions& options) {
  if (num_records < 2) return Status::InvalidArgument("EstimateU needs at least 2 records");
  if (options.max_pairs < 1) return Status::InvalidArgument("EstimateU needs max_pairs >= 1");
  if (!(options.pseudo_count >= 0.0)) return Status::InvalidArgument("pseudo_count must be >= 0");
  const int64_t max_rejections =
      options.max_rejections > 0 ? options.max_rejections : 100 * options.max_pairs + 1000;
  std::vector<std::pair<int64_t, int64_t>> pairs;
  pairs.reserve(static_cast<size_t>(std::min<int64_t>(options.max_pairs, 1 << 24)));
  Xoshiro256 rng(options.seed);
  const auto n = static_cast<uint64_t>(num_records);
  int64_t rejections = 0;
  while (static_cast<int64_t>(pairs.size()) < options.max_pairs && rejections < max_rejections) {
    // b uniform over the n-1 records other than a.
    const auto a = static_cast<int64_t>(rng.UniformBelow(n));
    auto b = static_cast<int64_t>(rng.UniformBelow(n - 1));
    if (b >= a) ++b;
    if (allowed && !allowed(a, b)) {
      ++rejections;
      continue;
    }
    pairs.emplace_back(a, b);
  }
  if (pairs.empty()) {
    return Status::FailedPrecondition("EstimateU: the pair filter rejected every sampled pair");
  }
  return pairs;
}

Result<USample> EstimateU(const ModelShape& shape, int64_t num_records,
                          const GammaFunction& gamma_fn, const PairFilter& allowed,
                          const USamplingOptions& options) {
  VL_ASSIGN_OR_RETURN(auto pairs, SampleUPairs(num_records, allowed, options));
  const int num_comparisons = shape.num_comparisons();
  USample sample;
  for (int k = 0; k < num_comparisons; ++k) {
    sample.counts.emplace_back(static_cast<size_t>(shape.num_levels(k)) + 1, 0);
  }
  std::vector<uint8_t> gamma(static_cast<size_t>(num_comparisons));
  for (const auto& [a, b] : pairs) {
    gamma_fn(a, b, gamma.data());
    for (int k = 0; k < num_comparisons; ++k) {
      const uint8_t level = gamma[static_cast<size_t>(k)];
      auto& c = sample.counts[static_cast<size_t>(k)];
      VL_CHECK(level == kGammaNull || level < shape.num_levels(k));
      ++c[level == kGammaNull ? c.size() - 1 : level];
    }
  }
  sample.pairs = static_cast<int64_t>(pairs.size());
  sample.u = SmoothU(shape, sample.counts, options.pseudo_count);
  return sample;
}

}  // namespace vitalink::link
