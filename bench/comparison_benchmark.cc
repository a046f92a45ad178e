// γ throughput of the Comparator for the 6-field comparison of the issue's
// speed target (≥ 10 million pairs/s/core with two string metrics): id_number
// exact, name Jaro–Winkler, surname Jaro–Winkler, birth_date date levels, sex
// exact, area_code exact. Records are synthetic Chinese persons (with typo'd
// duplicates); pairs come from blocks on year(birth_date) & area_code, so most
// pairs disagree on names and both metrics run (the expensive case).
//
//   comparison_benchmark --benchmark_min_time=1s
//
// BM_Compare6: Compare over a pre-collected pair list (γ only).
// BM_BlockAndCompare6: ForEachPair streaming plus Compare (what pass 1 does).
// BM_CompareOnly/k: one comparison k alone, to see where the time goes.
// BM_BuildBlocker / BM_BuildComparator: setup costs for the record set.
// BM_CompareArrayIntersect: array_intersect on an "aliases" field (1–3 former
// names, ';'-separated; duplicates keep some of theirs).
// BM_CompareCustom/levels: a custom comparison of rule-language conditions
// (l.x, r.x) — the expression DAG run per pair; 1 or 2 levels.
// BM_BuildCustom: binding the conditions (a copy of the columns they read).
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"
#include "vitalink/link/blocking/blocker.h"
#include "vitalink/link/compare/comparison.h"
#include "vitalink/link/test_records.h"

