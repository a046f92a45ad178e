#include "vitalink/report/testing_sample.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace vitalink::report {
namespace {

// splitmix64 (Steele, Lea & Flood 2014): portable, so the sample is the same everywhere
// (std:: distributions are not specified bit for bit).
class SampleRng {
 public:
  explicit SampleRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi).
  double Uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1.0p-53;
  }
  int64_t Int(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1)); }

 private:
  uint64_t state_;
};

struct Town {
  const char* code;
  const char* name;
};

// Ningxiang's townships as in GB/T 2260 (third_party/data/areas.tsv).
constexpr Town kTowns[] = {
    {"430182001", "玉潭街道"},   {"430182002", "白马桥街道"}, {"430182003", "历经铺街道"}, {"430182004", "城郊街道"},
    {"430182101", "道林镇"},     {"430182102", "花明楼镇"},   {"430182103", "东湖塘镇"},   {"430182104", "夏铎铺镇"},
    {"430182105", "双江口镇"},   {"430182106", "煤炭坝镇"},   {"430182107", "坝塘镇"},     {"430182109", "灰汤镇"},
    {"430182110", "双凫铺镇"},   {"430182111", "老粮仓镇"},   {"430182112", "流沙河镇"},   {"430182113", "巷子口镇"},
    {"430182114", "龙田镇"},     {"430182116", "横市镇"},     {"430182117", "回龙铺镇"},   {"430182118", "黄材镇"},
    {"430182119", "大成桥镇"},   {"430182120", "青山桥镇"},   {"430182121", "金洲镇"},     {"430182122", "大屯营镇"},
    {"430182123", "资福镇"},     {"430182203", "菁华铺乡"},   {"430182209", "喻家坳乡"},   {"430182213", "沙田乡"},
    {"430182218", "沩山乡"},
};

constexpr std::string_view kVillageStems[] = {"枫林", "石塘", "荷花", "大塘", "桃源", "金坪", "新桥", "白沙",
                                              "龙泉", "杨柳", "双狮", "青松", "梅田", "黄泥", "长冲", "洪家"};

double Round(double v, double unit) { return std::round(v / unit) * unit; }

// Fill the estimate-derived fields from registered births, a completeness and a
// relative interval half-width (a stand-in for a Chapman estimate).
void SetEstimate(AreaRow& row, double completeness, double rel_half_width) {
  const double registered = static_cast<double>(row.registered_births);
  const double est = registered / completeness;
  row.births_only_elsewhere = static_cast<int64_t>(std::llround((est - registered) * 0.75));
  // The interval never goes below the births actually seen in some source.
  const double seen = registered + static_cast<double>(row.births_only_elsewhere);
  row.estimated_births = Round(est, 0.1);
  row.births_ci = {Round(std::max(est * (1 - rel_half_width), seen), 0.1), Round(est * (1 + rel_half_width * 1.15), 0.1)};
  row.completeness = registered / row.estimated_births;
  row.completeness_ci = {registered / row.births_ci.high, registered / row.births_ci.low};
}

AreaRow MakeArea(SampleRng& rng, std::string code, std::string name, int64_t records, double completeness,
                 double rel_half_width) {
  AreaRow row;
  row.code = std::move(code);
  row.name = std::move(name);
  row.register_records = records;
  // About 4.6 births per 1000 residents over six months.
  row.registered_births =
      static_cast<int64_t>(std::llround(static_cast<double>(records) * 0.0046 * completeness * rng.Uniform(0.9, 1.1)));
  SetEstimate(row, completeness, rel_half_width);
  row.wrong_items_per_100 = Round(rng.Uniform(0.6, 4.2), 0.01);
  row.missing_items_per_100 = Round(rng.Uniform(0.4, 2.8), 0.01);
  row.duplicates_per_100 = Round(rng.Uniform(0.1, 1.4), 0.01);
  row.migrant_double_registrations = rng.Int(0, records / 2500);
  return row;
}

// County totals: sums of counts, record-weighted rates, intervals combined as
// independent normal approximations. Good enough for a made-up sample.
AreaRow Totals(const Bulletin& b) {
  AreaRow c;
  c.code = b.county_code;
  c.name = b.county_name;
  double est = 0, var = 0, wrong = 0, missing = 0, dup = 0;
  for (const AreaRow& t : b.townships) {
    c.register_records += t.register_records;
    c.registered_births += t.registered_births;
    c.births_only_elsewhere += t.births_only_elsewhere;
    c.migrant_double_registrations += t.migrant_double_registrations;
    est += t.estimated_births;
    const double half = (t.births_ci.high - t.births_ci.low) / 2;
    var += half * half / (1.96 * 1.96);
    const double n = static_cast<double>(t.register_records);
    wrong += n * t.wrong_items_per_100;
    missing += n * t.missing_items_per_100;
    dup += n * t.duplicates_per_100;
  }
  const double n = static_cast<double>(c.register_records);
  c.wrong_items_per_100 = wrong / n;
  c.missing_items_per_100 = missing / n;
  c.duplicates_per_100 = dup / n;
  c.estimated_births = Round(est, 0.1);
  const double half = 1.96 * std::sqrt(var);
  c.births_ci = {Round(est - half, 0.1), Round(est + half, 0.1)};
  const double reg = static_cast<double>(c.registered_births);
  c.completeness = reg / c.estimated_births;
  c.completeness_ci = {reg / c.births_ci.high, reg / c.births_ci.low};
  return c;
}

}  // namespace

