#include "vitalink/pipeline/check_step.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "vitalink/check/localize.h"
#include "vitalink/check/program.h"
#include "vitalink/check/rule_file.h"
#include "vitalink/common/area_codes.h"
#include "vitalink/common/csv_writer.h"
#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"
#include "vitalink/ingest/config_toml.h"
#include "vitalink/ingest/fields.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;

// Truth errors "name:homophone;birth_date:day_month_swap" → (field, kind) pairs.
std::vector<std::pair<std::string, std::string>> ParseErrors(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!s.empty()) {
    const size_t semi = s.find(';');
    std::string_view item = s.substr(0, semi);
    const size_t colon = item.find(':');
    if (colon != std::string_view::npos) {
      out.emplace_back(std::string(item.substr(0, colon)), std::string(item.substr(colon + 1)));
    }
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return out;
}

}  // namespace

std::string DefaultRulesDir() {
  if (const char* env = std::getenv("VITALINK_RULES_DIR"); env != nullptr && *env != '\0') return env;
#ifdef VL_DEFAULT_RULES_DIR
  if (fs::exists(VL_DEFAULT_RULES_DIR)) return VL_DEFAULT_RULES_DIR;
#endif
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) return (exe.parent_path().parent_path() / "share" / "vitalink" / "rules").string();
  return "rules";
}

Result<CheckSettings> ParseCheckSettings(const ingest::ProjectConfig& config) {
  CheckSettings s;
  VL_ASSIGN_OR_RETURN(toml::table root, ingest::ParseConfigToml(config));
  const toml::table* check = root["check"].as_table();
  if (check == nullptr) return s;
  auto where = [&](const toml::node* n) {
    return n != nullptr ? ingest::ConfigWhere(config, n->source()) : config.path;
  };
  for (const auto& [key, node] : *check) {
    if (key == "run_date") {
      if (!node.is_string() || !ParseIsoDate(node.as_string()->get())) {
        return Status::InvalidArgument(where(&node) + ": check.run_date: expected \"YYYY-MM-DD\"");
      }
      s.run_date = node.as_string()->get();
    } else if (key == "rules") {
      const toml::table* rt = node.as_table();
      if (rt == nullptr) return Status::InvalidArgument(where(&node) + ": check.rules: expected role = [files]");
      for (const auto& [role, files] : *rt) {
        const toml::array* a = files.as_array();
        if (a == nullptr) return Status::InvalidArgument(where(&files) + ": check.rules: expected an array of files");
        s.rules[std::string(role.str())];  // an empty list is "no checks", not "the default"
        for (const toml::node& f : *a) {
          if (!f.is_string()) return Status::InvalidArgument(where(&f) + ": check.rules: expected file names");
          const fs::path p(f.as_string()->get());
          s.rules[std::string(role.str())].push_back(p.is_absolute() ? p.string() : (fs::path(config.dir) / p).string());
        }
      }
    } else if (key == "weights") {
      const toml::table* wt = node.as_table();
      if (wt == nullptr) return Status::InvalidArgument(where(&node) + ": check.weights: expected field = weight");
      for (const auto& [field, w] : *wt) {
        const double v = w.is_integer() ? static_cast<double>(w.as_integer()->get())
                         : w.is_floating_point() ? w.as_floating_point()->get()
                                                 : -1.0;
        if (!(v > 0)) return Status::InvalidArgument(where(&w) + ": check.weights: expected a positive number");
        s.weights[std::string(field.str())] = v;
      }
    } else {
      return Status::InvalidArgument(where(&node) + ": check: unknown key '" + std::string(key.str()) +
                                     "' (known: rules, run_date, weights)");
    }
  }
  return s;
}

