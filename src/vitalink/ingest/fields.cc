#include "vitalink/ingest/fields.h"

#include <algorithm>
#include <array>
#include <vector>

namespace vitalink::ingest {
namespace {

constexpr CanonicalField kFields[] = {
    {"record_id", FieldType::kCode, ValueKind::kCode, "记录号", "record id"},
    {"id_number", FieldType::kCode, ValueKind::kCitizenId, "公民身份号码", "citizen ID number"},
    {"name", FieldType::kText, ValueKind::kName, "姓名", "name"},
    {"surname", FieldType::kText, ValueKind::kName, "姓", "surname"},
    {"given_name", FieldType::kText, ValueKind::kName, "名", "given name"},
    {"sex", FieldType::kCode, ValueKind::kSex, "性别", "sex"},
    {"birth_date", FieldType::kDate, ValueKind::kDate, "出生日期", "date of birth"},
    {"ethnicity", FieldType::kText, ValueKind::kText, "民族", "ethnicity"},
    {"household_id", FieldType::kCode, ValueKind::kCode, "户号", "household id"},
    {"relation", FieldType::kText, ValueKind::kText, "与户主关系", "relation to head"},
    {"area_code", FieldType::kCode, ValueKind::kCode, "行政区划代码", "area code"},
    {"registration_date", FieldType::kDate, ValueKind::kDate, "登记日期", "registration date"},
    {"mother_id_number", FieldType::kCode, ValueKind::kCitizenId, "母亲身份证号", "mother's ID number"},
    {"father_id_number", FieldType::kCode, ValueKind::kCitizenId, "父亲身份证号", "father's ID number"},
    {"status", FieldType::kText, ValueKind::kText, "人口状态", "residence status"},
    {"child_name", FieldType::kText, ValueKind::kName, "新生儿姓名", "child's name"},
    {"birth_weight", FieldType::kInteger, ValueKind::kInteger, "出生体重", "birth weight (g)"},
    {"hospital", FieldType::kText, ValueKind::kText, "接生机构", "hospital"},
    {"mother_name", FieldType::kText, ValueKind::kName, "母亲姓名", "mother's name"},
    {"father_name", FieldType::kText, ValueKind::kName, "父亲姓名", "father's name"},
    {"report_date", FieldType::kDate, ValueKind::kDate, "报告日期", "report date"},
    {"visit_date", FieldType::kDate, ValueKind::kDate, "调查日期", "visit date"},
    {"origin_area_code", FieldType::kCode, ValueKind::kCode, "户籍地区划代码", "origin area code"},
    {"arrival_date", FieldType::kDate, ValueKind::kDate, "来现住地日期", "arrival date"},
    {"death_date", FieldType::kDate, ValueKind::kDate, "死亡日期", "date of death"},
    {"vaccination_date", FieldType::kDate, ValueKind::kDate, "接种日期", "vaccination date"},
};

constexpr std::string_view kRoles[] = {"register", "births", "survey", "migrants", "vaccination",
                                       "deaths"};

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::span<const CanonicalField> CanonicalFields() { return kFields; }

const CanonicalField* FindCanonicalField(std::string_view name) {
  for (const CanonicalField& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string SuggestCanonicalField(std::string_view name) {
  size_t best = 4;
  std::string_view best_name;
  for (const CanonicalField& f : kFields) {
    const size_t d = EditDistance(name, f.name);
    if (d < best) {
      best = d;
      best_name = f.name;
    }
  }
  return std::string(best_name);
}

bool IsKnownRole(std::string_view role) {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

}  // namespace vitalink::ingest