Bulletin MakeSampleBulletin(uint64_t seed, Lang notes_lang) {
  SampleRng rng(seed);
  Bulletin b;
  b.county_code = "430182";
  b.county_name = "宁乡市";
  b.period_label = "2026-05 — 2026-10";
  b.run_label = "2026-10";
  b.generated_on = "2026-11-03";
  double prev_wrong = 0, prev_missing = 0, prev_dup = 0, prev_records = 0;
  for (const Town& town : kTowns) {
    const bool street = std::string_view(town.name).ends_with("街道");
    const int64_t records = street ? rng.Int(60000, 120000) : rng.Int(18000, 62000);
    const double completeness = rng.Uniform(0.84, 0.985);
    AreaRow t = MakeArea(rng, town.code, town.name, records, completeness, rng.Uniform(0.025, 0.06));
    // Last month: a little worse on average, some townships slipped.
    t.previous_accuracy_score = Round(100 - (t.wrong_items_per_100 + t.missing_items_per_100 + t.duplicates_per_100) -
                                          rng.Uniform(-1.5, 2.5),
                                      0.01);
    t.previous_completeness = std::min(0.99, t.completeness - rng.Uniform(-0.015, 0.03));
    const double r = static_cast<double>(t.register_records);
    prev_records += r;
    const double scale = (100 - *t.previous_accuracy_score) /
                         (t.wrong_items_per_100 + t.missing_items_per_100 + t.duplicates_per_100);
    prev_wrong += r * t.wrong_items_per_100 * scale;
    prev_missing += r * t.missing_items_per_100 * scale;
    prev_dup += r * t.duplicates_per_100 * scale;

    const int64_t villages = rng.Int(3, 8);
    int64_t left = t.register_records;
    const uint64_t stem_start = rng.Next() % std::size(kVillageStems);
    for (int64_t village_idx = 0; village_idx < villages; ++village_idx) {
      const int64_t share = village_idx + 1 == villages ? left : left / (villages - village_idx) + rng.Int(-800, 800);
      left -= share;
      // Distinct stems within a township: 7 is coprime with the 16 stems.
      const std::string_view stem = kVillageStems[(stem_start + 7 * static_cast<uint64_t>(village_idx)) % std::size(kVillageStems)];
      const bool community = street && village_idx % 2 == 0;
      AreaRow v = MakeArea(rng, fmt::format("{}{:03}", town.code, 200 + village_idx), fmt::format("{}{}", stem, community ? "社区" : "村"),
                           share, std::clamp(completeness + rng.Uniform(-0.05, 0.05), 0.7, 0.995),
                           rng.Uniform(0.08, 0.16));
      v.previous_accuracy_score = Round(100 - (v.wrong_items_per_100 + v.missing_items_per_100 + v.duplicates_per_100) -
                                            rng.Uniform(-2.0, 3.0),
                                        0.01);
      v.previous_completeness = std::min(0.99, v.completeness - rng.Uniform(-0.03, 0.04));
      t.villages.push_back(std::move(v));
    }
    b.townships.push_back(std::move(t));
  }
  b.county = Totals(b);
  b.county.previous_accuracy_score = 100 - (prev_wrong + prev_missing + prev_dup) / prev_records;
  b.county.previous_completeness = b.county.completeness - 0.009;

  ScoreAndRank(b);
  const char* labels[] = {"2026-05", "2026-06", "2026-07", "2026-08", "2026-09"};
  for (size_t run_idx = 0; run_idx < std::size(labels); ++run_idx) {
    const double k = static_cast<double>(std::size(labels) - run_idx);  // runs before this one
    b.trend.push_back(TrendPoint{labels[run_idx], *b.county.previous_completeness - 0.006 * (k - 1) - rng.Uniform(0, 0.004),
                                 *b.county.previous_accuracy_score - 0.7 * (k - 1) - rng.Uniform(0, 0.5)});
  }
  b.trend.push_back(TrendPoint{b.run_label, b.county.completeness, b.county.accuracy_score});

  if (notes_lang == Lang::kEn) {
    b.notes = {
        "Births: register vs hospital birth reports (medical birth certificates) of 2026-05 to 2026-10, "
        "Chapman's dual-system estimate per township with a profile-likelihood 95% interval.",
        "The matched count is corrected for the linkage model's estimated false-match and missed-match rates.",
        "Wrong and missing items follow the county rule file (rules/register.rules); duplicates are pairs linked "
        "within the register and confirmed by review.",
        "These figures are illustrative sample data, not Ningxiang's statistics.",
    };
  } else {
    b.notes = {
        "出生数：户籍登记与医院出生医学证明（2026年5月至10月）双系统估计（Chapman 估计量），"
        "按乡镇分别估计，95% 区间为剖面似然区间。",
        "匹配数已按链接模型估计的错配率和漏配率校正。",
        "错项、漏项依据全县核查规则（rules/register.rules）判定；重复登记为户籍内部经链接并复核确认的同一人记录。",
        "本页数字为演示用模拟数据，并非宁乡市实际统计。",
    };
  }
  return b;
}

