#include <cmath>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "vitalink/common/utf8.h"
#include "vitalink/report/bulletin.h"
#include "vitalink/report/testing_html_internal.h"
#include "vitalink/report/testing_sample.h"

namespace vitalink::report {
namespace {

using internal::CheckBalancedTags;
using internal::ParseCsvForTest;

constexpr size_t kCsvColumns = 22;

size_t CountOf(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

Bulletin HostileBulletin() {
  Bulletin b = MakeSmallBulletin();
  b.county_name = "<script>alert('县')</script>";
  b.period_label = "\"><svg onload=alert(1)>";
  b.run_label = "run'<b>";
  b.generated_on = "2026-11-03</title>";
  b.townships[0].name = std::string(3000, 'x') + "<script>alert(2)</script>" + "\u202E";
  b.townships[0].villages[0].name = "</summary><script>alert(3)</script>";
  b.townships[0].code = "\" onclick=\"alert(4)";
  b.trend[0].run_label = "<text>alert(5)</text>";
  b.notes.push_back("<iframe src=//evil>");
  return b;
}

// ---- HTML ---------------------------------------------------------------------------

TEST(RenderHtml, HostileStringsNeverAppearRaw) {
  const Bulletin b = HostileBulletin();
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    const std::string html = RenderHtml(b, lang);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<svg onload"), std::string::npos);
    EXPECT_EQ(html.find("<iframe"), std::string::npos);
    EXPECT_EQ(html.find("<text>alert"), std::string::npos) << "SVG text is escaped too";
    EXPECT_EQ(html.find("onclick=\""), std::string::npos);
    EXPECT_EQ(html.find("\u202E"), std::string::npos);
    EXPECT_EQ(html.find("run'<b>"), std::string::npos);
    EXPECT_NE(html.find("run&#39;&lt;b&gt;"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(2)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("&lt;text&gt;alert(5)"), std::string::npos);
    EXPECT_TRUE(IsValidUtf8(html));
    EXPECT_EQ(CheckBalancedTags(html), "");
  }
}

TEST(RenderHtml, InvalidUtf8InDataStillGivesValidPage) {
  Bulletin b = MakeSmallBulletin();
  b.townships[0].name = "玉潭\xFF\xFE街道\xE7";
  const std::string html = RenderHtml(b, Lang::kZh);
  EXPECT_TRUE(IsValidUtf8(html));
}

TEST(RenderHtml, LongNamesAreTruncatedInChartsOnly) {
  Bulletin b = MakeSmallBulletin();
  const std::string long_name = "很长很长的乡镇名称" + std::string(500, 'y');
  b.townships[0].name = long_name;
  const std::string html = RenderHtml(b, Lang::kZh);
  EXPECT_NE(html.find("很长很长的乡镇名…</text>"), std::string::npos);
  EXPECT_NE(html.find(long_name + "<br>"), std::string::npos) << "the table shows the full name";
}

TEST(RenderHtml, HasEverySectionInBothLanguages) {
  const Bulletin b = MakeSampleBulletin();
  const std::string zh = RenderHtml(b, Lang::kZh);
  const std::string en = RenderHtml(b, Lang::kEn);
  for (const char* heading : {"宁乡市人口与出生统计月报", "全县概况", "历次运行趋势", "各乡镇出生登记完整率", "乡镇排名",
                              "村级明细", "方法说明", "<html lang=\"zh-CN\">"}) {
    EXPECT_NE(zh.find(heading), std::string::npos) << heading;
  }
  for (const char* heading : {"宁乡市 Population and Births Monthly Bulletin", "County summary", "Trend over runs",
                              "Birth registration completeness by township", "Township ranking",
                              "Villages by township", "Methods notes", "<html lang=\"en\">"}) {
    EXPECT_NE(en.find(heading), std::string::npos) << heading;
  }
  EXPECT_EQ(en.find("全县概况"), std::string::npos);
  EXPECT_EQ(CheckBalancedTags(zh), "");
  EXPECT_EQ(CheckBalancedTags(en), "");
}

TEST(RenderHtml, IsSelfContained) {
  const std::string html = RenderHtml(MakeSampleBulletin(), Lang::kZh);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "only the SVG namespace";
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("@page{size:A4"), std::string::npos);
  EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
}

TEST(RenderHtml, ShowsEveryTownshipAndVillage) {
  const Bulletin b = MakeSampleBulletin();
  const std::string html = RenderHtml(b, Lang::kZh);
  EXPECT_EQ(b.townships.size(), 29u);
  for (const AreaRow& t : b.townships) {
    // chart label, chart tooltip, ranking table, drill-down summary
    EXPECT_GE(CountOf(html, t.name), 4u) << t.name;
    for (const AreaRow& v : t.villages) EXPECT_NE(html.find(v.code), std::string::npos);
  }
  EXPECT_EQ(CountOf(html, "<details>"), 29u);
  EXPECT_EQ(CountOf(html, "<svg"), 2u);
}

TEST(RenderHtml, ArrowsFollowTheShownChange) {
  Bulletin b = MakeSmallBulletin();
  // 玉潭街道: accuracy 95.75 vs 94.0 → ▲ +1.8; the hostile township: 95.75 vs 96.0 → ▼ −0.3.
  const std::string html = RenderHtml(b, Lang::kZh);
  EXPECT_NE(html.find("▲&#8239;+1.8"), std::string::npos);
  EXPECT_NE(html.find("▼&#8239;−0.3"), std::string::npos);
  b.townships[0].previous_accuracy_score = b.townships[0].accuracy_score + 0.04;  // shows as 0.0
  const std::string same = RenderHtml(b, Lang::kZh);
  EXPECT_NE(same.find("＝&#8239;0.0"), std::string::npos);
  EXPECT_EQ(same.find("▼&#8239;−0.0"), std::string::npos);
}

TEST(RenderHtml, HandlesEmptyBulletin) {
  Bulletin b;
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    const std::string html = RenderHtml(b, lang);
    EXPECT_EQ(CheckBalancedTags(html), "");
    EXPECT_EQ(html.find("nan"), std::string::npos);
  }
  EXPECT_NE(RenderHtml(b, Lang::kEn).find("No earlier runs yet."), std::string::npos);
}

TEST(RenderHtml, NeverPrintsNanOrInf) {
  const Bulletin b = MakeSmallBulletin();  // has NaN estimates and an infinite upper limit
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    const std::string html = RenderHtml(b, lang);
    EXPECT_EQ(html.find("nan"), std::string::npos);
    EXPECT_EQ(html.find("inf<"), std::string::npos);
    EXPECT_EQ(html.find(">inf"), std::string::npos);
  }
  EXPECT_NE(RenderHtml(b, Lang::kZh).find("≥ 140（上限无法确定）"), std::string::npos);
}

