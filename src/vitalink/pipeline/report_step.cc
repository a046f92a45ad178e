#include "vitalink/pipeline/report_step.h"

#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "vitalink/common/area_codes.h"
#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"
#include "vitalink/pipeline/pipeline.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;

struct AreaCounts {
  int64_t records = 0;
  int64_t duplicates = 0;         // register records beyond the first of their person
  int64_t migrant_doubles = 0;    // persons in both the register and the migrant register
};

}  // namespace

Result<report::Bulletin> BuildBulletin(const RunReport& run, const store::Store& db, report::Lang lang) {
  report::Bulletin b;
  const EstimateSettings& es = run.estimate.settings;
  b.county_code = run.config.county;
  auto areas = DefaultAreaTable();
  auto name_of = [&](const std::string& code) {
    const AreaInfo* a = areas.ok() ? (*areas)->Find(code) : nullptr;
    return a != nullptr ? a->name : code;
  };
  b.county_name = name_of(b.county_code);
  b.period_label = FormatDate(es.period_start).substr(0, 7) + " — " + FormatDate(es.period_end).substr(0, 7);
  b.run_label = FormatDate(es.period_end).substr(0, 7);
  b.generated_on = FormatDate(es.period_end);

  // Register records, duplicates and migrant double registrations per township.
  const cluster::Persons& persons = run.persons;
  std::map<std::string, AreaCounts> counts;
  std::map<std::string, AreaCounts> village_counts;  // by 12-digit code
  std::vector<int32_t> register_seen(static_cast<size_t>(persons.num_persons), 0);
  std::vector<uint8_t> in_migrants(static_cast<size_t>(persons.num_persons), 0);
  for (size_t si = 0; si < run.ingest.sources.size(); ++si) {
    const ingest::SourceData& s = run.ingest.sources[si];
    if (s.config.role != "migrants") continue;
    for (int64_t r = 0; r < s.table.num_rows(); ++r) {
      in_migrants[static_cast<size_t>(persons.labels[static_cast<size_t>(persons.offsets[si] + r)])] = 1;
    }
  }
  for (size_t si = 0; si < run.ingest.sources.size(); ++si) {
    const ingest::SourceData& s = run.ingest.sources[si];
    if (s.config.name != es.register_source) continue;
    const Column* code = s.table.GetColumn("area_code");
    for (int64_t r = 0; r < s.table.num_rows(); ++r) {
      std::string town = "unknown";
      AreaCounts* village = nullptr;
      if (code != nullptr && !code->IsNull(r)) {
        const std::string_view c = s.table.pool().Get(code->string_id(r));
        if (c.size() >= 9) town = std::string(c.substr(0, 9));
        if (c.size() >= 12) village = &village_counts[std::string(c.substr(0, 12))];
      }
      const auto p = static_cast<size_t>(persons.labels[static_cast<size_t>(persons.offsets[si] + r)]);
      const bool duplicate = register_seen[p]++ > 0;
      const bool migrant_double = register_seen[p] == 1 && in_migrants[p];
      for (AreaCounts* a : {&counts[town], village}) {
        if (a == nullptr) continue;
        ++a->records;
        a->duplicates += duplicate;
        a->migrant_doubles += migrant_double;
      }
    }
  }
  // Wrong and missing items per 100 register records, from the checks.
  std::map<std::string, const check::AreaRate*> rates;
  for (size_t i = 0; i < run.check.results.size(); ++i) {
    if (run.check.sources[i] != es.register_source) continue;
    for (const check::AreaRate& a : run.check.areas[i].townships) rates[a.code] = &a;
    for (const check::AreaRate& a : run.check.areas[i].villages) rates[a.code] = &a;
  }
  // The previous run's scores.
  std::map<std::string, store::AreaIndicator> previous;
  if (run.previous_run_id > 0) {
    auto prev = db.LoadIndicators(run.previous_run_id);
    if (prev.ok()) {
      for (store::AreaIndicator& a : *prev) previous[a.area_code] = std::move(a);
    }
  }
  auto fill = [&](report::AreaRow& row, const AreaBirths& births, const AreaCounts& c,
                  double wrong, double missing) {
    row.register_records = c.records;
    row.registered_births = births.in_register;
    row.births_only_elsewhere = births.only_elsewhere;
    if (births.has_estimate) {
      row.estimated_births = births.dse.chapman;
      row.births_ci = {births.dse.interval.lower, births.dse.interval.upper};
      row.completeness = births.dse.completeness1;
      row.completeness_ci = {births.dse.completeness1_interval.lower, births.dse.completeness1_interval.upper};
    }
    row.wrong_items_per_100 = wrong;
    row.missing_items_per_100 = missing;
    row.duplicates_per_100 = c.records > 0 ? 100.0 * static_cast<double>(c.duplicates) / static_cast<double>(c.records) : 0;
    row.migrant_double_registrations = c.migrant_doubles;
    if (auto it = previous.find(row.code); it != previous.end()) {
      if (auto v = it->second.values.find("accuracy_score"); v != it->second.values.end() && !std::isnan(v->second)) {
        row.previous_accuracy_score = v->second;
      }
      if (auto v = it->second.values.find("completeness"); v != it->second.values.end() && !std::isnan(v->second)) {
        row.previous_completeness = v->second;
      }
    }
  };
  AreaCounts county_counts;
  int64_t wrong = 0, missing = 0;
  for (const auto& [code, c] : counts) {
    county_counts.records += c.records;
    county_counts.duplicates += c.duplicates;
    county_counts.migrant_doubles += c.migrant_doubles;
  }
  for (const auto& [code, r] : rates) {
    wrong += r->wrong_items;
    missing += r->missing_items;
  }
  for (const AreaBirths& births : run.estimate.townships) {
    if (births.code.size() != 9) continue;
    report::AreaRow row;
    row.code = births.code;
    row.name = name_of(births.code);
    const auto c = counts.find(births.code);
    const auto r = rates.find(births.code);
    fill(row, births, c == counts.end() ? AreaCounts{} : c->second,
         r == rates.end() ? 0 : r->second->wrong_per_100, r == rates.end() ? 0 : r->second->missing_per_100);
    // Drill-down: every village of the township with register records or
    // births of the period, with the same indicators.
    std::map<std::string, const AreaBirths*> village_births;
    for (const AreaBirths& v : run.estimate.villages) {
      if (v.code.size() == 12 && v.code.starts_with(births.code)) village_births[v.code] = &v;
    }
    for (auto it = village_counts.lower_bound(births.code);
         it != village_counts.end() && it->first.starts_with(births.code); ++it) {
      village_births.try_emplace(it->first, nullptr);
    }
    for (const auto& [vcode, vb] : village_births) {
      report::AreaRow village;
      village.code = vcode;
      village.name = name_of(vcode);
      const auto vc = village_counts.find(vcode);
      const auto vr = rates.find(vcode);
      AreaBirths none;
      fill(village, vb != nullptr ? *vb : none, vc == village_counts.end() ? AreaCounts{} : vc->second,
           vr == rates.end() ? 0 : vr->second->wrong_per_100, vr == rates.end() ? 0 : vr->second->missing_per_100);
      row.villages.push_back(std::move(village));
    }
    b.townships.push_back(std::move(row));
  }
  b.county.code = b.county_code;
  b.county.name = b.county_name;
  const double n = static_cast<double>(std::max<int64_t>(1, county_counts.records));
  fill(b.county, run.estimate.county, county_counts, 100.0 * static_cast<double>(wrong) / n,
       100.0 * static_cast<double>(missing) / n);
  report::ScoreAndRank(b);
  // Trend: earlier runs of this project, then this one.
  auto completeness = db.IndicatorHistory(b.county_code, "completeness");
  auto accuracy = db.IndicatorHistory(b.county_code, "accuracy_score");
  if (completeness.ok() && accuracy.ok()) {
    std::map<int64_t, report::TrendPoint> points;
    for (const store::IndicatorPoint& p : *completeness) {
      points[p.run_id].run_label = p.label;
      points[p.run_id].completeness = p.value;
    }
    for (const store::IndicatorPoint& p : *accuracy) {
      points[p.run_id].run_label = p.label;
      points[p.run_id].accuracy_score = p.value;
    }
    for (auto& [id, p] : points) {
      if (id != run.run_id) b.trend.push_back(p);
    }
  }
  b.trend.push_back({b.run_label, b.county.completeness, b.county.accuracy_score});
  const bool zh = lang == report::Lang::kZh;
  if (zh) {
    b.notes = {
        run.estimate.county.adjusted
            ? "出生数估计：户籍登记与医院出生报告两个名单的双系统估计（Chapman），两名单的匹配数已按记录连接的错配率与漏配率校正（Ding–Fienberg），95% 区间含连接误差的方差；未校正的估计见 estimate/summary.json；方法见 docs/ESTIMATION.md。"
            : "出生数估计：户籍登记与医院出生报告两个名单的双系统估计（Chapman），95% 区间为剖面似然区间；方法见 docs/ESTIMATION.md。",
        "错项率、漏项率：每百条户籍记录中未通过规则检查的项目数；重复登记率：同一人的多余户籍记录每百条。",
        "记录连接：Fellegi–Sunter 模型，EM 无监督训练；连接与检查的详细结果见本次运行的 link/ 与 check/ 目录。"};
  } else {
    b.notes = {
        run.estimate.county.adjusted
            ? "Estimated births: dual-system estimate (Chapman) from the household register and the hospital birth "
              "reports, the matched count corrected for the linkage's false and missed links (Ding–Fienberg); the 95% "
              "interval includes the linkage variance; the unadjusted estimate is in estimate/summary.json; methods in "
              "docs/ESTIMATION.md."
            : "Estimated births: dual-system estimate (Chapman) from the household register and the hospital birth "
              "reports, 95% profile-likelihood interval; methods in docs/ESTIMATION.md.",
        "Wrong-item and missing-item rates: register fields failing a rule check per 100 register records; duplicate "
        "rate: surplus register records of one person per 100.",
        "Record linkage: Fellegi–Sunter model trained by EM without labels; the linkage and check details are in this "
        "run's link/ and check/ folders."};
  }
  if (run.estimate.county.published_spread.draws > 1) {
    b.notes.front() += fmt::format(
        fmt::runtime(zh ? "区间另含归并误差的方差：按各记录对的匹配概率重抽 {} 次人员归并，估计值的标准差全县为 {:.2f} 人。"
                        : " The interval also holds the clustering uncertainty: the persons were drawn {} times again "
                          "from the pairs' match probabilities, and the county estimate's standard deviation over the "
                          "draws is {:.2f} births."),
        run.estimate.county.published_spread.draws, std::sqrt(run.estimate.county.published_spread.variance));
  }
  if (const SurveyDomain& d = run.estimate.survey; d.has_estimate && d.has_two_source) {
    b.notes.push_back(fmt::format(
        fmt::runtime(zh ? "调查核对：入户调查走访的 {} 个村，户籍、出生报告、调查三个名单的对数线性模型（{}）估计本期出生 {:.1f}"
             "（95% 区间 {:.1f}–{:.1f}）；同一范围只用户籍与出生报告两个名单估计 {:.1f}（{:.1f}–{:.1f}）。"
           : "Survey check: in the {} villages the household survey visited, the log-linear model ({}) of three lists "
             "(register, birth reports, survey) estimates {:.1f} births this period (95% interval {:.1f}–{:.1f}); the "
             "register and birth reports alone give {:.1f} ({:.1f}–{:.1f}) for the same villages."),
        d.villages.size(), d.model, d.estimated_births, d.interval.lower, d.interval.upper, d.two_source.chapman,
        d.two_source.interval.lower, d.two_source.interval.upper));
  }
  if (const FollowUpTally& f = run.estimate.follow_up; f.outside_register > 0) {
    const bool all = f.followed_up == f.outside_register;
    b.notes.push_back(fmt::format(
        fmt::runtime(zh ? (all ? "跟踪核实：户籍外的本期出生 {1} 人已全部由登记人员核实（follow_up.csv）。"
                               : "跟踪核实：户籍外的本期出生 {1} 人中已核实 {0} 人（follow_up.csv）；全部核实前，"
                                 "估计可能把漏连接的同一孩子计为两人，尤其是三名单估计，应视为初步结果。")
                        : (all ? "Follow-up: all {1} births of the period outside the register have been followed up "
                                 "by registration staff (follow_up.csv)."
                               : "Follow-up: {0} of the {1} births of the period outside the register have been "
                                 "followed up by registration staff (follow_up.csv); until all are, a missed link may "
                                 "count one child twice, so the estimates, the three-list one above all, are "
                                 "provisional.")),
        f.followed_up, f.outside_register));
  }
  return b;
}

Result<std::string> WriteBulletin(const report::Bulletin& bulletin, report::Lang lang, const std::string& dir) {
  const std::string html = (fs::path(dir) / "bulletin.html").string();
  VL_RETURN_IF_ERROR(WriteFileAtomic(html, report::RenderHtml(bulletin, lang)));
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "bulletin.csv").string(), report::RenderCsv(bulletin, lang)));
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "bulletin.json").string(), report::RenderJson(bulletin)));
  return html;
}

}  // namespace vitalink::pipeline
