// Cluster stage at register scale: 1 million records, 2 million scored pairs.
//
// The synthetic graph mimics a deduplication run: records belong to persons of
// 1–4 records (scattered over the index space, as in a register), every person's
// records are chained by strong pairs, and the rest are candidate pairs between
// random records, 95 % of them below the 0.5 threshold and the others doubtful
// (0.5–0.98), so weak-bridge refusal has work to do.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "vitalink/cluster/bridges.h"
#include "vitalink/cluster/clustering.h"
#include "vitalink/cluster/evaluate.h"

namespace vitalink::cluster {
namespace {

constexpr int64_t kRecords = 1'000'000;
constexpr int64_t kPairs = 2'000'000;

struct Workload {
  std::vector<ScoredPair> pairs;
  std::vector<int64_t> entity;
  std::vector<int32_t> source;
};

const Workload& GetWorkload() {
  static const Workload w = [] {
    Workload out;
    std::mt19937_64 rng(42);
    std::vector<int64_t> perm(kRecords);
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    out.entity.resize(kRecords);
    out.source.resize(kRecords);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto add = [&](int64_t a, int64_t b, double prob) {
      if (a > b) std::swap(a, b);
      const double weight = std::log2(prob / (1.0 - prob + 1e-12));
      out.pairs.push_back({a, b, weight, prob});
    };
    int64_t person = 0;
    for (int64_t pos = 0; pos < kRecords; ++person) {
      const int64_t size = std::min<int64_t>(
          std::uniform_int_distribution<int64_t>(1, 4)(rng), kRecords - pos);
      for (int64_t k = 0; k < size; ++k) {
        const int64_t r = perm[static_cast<size_t>(pos + k)];
        out.entity[static_cast<size_t>(r)] = person;
        out.source[static_cast<size_t>(r)] = static_cast<int32_t>(k % 2);
        if (k > 0) add(perm[static_cast<size_t>(pos + k - 1)], r, 0.99 + 0.0099 * unit(rng));
      }
      pos += size;
    }
    std::uniform_int_distribution<int64_t> record(0, kRecords - 1);
    while (static_cast<int64_t>(out.pairs.size()) < kPairs) {
      const int64_t a = record(rng);
      const int64_t b = record(rng);
      if (a == b) continue;
      add(a, b, unit(rng) < 0.95 ? 0.49 * unit(rng) : 0.5 + 0.48 * unit(rng));
    }
    // Pairs arrive in block order, not record order.
    std::shuffle(out.pairs.begin(), out.pairs.end(), rng);
    return out;
  }();
  return w;
}

void Report(benchmark::State& state, int64_t clusters) {
  state.SetItemsProcessed(state.iterations() * kPairs);
  state.counters["clusters"] = static_cast<double>(clusters);
}

void BM_ConnectedComponents(benchmark::State& state) {
  const Workload& w = GetWorkload();
  int64_t clusters = 0;
  for (auto _ : state) {
    auto labels = ConnectedComponents(kRecords, w.pairs, 0.5);
    clusters = *std::max_element(labels->begin(), labels->end()) + 1;
    benchmark::DoNotOptimize(labels);
  }
  Report(state, clusters);
}
BENCHMARK(BM_ConnectedComponents)->Unit(benchmark::kMillisecond);

void BM_ClusterRefuseWeakBridges(benchmark::State& state) {
  const Workload& w = GetWorkload();
  ClusterOptions opts;
  opts.refuse_weak_bridges = true;
  int64_t clusters = 0;
  for (auto _ : state) {
    auto c = Cluster(kRecords, w.pairs, opts);
    clusters = c->num_clusters;
    state.counters["cut"] = static_cast<double>(c->weak_bridges_cut);
    benchmark::DoNotOptimize(c);
  }
  Report(state, clusters);
}
BENCHMARK(BM_ClusterRefuseWeakBridges)->Unit(benchmark::kMillisecond);

// Stress: threshold 0 accepts every pair, one giant component of ~all records.
void BM_ClusterRefuseWeakBridgesGiantComponent(benchmark::State& state) {
  const Workload& w = GetWorkload();
  ClusterOptions opts;
  opts.threshold = 0.0;
  opts.refuse_weak_bridges = true;
  int64_t clusters = 0;
  for (auto _ : state) {
    auto c = Cluster(kRecords, w.pairs, opts);
    clusters = c->num_clusters;
    state.counters["cut"] = static_cast<double>(c->weak_bridges_cut);
    benchmark::DoNotOptimize(c);
  }
  Report(state, clusters);
}
BENCHMARK(BM_ClusterRefuseWeakBridgesGiantComponent)->Unit(benchmark::kMillisecond);

void BM_ClusterOneToOneLink(benchmark::State& state) {
  const Workload& w = GetWorkload();
  ClusterOptions opts;
  opts.mode = LinkMode::kLink;
  opts.one_to_one = true;
  int64_t clusters = 0;
  for (auto _ : state) {
    auto c = Cluster(kRecords, w.pairs, opts, w.source);
    clusters = c->num_clusters;
    benchmark::DoNotOptimize(c);
  }
  Report(state, clusters);
}
BENCHMARK(BM_ClusterOneToOneLink)->Unit(benchmark::kMillisecond);

void BM_ClusterWithCannotLinks(benchmark::State& state) {
  const Workload& w = GetWorkload();
  Constraints constraints;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> record(0, kRecords - 1);
  for (int k = 0; k < 10000; ++k) {
    const int64_t a = record(rng), b = record(rng);
    if (a != b && w.entity[static_cast<size_t>(a)] != w.entity[static_cast<size_t>(b)]) {
      constraints.cannot_link.push_back({a, b});
    }
  }
  int64_t clusters = 0;
  for (auto _ : state) {
    auto c = Cluster(kRecords, w.pairs, ClusterOptions{}, {}, constraints);
    clusters = c->num_clusters;
    benchmark::DoNotOptimize(c);
  }
  Report(state, clusters);
}
BENCHMARK(BM_ClusterWithCannotLinks)->Unit(benchmark::kMillisecond);

void BM_AssignPersonIds(benchmark::State& state) {
  const Workload& w = GetWorkload();
  const std::vector<int64_t> labels = *ConnectedComponents(kRecords, w.pairs, 0.5);
  for (auto _ : state) {
    auto ids = AssignPersonIds(labels, [](int64_t r) {
      return MemberKey("register", std::to_string(1000000000 + r));
    });
    benchmark::DoNotOptimize(ids);
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_AssignPersonIds)->Unit(benchmark::kMillisecond);

void BM_PrecisionRecallTable(benchmark::State& state) {
  const Workload& w = GetWorkload();
  const Truth truth = *Truth::Make(w.entity);
  const std::vector<double> thresholds = DefaultProbabilityThresholds();
  for (auto _ : state) {
    auto table = PrecisionRecallTable(truth, w.pairs, thresholds);
    benchmark::DoNotOptimize(table);
  }
  state.SetItemsProcessed(state.iterations() * kPairs);
}
BENCHMARK(BM_PrecisionRecallTable)->Unit(benchmark::kMillisecond);

void BM_EvaluateClusters(benchmark::State& state) {
  const Workload& w = GetWorkload();
  const Truth truth = *Truth::Make(w.entity);
  const std::vector<int64_t> labels = *ConnectedComponents(kRecords, w.pairs, 0.5);
  double f1 = 0.0;
  for (auto _ : state) {
    auto m = EvaluateClusters(truth, labels);
    f1 = m->bcubed_f1;
    benchmark::DoNotOptimize(m);
  }
  state.counters["bcubed_f1"] = f1;
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_EvaluateClusters)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vitalink::cluster

BENCHMARK_MAIN();