// ---- determinism ----------------------------------------------------------------------

TEST(Render, IsDeterministic) {
  const Bulletin a = MakeSampleBulletin();
  const Bulletin b = MakeSampleBulletin();
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    EXPECT_EQ(RenderHtml(a, lang), RenderHtml(b, lang));
    EXPECT_EQ(RenderHtml(a, lang), RenderHtml(a, lang));
    EXPECT_EQ(RenderCsv(a, lang), RenderCsv(b, lang));
  }
  EXPECT_EQ(RenderJson(a), RenderJson(b));
  EXPECT_NE(RenderJson(MakeSampleBulletin(1)), RenderJson(a)) << "the seed matters";
}

// ---- CSV ----------------------------------------------------------------------------

TEST(RenderCsv, OneRowPerAreaWithFixedColumns) {
  const Bulletin b = MakeSampleBulletin();
  size_t villages = 0;
  for (const AreaRow& t : b.townships) villages += t.villages.size();
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    const auto rows = ParseCsvForTest(RenderCsv(b, lang));
    ASSERT_EQ(rows.size(), 1 + 1 + b.townships.size() + villages);
    for (const auto& row : rows) EXPECT_EQ(row.size(), kCsvColumns);
  }
  const auto rows = ParseCsvForTest(RenderCsv(b, Lang::kEn));
  EXPECT_EQ(rows[0][0], "level");
  EXPECT_EQ(rows[0][21], "rank");
  EXPECT_EQ(rows[1][0], "county");
  EXPECT_EQ(rows[1][1], "430182");
  EXPECT_EQ(rows[2][0], "township");
  EXPECT_EQ(rows[2][3], "430182");
  EXPECT_EQ(rows[3][0], "village");
  EXPECT_EQ(rows[3][3], rows[2][1]);
}