namespace vitalink::link {
namespace {

constexpr int kRecords = 200000;
constexpr size_t kMaxPairs = 4'000'000;

struct Fixture {
  std::shared_ptr<StringPool> pool = std::make_shared<StringPool>();
  std::unique_ptr<ingest::SourceData> source;
  std::unique_ptr<RecordSet> rs;
  std::vector<std::pair<int64_t, int64_t>> pairs;
};

std::vector<ComparisonSpec> SixFields() {
  auto spec = [](const char* kind, const char* column) {
    SpecFields f;
    f.kind = kind;
    f.column = column;
    if (std::string(kind) == "string") f.thresholds = {0.92, 0.8};
    Result<ComparisonSpec> s = ParseComparisonSpec(f);
    VL_CHECK(s.ok());
    return std::move(s).value();
  };
  return {spec("exact", "id_number"), spec("string", "name"), spec("string", "surname"),
          spec("date", "birth_date"), spec("exact", "sex"),   spec("exact", "area_code")};
}

// Chinese names (ascii = false) or FEBRL-like Latin names "given surname".
Fixture* MakeFixture(bool ascii) {
  {
    auto* f = new Fixture;
    const std::vector<std::string> surnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                               "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                               "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
                                               "欧阳", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋"};
    const std::u32string given = U"伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅林文辉鹏飞海燕";
    const std::vector<std::string> latin_surnames = {
        "smith", "johnson", "williams", "brown", "jones", "miller", "davis", "wilson", "anderson", "taylor",
        "thomas", "moore", "martin", "jackson", "thompson", "white", "harris", "clarke", "campbell", "kelly",
        "ryan", "nguyen", "walker", "robinson", "young", "king", "wright", "scott", "green", "baker"};
    const std::vector<std::string> latin_given = {
        "james", "michael", "sarah", "jessica", "joshua", "lachlan", "chloe", "emily", "olivia", "benjamin",
        "matthew", "daniel", "hannah", "rebecca", "samuel", "georgia", "connor", "isabella", "thomas", "jack",
        "william", "charlotte", "ella", "ruby", "lucas", "mia", "zoe", "liam", "noah", "grace"};
    std::mt19937_64 rng(20240601);
    // A separate stream for the aliases, so the other columns stay as they were.
    std::mt19937_64 alias_rng(7);
    std::vector<std::string> aliases;
    std::vector<std::vector<std::string>> rows;
    rows.reserve(kRecords);
    for (int rec = 0; rec < kRecords; ++rec) {
      const std::string& sur =
          ascii ? latin_surnames[rng() % latin_surnames.size()] : surnames[rng() % surnames.size()];
      std::string giv;
      if (ascii) {
        giv = latin_given[rng() % latin_given.size()] + " ";
      } else {
        const int len = 1 + static_cast<int>(rng() % 2);
        for (int k = 0; k < len; ++k) AppendUtf8(given[rng() % given.size()], giv);
      }
      const int32_t birth = DaysFromCivil({1950 + static_cast<int>(rng() % 60), 1 + static_cast<int>(rng() % 12),
                                           1 + static_cast<int>(rng() % 28)});
      const int village = static_cast<int>(rng() % 300);
      const std::string area_code =
          "430182" + std::to_string(100 + village / 20) + std::to_string(100 + village % 20);
      const int seq = static_cast<int>(rng() % 1000);
      std::string id = MakeCitizenId(430182, birth, seq);
      std::string name = ascii ? giv + sur : sur + giv;
      if (rec > 0 && rng() % 10 == 0) {
        // A duplicate of the previous record with a typo in name or ID.
        const std::vector<std::string>& prev = rows.back();
        name = prev[0];
        id = prev[2];
        if (rng() % 2 == 0) id[rng() % 18] = static_cast<char>('0' + rng() % 10);
        if (rng() % 2 == 0) name += ascii ? "e" : "一";
        rows.push_back({name, prev[1], id, prev[3], prev[4], prev[5]});
        // Keeps the first of the original's aliases, may add one.
        const std::string& prev_aliases = aliases.back();
        aliases.push_back(prev_aliases.substr(0, prev_aliases.find(';')) +
                          (alias_rng() % 2 == 0 ? ";" + name : std::string()));
        continue;
      }
      {
        std::string a = name;
        for (uint64_t k = alias_rng() % 3; k > 0; --k) {
          const std::string& first = ascii ? latin_given[alias_rng() % latin_given.size()]
                                           : surnames[alias_rng() % surnames.size()];
          const std::string second = ascii ? latin_surnames[alias_rng() % latin_surnames.size()]
                                           : "小" + std::string(1, static_cast<char>('a' + alias_rng() % 26));
          a += ";" + first + second;
        }
        aliases.push_back(std::move(a));
      }
      rows.push_back({name, sur, id, FormatDate(birth), seq % 2 == 1 ? "1" : "2", area_code});
    }
    for (size_t row_idx = 0; row_idx < rows.size(); ++row_idx) rows[row_idx].push_back(aliases[row_idx]);
    f->source = std::make_unique<ingest::SourceData>(testing::MakeTestSource(
        f->pool, "register",
        {{"name", FieldType::kText},
         {"surname", FieldType::kText},
         {"id_number", FieldType::kCode},
         {"birth_date", FieldType::kDate},
         {"sex", FieldType::kCode},
         {"area_code", FieldType::kCode},
         {"aliases", FieldType::kText}},
        rows));
    f->rs = std::make_unique<RecordSet>(testing::MakeTestRecordSet({f->source.get()}));
    Result<Blocker> blocker = Blocker::Make(*f->rs, {{{"year(birth_date)", "area_code"}}}, {});
    VL_CHECK(blocker.ok());
    blocker->ForEachPair([&](int64_t a, int64_t b) {
      if (f->pairs.size() < kMaxPairs) f->pairs.emplace_back(a, b);
    });
    return f;
  }
}

Fixture& GetFixture(bool ascii) {
  static Fixture* chinese = MakeFixture(false);
  static Fixture* latin = MakeFixture(true);
  return ascii ? *latin : *chinese;
}

void BM_Compare6(benchmark::State& state) {
  Fixture& fx = GetFixture(state.range(0) != 0);
  Result<Comparator> cmp = Comparator::Make(*fx.rs, SixFields());
  VL_CHECK(cmp.ok());
  uint8_t gamma[8];
  uint64_t checksum = 0;
  for (auto _ : state) {
    for (const auto& [a, b] : fx.pairs) {
      cmp->Compare(a, b, gamma);
      checksum += gamma[1] + gamma[2];
    }
    benchmark::DoNotOptimize(checksum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(fx.pairs.size()));
  state.counters["pairs"] = static_cast<double>(fx.pairs.size());
}
BENCHMARK(BM_Compare6)->ArgName("latin")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_BlockAndCompare6(benchmark::State& state) {
  Fixture& fx = GetFixture(state.range(0) != 0);
  Result<Comparator> cmp = Comparator::Make(*fx.rs, SixFields());
  VL_CHECK(cmp.ok());
  Result<Blocker> blocker = Blocker::Make(*fx.rs, {{{"year(birth_date)", "area_code"}}}, {});
  VL_CHECK(blocker.ok());
  uint8_t gamma[8];
  int64_t pairs = 0;
  for (auto _ : state) {
    pairs = 0;
    blocker->ForEachPair([&](int64_t a, int64_t b) {
      cmp->Compare(a, b, gamma);
      benchmark::DoNotOptimize(gamma);
      ++pairs;
    });
  }
  state.SetItemsProcessed(state.iterations() * pairs);
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_BlockAndCompare6)->ArgName("latin")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Time comparison `k` of `cmp` over the fixture's pairs; items are pairs.
void TimeCompareOne(benchmark::State& state, const Fixture& fx, const Comparator& cmp, int k) {
  uint64_t checksum = 0;
  for (auto _ : state) {
    for (const auto& [a, b] : fx.pairs) checksum += cmp.CompareOne(k, a, b);
    benchmark::DoNotOptimize(checksum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(fx.pairs.size()));
}

void BM_CompareOnly(benchmark::State& state) {
  Fixture& fx = GetFixture(state.range(1) != 0);
  Result<Comparator> cmp = Comparator::Make(*fx.rs, SixFields());
  VL_CHECK(cmp.ok());
  const int k = static_cast<int>(state.range(0));
  TimeCompareOne(state, fx, *cmp, k);
  state.SetLabel(cmp->name(k));
}
BENCHMARK(BM_CompareOnly)
    ->ArgNames({"k", "latin"})
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

ComparisonSpec ParsedSpec(const SpecFields& f) {
  Result<ComparisonSpec> s = ParseComparisonSpec(f);
  VL_CHECK(s.ok());
  return std::move(s).value();
}

void BM_CompareArrayIntersect(benchmark::State& state) {
  Fixture& fx = GetFixture(state.range(0) != 0);
  SpecFields f;
  f.kind = "array_intersect";
  f.column = "aliases";
  f.thresholds = {1, 2};
  Result<Comparator> cmp = Comparator::Make(*fx.rs, {ParsedSpec(f)});
  VL_CHECK(cmp.ok());
  TimeCompareOne(state, fx, *cmp, 0);
}
BENCHMARK(BM_CompareArrayIntersect)->ArgName("latin")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

SpecFields CustomFields(int levels) {
  SpecFields f;
  f.kind = "custom";
  f.name = "id_and_date";
  f.levels = {"l.id_number == r.id_number and abs(days_between(l.birth_date, r.birth_date)) <= 30",
              "l.sex == r.sex and l.area_code == r.area_code"};
  f.levels.resize(static_cast<size_t>(levels));
  return f;
}

void BM_CompareCustom(benchmark::State& state) {
  Fixture& fx = GetFixture(false);
  Result<Comparator> cmp = Comparator::Make(*fx.rs, {ParsedSpec(CustomFields(static_cast<int>(state.range(0))))});
  VL_CHECK(cmp.ok());
  TimeCompareOne(state, fx, *cmp, 0);
}
BENCHMARK(BM_CompareCustom)->ArgName("levels")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_BuildCustom(benchmark::State& state) {
  Fixture& fx = GetFixture(false);
  const ComparisonSpec spec = ParsedSpec(CustomFields(2));
  for (auto _ : state) {
    Result<Comparator> cmp = Comparator::Make(*fx.rs, {spec});
    benchmark::DoNotOptimize(cmp.ok());
  }
  state.SetItemsProcessed(state.iterations() * fx.rs->size());
}
BENCHMARK(BM_BuildCustom)->Unit(benchmark::kMillisecond);

void BM_BuildBlocker(benchmark::State& state) {
  Fixture& fx = GetFixture(false);
  for (auto _ : state) {
    Result<Blocker> blocker =
        Blocker::Make(*fx.rs, {{{"year(birth_date)", "area_code"}}, {{"surname", "sex"}}}, {});
    benchmark::DoNotOptimize(blocker.ok());
  }
  state.SetItemsProcessed(state.iterations() * fx.rs->size());
}
BENCHMARK(BM_BuildBlocker)->Unit(benchmark::kMillisecond);

void BM_BuildComparator(benchmark::State& state) {
  Fixture& fx = GetFixture(false);
  for (auto _ : state) {
    Result<Comparator> cmp = Comparator::Make(*fx.rs, SixFields());
    benchmark::DoNotOptimize(cmp.ok());
  }
  state.SetItemsProcessed(state.iterations() * fx.rs->size());
}
BENCHMARK(BM_BuildComparator)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vitalink::link

BENCHMARK_MAIN();