Bulletin MakeSmallBulletin() {
  Bulletin b;
  b.county_code = "430182";
  b.county_name = "宁乡市";
  b.period_label = "2026-05 — 2026-10";
  b.run_label = "2026-10";
  b.generated_on = "2026-11-03";

  AreaRow a;
  a.code = "430182001";
  a.name = "玉潭街道";
  a.register_records = 12000;
  a.registered_births = 180;
  a.births_only_elsewhere = 12;
  a.estimated_births = 195.5;
  a.births_ci = {188.25, 206.75};
  a.completeness = 180 / 195.5;
  a.completeness_ci = {180 / 206.75, 180 / 188.25};
  a.wrong_items_per_100 = 2.5;
  a.missing_items_per_100 = 1.25;
  a.duplicates_per_100 = 0.5;
  a.migrant_double_registrations = 3;
  a.previous_accuracy_score = 94.0;
  a.previous_completeness = 0.9;

  AreaRow v1;
  v1.code = "430182001201";
  v1.name = "枫林社区";
  v1.register_records = 7000;
  v1.registered_births = 110;
  v1.births_only_elsewhere = 5;
  v1.estimated_births = 117.0;
  v1.births_ci = {112.0, 125.0};
  v1.completeness = 110 / 117.0;
  v1.completeness_ci = {110 / 125.0, 110 / 112.0};
  v1.wrong_items_per_100 = 2.0;
  v1.missing_items_per_100 = 1.0;
  v1.duplicates_per_100 = 0.25;
  AreaRow v2 = v1;
  v2.code = "430182001202";
  v2.name = "石塘村";
  v2.register_records = 5000;
  v2.registered_births = 70;
  v2.estimated_births = kNaN;
  v2.births_ci = {};
  v2.completeness = kNaN;
  v2.completeness_ci = {};
  v2.wrong_items_per_100 = 3.2;
  a.villages = {v1, v2};

  AreaRow c;
  c.code = "430182101";
  c.name = "<script>alert(1)</script> \"道林\" & '镇' \u202E镇林道";
  c.register_records = 9000;
  c.registered_births = 120;
  c.births_only_elsewhere = 20;
  c.estimated_births = 150.0;
  c.births_ci = {140.0, std::numeric_limits<double>::infinity()};
  c.completeness = 0.8;
  c.completeness_ci = {0.0, 120 / 140.0};
  c.wrong_items_per_100 = 1.5;
  c.missing_items_per_100 = 2.0;
  c.duplicates_per_100 = 0.75;
  c.migrant_double_registrations = 1;
  c.previous_accuracy_score = 96.0;

  AreaRow d;
  d.code = "430182218";
  d.name = "沩山乡";
  d.register_records = 0;
  d.registered_births = 0;

  b.townships = {a, c, d};
  b.county.code = "430182";
  b.county.name = "宁乡市";
  b.county.register_records = 21000;
  b.county.registered_births = 300;
  b.county.births_only_elsewhere = 32;
  b.county.estimated_births = 345.5;
  b.county.births_ci = {330.0, 372.0};
  b.county.completeness = 300 / 345.5;
  b.county.completeness_ci = {300 / 372.0, 300 / 330.0};
  b.county.wrong_items_per_100 = 2.07;
  b.county.missing_items_per_100 = 1.57;
  b.county.duplicates_per_100 = 0.61;
  b.county.migrant_double_registrations = 4;
  b.county.previous_accuracy_score = 95.1;
  b.county.previous_completeness = 0.85;
  ScoreAndRank(b);
  b.trend = {{"2026-08", 0.83, 93.5}, {"2026-09", 0.85, 95.1}, {b.run_label, b.county.completeness, b.county.accuracy_score}};
  b.notes = {"双系统估计（Chapman）。", "Note with <b>markup</b> & \"quotes\"."};
  return b;
}

}  // namespace vitalink::report