TEST(RenderCsv, NumbersAreFixedAndUnknownIsEmpty) {
  const Bulletin b = MakeSmallBulletin();
  const std::string en = RenderCsv(b, Lang::kEn);
  EXPECT_NE(en.substr(0, 3), "\xEF\xBB\xBF");
  const auto rows = ParseCsvForTest(en);
  // rows: header, county, 玉潭街道, 2 villages, hostile township, 沩山乡
  const auto& yutan = rows[2];
  EXPECT_EQ(yutan[2], "玉潭街道");
  EXPECT_EQ(yutan[4], "12000");
  EXPECT_EQ(yutan[7], "195.5");
  EXPECT_EQ(yutan[8], "188.3");  // 188.25 rounds half away from zero
  EXPECT_EQ(yutan[10], "0.9207");
  EXPECT_EQ(yutan[13], "2.50");
  EXPECT_EQ(yutan[17], "95.75");
  EXPECT_EQ(yutan[18], "94.00");
  EXPECT_EQ(yutan[19], "3.82");  // 1.75 + 100 × (0.92072 − 0.9)
  EXPECT_EQ(yutan[21], "1");
  const auto& no_estimate = rows[4];
  EXPECT_EQ(no_estimate[7], "");
  EXPECT_EQ(no_estimate[10], "");
  const auto& hostile = rows[5];
  EXPECT_EQ(hostile[9], "inf");
  EXPECT_EQ(hostile[20], "");  // no previous completeness
  const auto& empty = rows[6];
  EXPECT_EQ(empty[17], "");
  EXPECT_EQ(empty[21], "");
}

TEST(RenderCsv, ChineseHasBomAndLocalizedHeader) {
  const std::string zh = RenderCsv(MakeSmallBulletin(), Lang::kZh);
  ASSERT_EQ(zh.substr(0, 3), "\xEF\xBB\xBF");
  const auto rows = ParseCsvForTest(zh.substr(3));
  EXPECT_EQ(rows[0][0], "层级");
  EXPECT_EQ(rows[0][21], "名次");
  EXPECT_EQ(rows[1][0], "县");
}

TEST(RenderCsv, QuotesAndDefusesFormulas) {
  Bulletin b = MakeSmallBulletin();
  b.townships[0].name = "=HYPERLINK(\"http://x\",\"点我\"),\n第二行";
  const auto rows = ParseCsvForTest(RenderCsv(b, Lang::kEn));
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[2][2], "'=HYPERLINK(\"http://x\",\"点我\"),\n第二行");
  for (const auto& row : rows) EXPECT_EQ(row.size(), kCsvColumns);
}

// ---- JSON ---------------------------------------------------------------------------

