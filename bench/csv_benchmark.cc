// CsvReader throughput on a ~50 MB register-like file: 12 columns of 18-digit
// citizen IDs, Chinese names, dates and codes. Reported as bytes/s of input.
//
//   build/rel/bench/csv_benchmark --benchmark_min_time=2
// Rates use CPU time: the numbers stay meaningful on a shared machine.
#include <unicode/ucnv.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>

#include "vitalink/ingest/csv_reader.h"

namespace vitalink::ingest {
namespace {

constexpr size_t kTargetBytes = 50u << 20;

class Lcg {
 public:
  uint32_t Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state_ >> 33);
  }
  uint32_t Below(uint32_t n) { return Next() % n; }

 private:
  uint64_t state_ = 42;
};

void AppendDigits(Lcg& rng, int count, std::string& out) {
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + rng.Below(10)));
}

void AppendDate(Lcg& rng, std::string& out) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", 1930 + rng.Below(90), 1 + rng.Below(12),
                1 + rng.Below(28));
  out += buf;
}

void AppendName(Lcg& rng, std::string& out) {
  static const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",
                                          "吴", "周", "徐", "孙", "马", "朱", "胡", "欧阳"};
  static const char* const kGiven[] = {"伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强",
                                       "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"};
  out += kSurnames[rng.Below(16)];
  const uint32_t given = 1 + rng.Below(2);
  for (uint32_t i = 0; i < given; ++i) out += kGiven[rng.Below(18)];
}

// Columns: citizen_id, name, sex, birth_date, area_code, event, event_date,
// place_code, mother_id, mother_name, registrar, status.
std::string MakeRegister(bool quote_names) {
  Lcg rng;
  std::string out =
      "citizen_id,name,sex,birth_date,area_code,event,event_date,place_code,mother_id,"
      "mother_name,registrar,status\n";
  out.reserve(kTargetBytes + 256);
  while (out.size() < kTargetBytes) {
    AppendDigits(rng, 18, out);
    out += quote_names ? ",\"" : ",";
    AppendName(rng, out);
    if (quote_names && rng.Below(20) == 0) out += "\"\"号\"\"";
    out += quote_names ? "\"," : ",";
    out += rng.Below(2) == 0 ? "1," : "2,";
    AppendDate(rng, out);
    out += ',';
    AppendDigits(rng, 6, out);
    out += ",B0";
    AppendDigits(rng, 1, out);
    out += ',';
    AppendDate(rng, out);
    out += ',';
    AppendDigits(rng, 12, out);
    out += ',';
    AppendDigits(rng, 18, out);
    out += ',';
    AppendName(rng, out);
    out += ",R";
    AppendDigits(rng, 5, out);
    out += rng.Below(50) == 0 ? ",\n" : ",ok\n";
  }
  return out;
}

std::string ToGb18030(const std::string& utf8) {
  std::string out(utf8.size() + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t len = ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                   utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  if (U_FAILURE(status)) {
    std::fprintf(stderr, "GB18030 conversion failed: %s\n", u_errorName(status));
    std::abort();
  }
  out.resize(static_cast<size_t>(len));
  return out;
}

void ReadAllRows(benchmark::State& state, const std::string& input, Encoding encoding) {
  int64_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string copy = input;  // FromBuffer takes ownership; the copy is not timed
    state.ResumeTiming();
    auto reader = CsvReader::FromBuffer(std::move(copy), "bench.csv", {.encoding = encoding});
    if (!reader.ok()) {
      state.SkipWithError(reader.status().message().c_str());
      return;
    }
    CsvRow row;
    rows = 0;
    int64_t flagged = 0;
    while (reader->Next(row)) {
      ++rows;
      flagged += row.error != CsvRowError::kNone;
      benchmark::DoNotOptimize(row.fields.data());
    }
    if (flagged != 0) {
      state.SkipWithError("unexpected flagged rows");
      return;
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
  state.counters["rows"] = static_cast<double>(rows);
}

void BM_CsvReadUtf8(benchmark::State& state) {
  static const std::string input = MakeRegister(false);
  ReadAllRows(state, input, Encoding::kAuto);
}
BENCHMARK(BM_CsvReadUtf8)->Unit(benchmark::kMillisecond);

void BM_CsvReadUtf8QuotedNames(benchmark::State& state) {
  static const std::string input = MakeRegister(true);
  ReadAllRows(state, input, Encoding::kAuto);
}
BENCHMARK(BM_CsvReadUtf8QuotedNames)->Unit(benchmark::kMillisecond);

void BM_CsvReadGb18030(benchmark::State& state) {
  static const std::string input = ToGb18030(MakeRegister(false));
  ReadAllRows(state, input, Encoding::kAuto);
}
BENCHMARK(BM_CsvReadGb18030)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vitalink::ingest

BENCHMARK_MAIN();