Result<CheckStep> RunCheckStep(const ingest::ProjectConfig& config, const ingest::IngestResult& ingest,
                               const ingest::Truth* truth, const std::string& dir, int threads) {
  const auto start = std::chrono::steady_clock::now();
  VL_ASSIGN_OR_RETURN(CheckSettings settings, ParseCheckSettings(config));
  // Rule files per source: [check.rules] for its role (an empty list turns
  // checks off), else the shipped rules/<role>.toml.
  std::vector<std::vector<std::string>> files_of(ingest.sources.size());
  bool any_rules = false;
  for (size_t si = 0; si < ingest.sources.size(); ++si) {
    const ingest::SourceData& src = ingest.sources[si];
    if (auto it = settings.rules.find(src.config.role); it != settings.rules.end()) {
      files_of[si] = it->second;
    } else if (const std::string f = DefaultRulesDir() + "/" + src.config.role + ".toml"; fs::exists(f)) {
      files_of[si].push_back(f);
    }
    any_rules = any_rules || !files_of[si].empty();
  }
  CheckStep step;
  if (!any_rules) return step;
  VL_ASSIGN_OR_RETURN(const AreaTable* areas, DefaultAreaTable());
  check::BindOptions bind;
  for (const ingest::SourceData& s : ingest.sources) bind.references[s.config.name] = &s.table;
  // Rule files name sources by role (lookup('register', …)); a role that is
  // not also some source's name refers to the first source with that role.
  for (const ingest::SourceData& s : ingest.sources) bind.references.try_emplace(s.config.role, &s.table);
  bind.areas = areas;
  if (!settings.run_date.empty()) bind.run_date = *ParseIsoDate(settings.run_date);
  if (!config.county.empty()) bind.params["county_code"] = config.county;
  for (const ingest::CanonicalField& f : ingest::CanonicalFields()) bind.optional_fields.emplace_back(f.name);
  check::EvalOptions eval;
  eval.num_threads = threads;

  std::string findings =
      "source,record_id,line,rule,severity,kind,fields,likely_wrong_fields,label_zh,label_en\n";
  nlohmann::ordered_json findings_json = nlohmann::ordered_json::array();
  nlohmann::ordered_json summary;
  nlohmann::ordered_json sources_json = nlohmann::ordered_json::array();
  std::map<std::pair<std::string, std::string>, ErrorKindMetrics> recall;
  std::map<std::string, FieldPrecision> precision;
  for (size_t si = 0; si < ingest.sources.size(); ++si) {
    const ingest::SourceData& src = ingest.sources[si];
    const std::vector<std::string>& files = files_of[si];
    if (files.empty()) continue;
    VL_ASSIGN_OR_RETURN(check::RuleSet rules, check::LoadRuleFiles(files));
    bind.source_name = src.config.name;
    auto compiled = check::CompiledRules::Compile(rules, src.table, bind);
    if (!compiled.ok()) return compiled.status().WithContext("checking source '" + src.config.name + "'");
    auto result = compiled->Evaluate(eval);
    if (!result.ok()) return result.status().WithContext("checking source '" + src.config.name + "'");
    const check::CheckResult& r = *result;
    // Fellegi–Holt: the likeliest wrong fields of each failing record.
    check::LocalizeOptions lo;
    lo.weights = settings.weights;
    lo.seed = config.seed;
    lo.num_threads = threads;
    VL_ASSIGN_OR_RETURN(std::vector<check::Localization> localized, check::LocalizeErrors(*compiled, r, lo));
    std::map<int64_t, std::string> wrong_fields;
    std::map<int64_t, const check::Localization*> localization_of;
    for (const check::Localization& l : localized) {
      std::string f;
      for (const std::string& fd : l.fields) f += (f.empty() ? "" : ";") + fd;
      wrong_fields[l.row] = std::move(f);
      localization_of[l.row] = &l;
    }
    const Column& rid = src.table.column(0);
    std::string line;
    for (const check::Finding& f : r.findings) {
      const check::RuleSummary& rs = r.summaries[static_cast<size_t>(f.rule_index)];
      std::string fields;
      for (const std::string& fd : rs.fields) fields += (fields.empty() ? "" : ";") + fd;
      line.clear();
      AppendCsvRow(line, {src.config.name, src.table.pool().Get(rid.string_id(f.row)),
                          std::to_string(f.origin_line), rs.rule_id, check::SeverityName(rs.severity),
                          check::RuleKindName(rs.kind), fields, wrong_fields[f.row], rs.label_zh,
                          rs.label_en});
      findings += line;
      findings_json.push_back({{"source", src.config.name},
                               {"record_id", src.table.pool().Get(rid.string_id(f.row))},
                               {"line", f.origin_line},
                               {"rule", rs.rule_id},
                               {"severity", check::SeverityName(rs.severity)},
                               {"kind", check::RuleKindName(rs.kind)},
                               {"fields", rs.fields},
                               {"likely_wrong_fields", localization_of.count(f.row) ? localization_of[f.row]->fields
                                                                                   : std::vector<std::string>{}}});
    }
    if (truth != nullptr && !truth->empty()) {
      for (const auto& [row, loc] : localization_of) {
        const auto errors = ParseErrors(truth->errors[si][static_cast<size_t>(row)]);
        if (errors.size() != 1 || errors[0].first == "record") continue;
        ++step.localization.single_error_records;
        step.localization.named += std::find(loc->fields.begin(), loc->fields.end(), errors[0].first) != loc->fields.end();
      }
    }
    nlohmann::ordered_json sj;
    sj["source"] = src.config.name;
    sj["role"] = src.config.role;
    sj["records"] = r.num_rows;
    sj["rule_files"] = files;
    std::set<int64_t> failing_rows;
    for (const check::Finding& f : r.findings) failing_rows.insert(f.row);
    sj["records_failing"] = static_cast<int64_t>(failing_rows.size());
    nlohmann::ordered_json rules_json = nlohmann::ordered_json::array();
    for (const check::RuleSummary& rs : r.summaries) {
      nlohmann::ordered_json rj;
      rj["rule"] = rs.rule_id;
      rj["label_zh"] = rs.label_zh;
      rj["label_en"] = rs.label_en;
      rj["severity"] = std::string(check::SeverityName(rs.severity));
      rj["kind"] = std::string(check::RuleKindName(rs.kind));
      rj["fields"] = rs.fields;
      rj["items"] = rs.items;
      rj["passes"] = rs.passes;
      rj["fails"] = rs.fails;
      rj["missing"] = rs.missing;
      rj["pass_rate"] = rs.pass_rate;
      rj["tolerance"] = rs.tolerance;
      rj["within_tolerance"] = rs.within_tolerance;
      if (rs.skipped) rj["skipped"] = rs.skip_reason;
      rules_json.push_back(std::move(rj));
    }
    sj["rules"] = std::move(rules_json);
    check::AreaSummary areas_summary;
    if (src.table.FindColumn("area_code") >= 0) {
      VL_ASSIGN_OR_RETURN(areas_summary, check::SummarizeByArea(r, src.table));
      nlohmann::ordered_json towns = nlohmann::ordered_json::array();
      for (const check::AreaRate& a : areas_summary.townships) {
        towns.push_back({{"code", a.code}, {"records", a.records}, {"wrong_items", a.wrong_items},
                         {"missing_items", a.missing_items}, {"wrong_per_100", a.wrong_per_100},
                         {"missing_per_100", a.missing_per_100}});
      }
      sj["townships"] = std::move(towns);
      nlohmann::ordered_json villages = nlohmann::ordered_json::array();
      for (const check::AreaRate& a : areas_summary.villages) {
        villages.push_back({{"code", a.code}, {"records", a.records}, {"wrong_items", a.wrong_items},
                            {"missing_items", a.missing_items}, {"wrong_per_100", a.wrong_per_100},
                            {"missing_per_100", a.missing_per_100}});
      }
      sj["villages"] = std::move(villages);
    }
    sources_json.push_back(std::move(sj));

    // Detection of injected errors: a record's injected error in field f is
    // detected when some failed rule of that record reads f.
    if (truth != nullptr && !truth->empty()) {
      std::vector<std::set<std::string>> flagged(static_cast<size_t>(r.num_rows));
      for (const check::Finding& f : r.findings) {
        for (const std::string& fd : r.summaries[static_cast<size_t>(f.rule_index)].fields) {
          flagged[static_cast<size_t>(f.row)].insert(fd);
        }
      }
      for (int64_t row = 0; row < r.num_rows; ++row) {
        const auto errors = ParseErrors(truth->errors[si][static_cast<size_t>(row)]);
        std::set<std::string> error_fields;
        for (const auto& [field, kind] : errors) {
          error_fields.insert(field);
          ErrorKindMetrics& m = recall[{field, kind}];
          m.field = field;
          m.kind = kind;
          ++m.injected;
          m.detected += flagged[static_cast<size_t>(row)].count(field) > 0;
        }
        for (const std::string& fd : flagged[static_cast<size_t>(row)]) {
          FieldPrecision& p = precision[fd];
          p.field = fd;
          ++p.flagged;
          p.correct += error_fields.count(fd) > 0;
        }
      }
    }
    step.sources.push_back(src.config.name);
    step.areas.push_back(std::move(areas_summary));
    step.results.push_back(std::move(*result));
  }
  for (auto& [key, m] : recall) {
    m.recall = m.injected > 0 ? static_cast<double>(m.detected) / static_cast<double>(m.injected) : 0;
    step.recall.push_back(m);
  }
  for (auto& [key, p] : precision) {
    p.precision = p.flagged > 0 ? static_cast<double>(p.correct) / static_cast<double>(p.flagged) : 0;
    step.precision.push_back(p);
  }
  summary["run_date"] = settings.run_date.empty() ? std::string("system date") : settings.run_date;
  summary["sources"] = std::move(sources_json);
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "findings.csv").string(), findings));
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "findings.json").string(), findings_json.dump(1) + "\n"));
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "summary.json").string(), summary.dump(2) + "\n"));
  if (truth != nullptr && !truth->empty()) {
    nlohmann::ordered_json mj;
    nlohmann::ordered_json rj = nlohmann::ordered_json::array();
    for (const ErrorKindMetrics& m : step.recall) {
      rj.push_back({{"field", m.field}, {"kind", m.kind}, {"injected", m.injected},
                    {"detected", m.detected}, {"recall", m.recall}});
    }
    nlohmann::ordered_json pj = nlohmann::ordered_json::array();
    for (const FieldPrecision& p : step.precision) {
      pj.push_back({{"field", p.field}, {"flagged", p.flagged}, {"with_injected_error", p.correct},
                    {"precision", p.precision}});
    }
    mj["note"] = "accepted records only; rows quarantined at ingest are in ingest/rejects";
    LocalizationAccuracy& la = step.localization;
    la.rate = la.single_error_records > 0
                  ? static_cast<double>(la.named) / static_cast<double>(la.single_error_records)
                  : 0;
    mj["localization"] = {{"single_error_records_failing", la.single_error_records},
                          {"injected_field_named", la.named},
                          {"rate", la.rate}};
    mj["recall_by_error_kind"] = std::move(rj);
    mj["precision_by_field"] = std::move(pj);
    VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "metrics.json").string(), mj.dump(2) + "\n"));
  }
  step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return step;
}

}  // namespace vitalink::pipeline
