// The bulletin as JSON with stable English keys, and back (docs/BULLETIN.md, "JSON").

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "vitalink/report/bulletin.h"

namespace vitalink::report {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSchema = "vitalink.bulletin/1";

// NaN is written as null; so is an infinite upper limit, which ParseInterval reads back.
Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json IntervalJson(const Interval& ci) {
  if (!ci.known()) return nullptr;
  return Json{{"low", Number(ci.low)}, {"high", Number(ci.high)}};
}

Json OptNumber(const std::optional<double>& v) { return v ? Number(*v) : Json(nullptr); }

Json RowJson(const AreaRow& row, bool with_villages) {
  Json j{{"code", row.code},
         {"name", row.name},
         {"register_records", row.register_records},
         {"registered_births", row.registered_births},
         {"births_only_elsewhere", row.births_only_elsewhere},
         {"estimated_births", Number(row.estimated_births)},
         {"births_ci", IntervalJson(row.births_ci)},
         {"completeness", Number(row.completeness)},
         {"completeness_ci", IntervalJson(row.completeness_ci)},
         {"wrong_items_per_100", Number(row.wrong_items_per_100)},
         {"missing_items_per_100", Number(row.missing_items_per_100)},
         {"duplicates_per_100", Number(row.duplicates_per_100)},
         {"migrant_double_registrations", row.migrant_double_registrations},
         {"accuracy_score", Number(row.accuracy_score)},
         {"progress_score", Number(row.progress_score)},
         {"rank", row.rank},
         {"previous_accuracy_score", OptNumber(row.previous_accuracy_score)},
         {"previous_completeness", OptNumber(row.previous_completeness)}};
  if (with_villages) {
    Json villages = Json::array();
    for (const AreaRow& v : row.villages) villages.push_back(RowJson(v, false));
    j["villages"] = std::move(villages);
  }
  return j;
}

double ReadNumber(const Json& j, const char* key) {
  const Json& v = j.at(key);
  return v.is_null() ? kNaN : v.get<double>();
}

Interval ReadInterval(const Json& j, const char* key) {
  const Json& v = j.at(key);
  if (v.is_null()) return {};
  Interval ci;
  ci.low = v.at("low").is_null() ? kNaN : v.at("low").get<double>();
  ci.high = v.at("high").is_null() ? std::numeric_limits<double>::infinity() : v.at("high").get<double>();
  return ci;
}

std::optional<double> ReadOpt(const Json& j, const char* key) {
  const Json& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<double>();
}

AreaRow ReadRow(const Json& j) {
  AreaRow row;
  row.code = j.at("code").get<std::string>();
  row.name = j.at("name").get<std::string>();
  row.register_records = j.at("register_records").get<int64_t>();
  row.registered_births = j.at("registered_births").get<int64_t>();
  row.births_only_elsewhere = j.at("births_only_elsewhere").get<int64_t>();
  row.estimated_births = ReadNumber(j, "estimated_births");
  row.births_ci = ReadInterval(j, "births_ci");
  row.completeness = ReadNumber(j, "completeness");
  row.completeness_ci = ReadInterval(j, "completeness_ci");
  row.wrong_items_per_100 = ReadNumber(j, "wrong_items_per_100");
  row.missing_items_per_100 = ReadNumber(j, "missing_items_per_100");
  row.duplicates_per_100 = ReadNumber(j, "duplicates_per_100");
  row.migrant_double_registrations = j.at("migrant_double_registrations").get<int64_t>();
  row.accuracy_score = ReadNumber(j, "accuracy_score");
  row.progress_score = ReadNumber(j, "progress_score");
  row.rank = j.at("rank").get<int>();
  row.previous_accuracy_score = ReadOpt(j, "previous_accuracy_score");
  row.previous_completeness = ReadOpt(j, "previous_completeness");
  if (j.contains("villages")) {
    for (const Json& v : j.at("villages")) row.villages.push_back(ReadRow(v));
  }
  return row;
}

}  // namespace

std::string RenderJson(const Bulletin& b) {
  Json j{{"schema", kSchema},
         {"county_code", b.county_code},
         {"county_name", b.county_name},
         {"period_label", b.period_label},
         {"run_label", b.run_label},
         {"generated_on", b.generated_on},
         {"county", RowJson(b.county, false)}};
  Json townships = Json::array();
  for (const AreaRow& t : b.townships) townships.push_back(RowJson(t, true));
  j["townships"] = std::move(townships);
  Json trend = Json::array();
  for (const TrendPoint& p : b.trend) {
    trend.push_back(Json{{"run_label", p.run_label},
                         {"completeness", Number(p.completeness)},
                         {"accuracy_score", Number(p.accuracy_score)}});
  }
  j["trend"] = std::move(trend);
  j["notes"] = b.notes;
  // Invalid UTF-8 in a name must not throw: it becomes U+FFFD.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<Bulletin> ParseBulletinJson(std::string_view text) {
  try {
    const Json j = Json::parse(text.begin(), text.end());
    if (!j.is_object() || j.value("schema", "") != kSchema) {
      return Status::ParseError(std::string("bulletin JSON: expected \"schema\": \"") + kSchema + "\"");
    }
    Bulletin b;
    b.county_code = j.at("county_code").get<std::string>();
    b.county_name = j.at("county_name").get<std::string>();
    b.period_label = j.at("period_label").get<std::string>();
    b.run_label = j.at("run_label").get<std::string>();
    b.generated_on = j.at("generated_on").get<std::string>();
    b.county = ReadRow(j.at("county"));
    for (const Json& t : j.at("townships")) b.townships.push_back(ReadRow(t));
    for (const Json& p : j.at("trend")) {
      b.trend.push_back(TrendPoint{p.at("run_label").get<std::string>(), ReadNumber(p, "completeness"),
                                   ReadNumber(p, "accuracy_score")});
    }
    b.notes = j.at("notes").get<std::vector<std::string>>();
    return b;
  } catch (const nlohmann::json::exception& e) {
    return Status::ParseError(std::string("bulletin JSON: ") + e.what());
  }
}

}  // namespace vitalink::report