TEST(RenderJson, HasStableKeysAndNulls) {
  const Bulletin b = MakeSmallBulletin();
  const auto j = nlohmann::json::parse(RenderJson(b));
  EXPECT_EQ(j["schema"], "vitalink.bulletin/1");
  EXPECT_EQ(j["county_code"], "430182");
  ASSERT_EQ(j["townships"].size(), 3u);
  const auto& yutan = j["townships"][0];
  const std::set<std::string> keys = {"code", "name", "register_records", "registered_births",
      "births_only_elsewhere", "estimated_births", "births_ci", "completeness", "completeness_ci",
      "wrong_items_per_100", "missing_items_per_100", "duplicates_per_100", "migrant_double_registrations",
      "accuracy_score", "progress_score", "rank", "previous_accuracy_score", "previous_completeness", "villages"};
  std::set<std::string> got;
  for (const auto& item : yutan.items()) got.insert(item.key());
  EXPECT_EQ(got, keys);
  EXPECT_EQ(yutan["register_records"], 12000);
  EXPECT_DOUBLE_EQ(yutan["estimated_births"].get<double>(), 195.5);
  EXPECT_DOUBLE_EQ(yutan["births_ci"]["low"].get<double>(), 188.25);
  EXPECT_DOUBLE_EQ(yutan["accuracy_score"].get<double>(), 95.75);
  EXPECT_EQ(yutan["rank"], 1);
  EXPECT_TRUE(yutan["villages"][1]["births_ci"].is_null());
  EXPECT_TRUE(yutan["villages"][1]["estimated_births"].is_null());
  EXPECT_FALSE(yutan["villages"][0].contains("villages"));
  EXPECT_TRUE(j["townships"][1]["births_ci"]["high"].is_null()) << "no finite upper limit";
  EXPECT_TRUE(j["townships"][2]["accuracy_score"].is_null());
  EXPECT_FALSE(j["county"].contains("villages"));
  EXPECT_EQ(j["trend"].size(), 3u);
  EXPECT_EQ(j["notes"].size(), 2u);
}

TEST(RenderJson, RoundTrips) {
  for (const Bulletin& b : {MakeSmallBulletin(), MakeSampleBulletin(), HostileBulletin(), Bulletin{}}) {
    const std::string json = RenderJson(b);
    auto parsed = ParseBulletinJson(json);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(RenderJson(*parsed), json);
    EXPECT_EQ(RenderHtml(*parsed, Lang::kZh), RenderHtml(b, Lang::kZh));
  }
  auto parsed = ParseBulletinJson(RenderJson(MakeSmallBulletin()));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(std::isinf(parsed->townships[1].births_ci.high));
  EXPECT_FALSE(parsed->townships[1].previous_completeness.has_value());
}

TEST(RenderJson, InvalidUtf8IsReplacedNotThrown) {
  Bulletin b = MakeSmallBulletin();
  b.townships[0].name = "玉潭\xFF";
  const std::string json = RenderJson(b);
  EXPECT_TRUE(IsValidUtf8(json));
  EXPECT_NE(json.find("玉潭\uFFFD"), std::string::npos);
}

TEST(ParseBulletinJson, RejectsBadInput) {
  EXPECT_EQ(ParseBulletinJson("").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseBulletinJson("{").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseBulletinJson("[]").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseBulletinJson(R"({"schema":"other"})").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseBulletinJson(R"({"schema":"vitalink.bulletin/1"})").status().code(), StatusCode::kParseError);
  std::string json = RenderJson(MakeSmallBulletin());
  json.replace(json.find("\"register_records\": 12000"), 25, "\"register_records\": \"x\"");
  EXPECT_EQ(ParseBulletinJson(json).status().code(), StatusCode::kParseError);
}

// ---- the sample ---------------------------------------------------------------------

TEST(SampleBulletin, IsPlausible) {
  const Bulletin b = MakeSampleBulletin();
  ASSERT_EQ(b.townships.size(), 29u);
  std::set<int> ranks;
  for (const AreaRow& t : b.townships) {
    ranks.insert(t.rank);
    EXPECT_GE(t.villages.size(), 3u);
    EXPECT_GT(t.completeness, 0.7);
    EXPECT_LE(t.completeness, 1.0);
    EXPECT_LE(t.completeness_ci.low, t.completeness);
    EXPECT_GE(t.completeness_ci.high, t.completeness);
    EXPECT_FALSE(std::isnan(t.progress_score));
    int64_t records = 0;
    for (const AreaRow& v : t.villages) records += v.register_records;
    EXPECT_EQ(records, t.register_records);
  }
  EXPECT_EQ(ranks.size(), 29u);
  EXPECT_EQ(*ranks.begin(), 1);
  EXPECT_EQ(*ranks.rbegin(), 29);
  EXPECT_EQ(b.trend.size(), 6u);
}

}  // namespace
}  // namespace vitalink::report
