// Benchmarks of the ingest normalizers and pinyin keys: ns per value.
//
//   build/rel/bench/normalize_benchmark --benchmark_filter=NormalizeText
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "vitalink/ingest/normalize.h"
#include "vitalink/ingest/pinyin.h"

namespace vitalink::ingest {
namespace {

const std::vector<std::string>& AsciiValues() {
  static const std::vector<std::string> v = {"430182199001011234", "Ningxiang county",
                                             "  resident  ", "Zhang Wei", "household 0042",
                                             "2011-01-13", "moved in", "M"};
  return v;
}

const std::vector<std::string>& ChineseNames() {
  static const std::vector<std::string> v = {"张伟", "王芳", "李娜", "欧阳修", "阿依古丽·买买提",
                                             "刘德华", "陈静", "曾小单", "诸葛亮", "黄晓明"};
  return v;
}

const std::vector<std::string>& RawNames() {
  static const std::vector<std::string> v = {"张伟", "張偉", "张 伟", "歐陽修", "阿依古丽•买买提",
                                             "劉德華", "陈静\u3000", "曾小单", "諸葛亮", "黃曉明"};
  return v;
}

// One-off costs, printed once: building the pinyin table and loading OpenCC.
void BM_SetupCosts(benchmark::State& state) {
  const auto t0 = std::chrono::steady_clock::now();
  const PinyinTable& py = PinyinTable::Get();
  const auto t1 = std::chrono::steady_clock::now();
  const auto names = NameNormalizer::Make();
  const auto t2 = std::chrono::steady_clock::now();
  benchmark::DoNotOptimize(&py);
  benchmark::DoNotOptimize(names.ok());
  state.counters["table_first_get_us"] =
      std::chrono::duration<double, std::micro>(t1 - t0).count();
  state.counters["opencc_make_ms"] = std::chrono::duration<double, std::milli>(t2 - t1).count();
  for (auto _ : state) benchmark::DoNotOptimize(PinyinTable::Get().Syllable(U'张'));
}
BENCHMARK(BM_SetupCosts)->Iterations(1);

void BM_NormalizeTextAscii(benchmark::State& state) {
  const auto& values = AsciiValues();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeText(values[i++ % values.size()]));
  }
}
BENCHMARK(BM_NormalizeTextAscii);

void BM_NormalizeTextChineseNames(benchmark::State& state) {
  const auto& values = ChineseNames();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeText(values[i++ % values.size()]));
  }
}
BENCHMARK(BM_NormalizeTextChineseNames);

void BM_NormalizeTextFullWidth(benchmark::State& state) {
  const std::vector<std::string> values = {"１２３ＡＢＣ", "长沙县\u3000星沙街道", "张\u200B伟",
                                           "阿依古丽・买买提"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeText(values[i++ % values.size()]));
  }
}
BENCHMARK(BM_NormalizeTextFullWidth);

void BM_NameNormalize(benchmark::State& state) {
  const auto names = NameNormalizer::Make();
  if (!names.ok()) {
    state.SkipWithError(names.status().ToString().c_str());
    return;
  }
  const auto& values = RawNames();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(names->Normalize(values[i++ % values.size()]));
  }
}
BENCHMARK(BM_NameNormalize);

void BM_ParseDateMixed(benchmark::State& state) {
  const std::vector<std::string> values = {"2011-01-13", "2011/1/13",           "20110113",
                                           "2011年1月13日", "2011.01.13",       "２０１１－０１－１３",
                                           "2011-01-13 00:00:00", "13/01/2011"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseDate(values[i++ % values.size()]));
  }
}
BENCHMARK(BM_ParseDateMixed);

void BM_ParseDateIso(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ParseDate("2011-01-13"));
}
BENCHMARK(BM_ParseDateIso);

void BM_ParseSex(benchmark::State& state) {
  const std::vector<std::string> values = {"男", "女", "1", "2", "M", "female"};
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ParseSex(values[i++ % values.size()]));
}
BENCHMARK(BM_ParseSex);

void BM_NormalizeCitizenId(benchmark::State& state) {
  const std::vector<std::string> values = {"11010519491231002X", "11010519491231002x",
                                           "110105491231002", "１１０１０５１９４９１２３１００２Ｘ"};
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(NormalizeCitizenId(values[i++ % values.size()]));
}
BENCHMARK(BM_NormalizeCitizenId);

void BM_NameKey(benchmark::State& state) {
  const PinyinTable& py = PinyinTable::Get();
  const auto& values = ChineseNames();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(py.NameKey(values[i++ % values.size()]));
}
BENCHMARK(BM_NameKey);

void BM_FuzzyKey(benchmark::State& state) {
  const PinyinTable& py = PinyinTable::Get();
  const auto& values = ChineseNames();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(py.FuzzyKey(values[i++ % values.size()]));
}
BENCHMARK(BM_FuzzyKey);
}  // namespace
}  // namespace vitalink::ingest

BENCHMARK_MAIN();
