// Model-stage speed: (1) pattern counting, γ vectors per second for K = 6
// (dense key space) and K = 10 (hash table); (2) EM over 1e5 distinct patterns,
// per iteration; (3) match weights per second, plain and with TF adjustment.
//
//   em_benchmark --benchmark_min_time=0.5
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "vitalink/link/em/em.h"
#include "vitalink/link/em/pattern_counts.h"
#include "vitalink/link/em/random.h"
#include "vitalink/link/em/scoring.h"

namespace vitalink::link {
namespace {

constexpr int64_t kRows = 1 << 16;

// Skewed random γ: level l with probability about 2^-(l+1), so "else" dominates
// as among candidate pairs; 5% nulls.
std::vector<uint8_t> MakeRows(const ModelShape& shape, int64_t rows, uint64_t seed) {
  Xoshiro256 rng(seed);
  const auto kk = static_cast<size_t>(shape.num_comparisons());
  std::vector<uint8_t> out(static_cast<size_t>(rows) * kk);
  for (size_t i = 0; i < out.size(); ++i) {
    const int num_levels = shape.num_levels(static_cast<int>(i % kk));
    if (rng.UniformBelow(20) == 0) {
      out[i] = kGammaNull;
      continue;
    }
    int level = 0;
    while (level + 1 < num_levels && rng.UniformBelow(2) == 0) ++level;
    out[i] = static_cast<uint8_t>(level);
  }
  return out;
}

void CountRows(benchmark::State& state, const std::vector<int>& levels) {
  ModelShape shape = ModelShape::FromLevelCounts(levels).value();
  const std::vector<uint8_t> rows = MakeRows(shape, kRows, 1);
  for (auto _ : state) {
    PatternCounts counts(shape);
    counts.AddRows(rows.data(), kRows);
    benchmark::DoNotOptimize(counts.size());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_PatternCountsDenseK6(benchmark::State& state) { CountRows(state, {3, 3, 4, 2, 4, 3}); }
BENCHMARK(BM_PatternCountsDenseK6);

void BM_PatternCountsSparseK10(benchmark::State& state) {
  CountRows(state, std::vector<int>(10, 4));
}
BENCHMARK(BM_PatternCountsSparseK10);

// 1e5 distinct patterns of K = 10 comparisons with 4 levels (uniform levels so
// that enough distinct patterns exist), counts 1..1000.
PatternCounts DistinctPatterns(int64_t wanted) {
  ModelShape shape = ModelShape::FromLevelCounts(std::vector<int>(10, 4)).value();
  PatternCounts counts(shape);
  Xoshiro256 rng(5);
  uint8_t gamma[10];
  while (counts.size() < wanted) {
    for (uint8_t& g : gamma) {
      const uint64_t draw = rng.UniformBelow(5);
      g = draw == 4 ? kGammaNull : static_cast<uint8_t>(draw);
    }
    if (counts.Count(shape.Encode(gamma)) == 0)
      counts.Add(gamma, static_cast<int64_t>(1 + rng.UniformBelow(1000)));
  }
  return counts;
}

void BM_TrainEm100kPatterns(benchmark::State& state) {
  const PatternCounts counts = DistinctPatterns(100000);
  FsModel init = FsModel::Default(counts.shape(), 0.01);
  EmOptions opts;
  opts.fix_u = state.range(0) == 0;
  opts.max_iterations = 20;
  opts.tolerance = 0.0;
  for (auto _ : state) {
    Result<EmResult> fit = TrainEm(counts, init, opts);
    benchmark::DoNotOptimize(fit.value().model.lambda());
  }
  state.counters["patterns"] = static_cast<double>(counts.size());
  state.counters["iterations"] = opts.max_iterations;
  // Total EM iterations over total CPU time, inverted: CPU seconds per EM iteration
  // (the one-off sort and decode of the patterns included).
  state.counters["s_per_em_iteration"] = benchmark::Counter(
      static_cast<double>(opts.max_iterations) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TrainEm100kPatterns)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("learn_u")
    ->Unit(benchmark::kMillisecond);

void BM_MatchWeight(benchmark::State& state) {
  std::vector<ComparisonShape> comparisons;
  for (int k = 0; k < 6; ++k)
    comparisons.push_back({"c" + std::to_string(k), {"else", "close", "exact"}, {}});
  comparisons[0].tf.enabled = state.range(0) == 1;
  ModelShape shape = ModelShape::Make(comparisons).value();
  FsModel model = FsModel::Default(shape, 0.01);
  std::vector<uint32_t> column(100000);
  Xoshiro256 rng(3);
  for (uint32_t& id : column) id = static_cast<uint32_t>(rng.UniformBelow(5000));
  TermFrequencies tf = TermFrequencies::FromValueIds(column);
  PairScorer scorer =
      PairScorer::Make(model, {&tf, nullptr, nullptr, nullptr, nullptr, nullptr}).value();
  const std::vector<uint8_t> rows = MakeRows(shape, kRows, 2);
  std::vector<uint32_t> ids(static_cast<size_t>(kRows) * 6, kNullValueId);
  for (size_t row = 0; row < static_cast<size_t>(kRows); ++row)
    ids[row * 6] = column[row % column.size()];
  for (auto _ : state) {
    double sum = 0.0;
    for (size_t row = 0; row < static_cast<size_t>(kRows); ++row) {
      sum += scorer.MatchWeight(&rows[row * 6], &ids[row * 6]);
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_MatchWeight)->Arg(0)->Arg(1)->ArgName("tf");

}  // namespace
}  // namespace vitalink::link

BENCHMARK_MAIN();
