// The bulletin as CSV: one row per area (county, then each township followed by its
// villages) with a `level` column. Formats in docs/BULLETIN.md.

#include <cmath>
#include <string>

#include "vitalink/common/csv_writer.h"
#include "vitalink/report/bulletin.h"
#include "vitalink/report/format_internal.h"

namespace vitalink::report {
namespace {

using internal::Count;
using internal::Fixed;

constexpr const char* kEnHeader[] = {
    "level", "code", "name", "parent_code", "register_records", "registered_births", "births_only_elsewhere",
    "estimated_births", "births_ci_low", "births_ci_high", "completeness", "completeness_ci_low",
    "completeness_ci_high", "wrong_items_per_100", "missing_items_per_100", "duplicates_per_100",
    "migrant_double_registrations", "accuracy_score", "previous_accuracy_score", "progress_score",
    "previous_completeness", "rank"};

constexpr const char* kZhHeader[] = {
    "层级", "区划代码", "名称", "上级区划代码", "户籍记录数", "登记出生数", "待补登记出生数",
    "估计出生数", "估计出生数95%下限", "估计出生数95%上限", "出生登记完整率", "完整率95%下限",
    "完整率95%上限", "每百条记录错项数", "每百条记录漏项数", "每百条记录重复数",
    "流动人口重复登记人数", "准确度得分", "上期准确度得分", "进步得分", "上期出生登记完整率", "名次"};

static_assert(std::size(kEnHeader) == std::size(kZhHeader));

// Text fields from data go through SpreadsheetText (common/csv_writer.h), so a hostile
// name stays text in a spreadsheet.
std::string SafeText(const std::string& text) { return SpreadsheetText(text); }

std::string Opt(const std::optional<double>& v, int decimals) { return v ? Fixed(*v, decimals) : std::string(); }

void AppendRow(std::string& out, const char* level, const std::string& parent, const AreaRow& row) {
  const std::string fields[] = {
      level,
      SafeText(row.code),
      SafeText(row.name),
      SafeText(parent),
      Count(row.register_records),
      Count(row.registered_births),
      Count(row.births_only_elsewhere),
      Fixed(row.estimated_births, 1),
      Fixed(row.births_ci.low, 1),
      Fixed(row.births_ci.high, 1),
      Fixed(row.completeness, 4),
      Fixed(row.completeness_ci.low, 4),
      Fixed(row.completeness_ci.high, 4),
      Fixed(row.wrong_items_per_100, 2),
      Fixed(row.missing_items_per_100, 2),
      Fixed(row.duplicates_per_100, 2),
      Count(row.migrant_double_registrations),
      Fixed(row.accuracy_score, 2),
      Opt(row.previous_accuracy_score, 2),
      Fixed(row.progress_score, 2),
      Opt(row.previous_completeness, 4),
      row.rank > 0 ? Count(row.rank) : std::string(),
  };
  static_assert(std::size(fields) == std::size(kEnHeader));
  for (size_t col_idx = 0; col_idx < std::size(fields); ++col_idx) {
    if (col_idx > 0) out += ',';
    AppendCsvField(out, fields[col_idx]);
  }
  out += '\n';
}

}  // namespace

std::string RenderCsv(const Bulletin& b, Lang lang) {
  const bool zh = lang == Lang::kZh;
  std::string out;
  // Spreadsheets in Chinese locales read CSV as GB18030 unless it starts with a BOM.
  if (zh) out += "\xEF\xBB\xBF";
  const auto& header = zh ? kZhHeader : kEnHeader;
  for (size_t col_idx = 0; col_idx < std::size(header); ++col_idx) {
    if (col_idx > 0) out += ',';
    AppendCsvField(out, header[col_idx]);
  }
  out += '\n';
  const char* county = zh ? "县" : "county";
  const char* township = zh ? "乡镇" : "township";
  const char* village = zh ? "村" : "village";
  AppendRow(out, county, "", b.county);
  for (const AreaRow& t : b.townships) {
    AppendRow(out, township, b.county.code, t);
    for (const AreaRow& v : t.villages) AppendRow(out, village, t.code, v);
  }
  return out;
}

}  // namespace vitalink::report
