// Whole-source ingest (read, decode, parse, normalize the mapped columns,
// intern) of a real project config, on one core; the target is
// ≥ 100 MB/s for a 1-million-row register CSV. CPU time is what to compare on
// a shared machine; bytes/s is the file's bytes over that time.
//
//   vitalink generate --out /tmp/c14 --persons 1400000
//   # p_full.toml: project.toml with only [project] and the register source
//   VL_INGEST_CONFIG=/tmp/c14/p_full.toml build/rel/bench/ingest_benchmark
#include <cstdlib>
#include <utility>

#include <benchmark/benchmark.h>

#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"

namespace vitalink::ingest {
namespace {

void BM_IngestProject(benchmark::State& state) {
  const char* path = std::getenv("VL_INGEST_CONFIG");
  if (path == nullptr || *path == '\0') {
    state.SkipWithError("set VL_INGEST_CONFIG to a project config (see the comment on top)");
    return;
  }
  auto cfg = LoadProjectConfig(path);
  if (!cfg.ok()) {
    state.SkipWithError(cfg.status().ToString().c_str());
    return;
  }
  IngestOptions options;
  options.write_outputs = false;
  int64_t bytes = 0;
  int64_t rows = 0;
  for (auto _ : state) {
    auto result = IngestProject(*cfg, options);
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      return;
    }
    for (const SourceData& s : result->sources) {
      bytes += s.summary.bytes;
      rows += s.summary.rows_read;
    }
    // Freeing the tables and the pool is not part of ingest.
    state.PauseTiming();
    IngestResult done = std::move(*result);
    (void)done;
    state.ResumeTiming();
  }
  state.SetBytesProcessed(bytes);
  state.counters["rows"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IngestProject)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace vitalink::ingest

BENCHMARK_MAIN();
