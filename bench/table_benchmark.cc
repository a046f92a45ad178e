#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "vitalink/table/string_pool.h"

namespace vitalink {
namespace {

// Interning is on the ingest hot path: one call per field per row.
void BM_StringPoolInternRepeated(benchmark::State& state) {
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) names.push_back("姓名" + std::to_string(i));
  StringPool pool;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pool.Intern(names[i]));
    if (++i == names.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StringPoolInternRepeated);

}  // namespace
}  // namespace vitalink

BENCHMARK_MAIN();
