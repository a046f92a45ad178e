// Check-stage speed: 1 million synthetic register rows × the shipped register
// rules (rules/register.toml, 44 rules), evaluated on all cores.
//
//   build/rel/bench/check_benchmark --benchmark_filter=Evaluate
//   build/rel/bench/check_benchmark --benchmark_filter=Localize
//
// Targets (issue 3): ≤ 1 s for 1M rows × 40 rules on the 2-core dev machine;
// localization ≥ 10,000 failing records/s.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "vitalink/check/localize.h"
#include "vitalink/check/program.h"
#include "vitalink/check/rule_file.h"
#include "vitalink/common/area_codes.h"
#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"

namespace vitalink::check {
namespace {

constexpr int64_t kRows = 1'000'000;

struct Data {
  std::shared_ptr<StringPool> pool = std::make_shared<StringPool>();
  Table table{pool};
  AreaTable areas;
  RuleSet rules;
  BindOptions options;
};

// Villages of county 430182 from the real GB/T 2260 table when available.
std::vector<std::string> Villages(const AreaTable& areas) {
  std::vector<std::string> out;
  for (const AreaInfo* town : areas.Children("430182")) {
    for (const AreaInfo* v : areas.Children(town->code)) out.push_back(v->code);
  }
  return out;
}

const Data& GetData() {
  static const Data* data = [] {
    auto* d = new Data();
    auto areas = AreaTable::Load(DefaultDataDir() + "/areas.tsv");
    std::vector<std::string> villages;
    if (areas.ok()) {
      d->areas = std::move(areas).value();
      villages = Villages(d->areas);
    }
    if (villages.empty()) {
      std::vector<AreaInfo> rows = {{"430182", "宁乡市", AreaLevel::kCounty}};
      for (int t = 1; t <= 30; ++t) {
        for (int v = 1; v <= 20; ++v) {
          char code[16];
          std::snprintf(code, sizeof(code), "430182%03d%03d", t, v);
          villages.push_back(code);
          rows.push_back({code, "村", AreaLevel::kVillage});
        }
      }
      d->areas = AreaTable::FromRows(std::move(rows));
    }
    auto rules = LoadRuleFile(std::string(VL_SOURCE_DIR) + "/rules/register.toml");
    if (!rules.ok()) {
      std::fprintf(stderr, "%s\n", rules.status().message().c_str());
      std::abort();
    }
    d->rules = std::move(rules).value();

    Table& t = d->table;
    StringPool& pool = *d->pool;
    Column& record_id = t.AddColumn("record_id", FieldType::kCode);
    Column& id = t.AddColumn("id_number", FieldType::kCode);
    Column& name = t.AddColumn("name", FieldType::kText);
    Column& sex = t.AddColumn("sex", FieldType::kCode);
    Column& birth = t.AddColumn("birth_date", FieldType::kDate);
    Column& ethnicity = t.AddColumn("ethnicity", FieldType::kText);
    Column& household = t.AddColumn("household_id", FieldType::kCode);
    Column& relation = t.AddColumn("relation", FieldType::kText);
    Column& area = t.AddColumn("area_code", FieldType::kCode);
    Column& registration = t.AddColumn("registration_date", FieldType::kDate);
    Column& mother = t.AddColumn("mother_id_number", FieldType::kCode);
    Column& father = t.AddColumn("father_id_number", FieldType::kCode);
    Column& status = t.AddColumn("status", FieldType::kText);
    for (Column* c : {&record_id, &id, &name, &sex, &birth, &ethnicity, &household, &relation, &area,
                      &registration, &mother, &father, &status}) {
      c->Reserve(kRows);
    }
    std::mt19937_64 rng(20240601);
    const char* surnames[] = {"张", "王", "李", "刘", "陈", "杨", "黄", "周", "吴", "欧阳"};
    const char* given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"};
    const char* ethnic[] = {"汉族", "汉族", "汉族", "汉族", "土家族", "苗族", "侗族", "瑶族", "汉"};
    const char* relations[] = {"户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女"};
    const char* statuses[] = {"常住", "常住", "常住", "迁出", "迁入", "流动"};
    std::vector<uint32_t> women_ids;  // pool ids of earlier adult women, with birth dates
    std::vector<int32_t> women_birth;
    std::vector<uint32_t> men_ids;
    std::vector<int32_t> men_birth;
    const int32_t start = DaysFromCivil({1930, 1, 1});
    const int32_t span = DaysFromCivil({2023, 12, 31}) - start;
    for (int64_t r = 0; r < kRows; ++r) {
      const uint64_t x = rng();
      const int32_t b = start + static_cast<int32_t>(rng() % static_cast<uint64_t>(span));
      const int s = (x & 1) ? 1 : 2;
      const std::string& village = villages[rng() % villages.size()];
      std::string idn = MakeCitizenId(430182, b, static_cast<int>((rng() % 500) * 2 + (s == 1 ? 1 : 0)));
      if (x % 97 == 0) idn[16] = idn[16] == '1' ? '2' : '1';  // wrong check digit or sex
      record_id.AppendString(pool.Intern(std::to_string(r + 1)));
      const uint32_t id_pool = pool.Intern(idn);
      id.AppendString(x % 211 == 0 ? StringPool::kNull : id_pool);
      std::string nm = std::string(surnames[rng() % 10]) + given[rng() % 14];
      if (x % 3 == 0) nm += given[rng() % 14];
      name.AppendString(x % 331 == 0 ? StringPool::kNull : pool.Intern(nm));
      sex.AppendString(pool.Intern(x % 149 == 0 ? "0" : (s == 1 ? "1" : "2")));
      birth.AppendDate(x % 89 == 0 ? b + 1 : b);
      ethnicity.AppendString(pool.Intern(ethnic[rng() % 9]));
      household.AppendString(pool.Intern(village.substr(6, 6) + std::to_string(10000 + rng() % 90000)));
      relation.AppendString(pool.Intern(relations[rng() % 8]));
      area.AppendString(pool.Intern(x % 173 == 0 ? "430182999999" : village));
      registration.AppendDate(x % 127 == 0 ? b - 30 : b + static_cast<int32_t>(rng() % 3000));
      // Parents: earlier persons 18–45 years older, when there is one.
      auto parent = [&](std::vector<uint32_t>& ids, std::vector<int32_t>& births) -> uint32_t {
        for (int attempt = 0; attempt < 4 && !ids.empty(); ++attempt) {
          const size_t k = rng() % ids.size();
          const int32_t gap = b - births[k];
          if (gap > 18 * 365 && gap < 45 * 365) return ids[k];
        }
        return StringPool::kNull;
      };
      mother.AppendString(rng() % 2 ? parent(women_ids, women_birth) : StringPool::kNull);
      father.AppendString(rng() % 3 ? parent(men_ids, men_birth) : StringPool::kNull);
      status.AppendString(pool.Intern(statuses[rng() % 6]));
      t.AppendRowOrigin(r + 2);
      if (r % 4 == 0) {  // a sample of potential parents keeps the vectors small
        (s == 2 ? women_ids : men_ids).push_back(id_pool);
        (s == 2 ? women_birth : men_birth).push_back(b);
      }
    }
    d->options.source_name = "register";
    d->options.references = {{"register", &d->table}};
    d->options.areas = &d->areas;
    d->options.params = {{"county_code", "430182"}};
    d->options.run_date = DaysFromCivil({2024, 6, 1});
    return d;
  }();
  return *data;
}

void BM_CompileRegisterRules(benchmark::State& state) {
  const Data& d = GetData();
  for (auto _ : state) {
    auto compiled = CompiledRules::Compile(d.rules, d.table, d.options);
    benchmark::DoNotOptimize(compiled.ok());
  }
  state.counters["rules"] = static_cast<double>(d.rules.rules.size());
}
BENCHMARK(BM_CompileRegisterRules)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_EvaluateRegisterRules(benchmark::State& state) {
  const Data& d = GetData();
  auto compiled = CompiledRules::Compile(d.rules, d.table, d.options);
  if (!compiled.ok()) {
    state.SkipWithError(compiled.status().message().c_str());
    return;
  }
  int64_t findings = 0;
  for (auto _ : state) {
    auto result = compiled->Evaluate({static_cast<int>(state.range(0)), 2048});
    findings = static_cast<int64_t>(result->findings.size());
    benchmark::DoNotOptimize(findings);
  }
  state.counters["rules"] = compiled->num_rules();
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["rows"] = static_cast<double>(kRows);
  state.SetItemsProcessed(state.iterations() * kRows * compiled->num_rules());
}
BENCHMARK(BM_EvaluateRegisterRules)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// Compile and evaluate from scratch: what `vitalink check` pays per source.
void BM_CompileAndEvaluate(benchmark::State& state) {
  const Data& d = GetData();
  for (auto _ : state) {
    auto result = RunChecks(d.rules, d.table, d.options);
    benchmark::DoNotOptimize(result.ok());
  }
}
BENCHMARK(BM_CompileAndEvaluate)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// Fellegi–Holt localization of every failing record of the 1M rows (issue 3:
// ≥ 10,000 failing records/s on 2 cores; errorlocate solves one MIP per record).
void BM_LocalizeErrors(benchmark::State& state) {
  const Data& d = GetData();
  auto compiled = CompiledRules::Compile(d.rules, d.table, d.options);
  if (!compiled.ok()) {
    state.SkipWithError(compiled.status().message().c_str());
    return;
  }
  auto result = compiled->Evaluate();
  LocalizeOptions options;
  options.num_threads = static_cast<int>(state.range(0));
  int64_t records = 0;
  int64_t by_mip = 0;
  for (auto _ : state) {
    auto loc = LocalizeErrors(*compiled, *result, options);
    records = static_cast<int64_t>(loc->size());
    by_mip = 0;
    for (const Localization& l : *loc) by_mip += l.solved_by_mip;
  }
  state.counters["failing_records"] = static_cast<double>(records);
  state.counters["by_mip"] = static_cast<double>(by_mip);
  state.SetItemsProcessed(state.iterations() * records);  // items/s = failing records localized per second
}
BENCHMARK(BM_LocalizeErrors)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The same with one GLPK MIP per failing record (errorlocate's way), all cores.
void BM_LocalizeErrorsMipOnly(benchmark::State& state) {
  const Data& d = GetData();
  auto compiled = CompiledRules::Compile(d.rules, d.table, d.options);
  if (!compiled.ok()) {
    state.SkipWithError(compiled.status().message().c_str());
    return;
  }
  auto result = compiled->Evaluate();
  LocalizeOptions options;
  options.fast_path = false;
  int64_t records = 0;
  for (auto _ : state) {
    auto loc = LocalizeErrors(*compiled, *result, options);
    records = static_cast<int64_t>(loc->size());
  }
  state.SetItemsProcessed(state.iterations() * records);
}
BENCHMARK(BM_LocalizeErrorsMipOnly)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace vitalink::check

BENCHMARK_MAIN();
