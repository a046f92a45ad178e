#include "vitalink/pipeline/estimate_step.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"
#include "vitalink/ingest/config_toml.h"
#include "vitalink/ingest/csv_reader.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;

// True births of the period per township, from the generator's persons.csv.
Result<std::map<std::string, int64_t>> TrueBirths(const std::string& path) {
  std::map<std::string, int64_t> out;
  VL_ASSIGN_OR_RETURN(ingest::CsvReader reader, ingest::CsvReader::Open(path, {}));
  int born = -1, town = -1;
  for (size_t i = 0; i < reader.header().size(); ++i) {
    if (reader.header()[i] == "born_in_period") born = static_cast<int>(i);
    if (reader.header()[i] == "township_code") town = static_cast<int>(i);
  }
  if (born < 0 || town < 0) return out;
  ingest::CsvRow row;
  while (reader.Next(row)) {
    if (row.error != ingest::CsvRowError::kNone) continue;
    if (row.fields[static_cast<size_t>(born)] == "1") ++out[std::string(row.fields[static_cast<size_t>(town)])];
  }
  return out;
}

nlohmann::ordered_json AreaJson(const AreaBirths& a) {
  nlohmann::ordered_json j;
  j["code"] = a.code;
  j["in_register"] = a.in_register;
  j["in_births_reports"] = a.in_births;
  j["in_both"] = a.in_both;
  j["only_elsewhere"] = a.only_elsewhere;
  if (a.has_estimate) {
    j["estimated_births"] = a.dse.chapman;
    j["interval"] = {a.dse.interval.lower, a.dse.interval.upper};
    j["register_completeness"] = a.dse.completeness1;
    j["register_completeness_interval"] = {a.dse.completeness1_interval.lower,
                                           a.dse.completeness1_interval.upper};
    if (!a.dse.note.empty()) j["note"] = a.dse.note;
  }
  if (a.true_births) j["true_births"] = *a.true_births;
  return j;
}

}  // namespace

Result<EstimateSettings> ParseEstimateSettings(const ingest::ProjectConfig& config) {
  EstimateSettings s;
  VL_ASSIGN_OR_RETURN(toml::table root, ingest::ParseConfigToml(config));
  const toml::table* t = root["estimate"].as_table();
  if (t == nullptr) return s;
  s.enabled = true;
  auto where = [&](const toml::node* n) {
    return n != nullptr ? ingest::ConfigWhere(config, n->source()) : config.path;
  };
  for (const auto& [key, node] : *t) {
    const std::string k(key.str());
    if (!node.is_string()) return Status::InvalidArgument(where(&node) + ": estimate." + k + ": expected a string");
    const std::string v = node.as_string()->get();
    if (k == "period_start" || k == "period_end") {
      auto d = ParseIsoDate(v);
      if (!d) return Status::InvalidArgument(where(&node) + ": estimate." + k + ": expected YYYY-MM-DD");
      (k == "period_start" ? s.period_start : s.period_end) = *d;
    } else if (k == "register") {
      s.register_source = v;
    } else if (k == "births") {
      s.births_source = v;
    } else {
      return Status::InvalidArgument(where(&node) + ": estimate: unknown key '" + k +
                                     "' (known: period_start, period_end, register, births)");
    }
  }
  if (s.period_start == 0 || s.period_end == 0 || s.period_end < s.period_start) {
    return Status::InvalidArgument(config.path + ": [estimate] needs period_start <= period_end");
  }
  for (const auto& src : config.sources) {
    if (s.register_source.empty() && src.role == "register") s.register_source = src.name;
    if (s.births_source.empty() && src.role == "births") s.births_source = src.name;
  }
  if (s.register_source.empty() || s.births_source.empty()) {
    return Status::InvalidArgument(config.path + ": [estimate] needs a register and a births source");
  }
  return s;
}

Result<EstimateStep> RunEstimateStep(const ingest::ProjectConfig& config,
                                     const ingest::IngestResult& ingest,
                                     const cluster::Persons& persons, const std::string& dir) {
  const auto start = std::chrono::steady_clock::now();
  EstimateStep step;
  VL_ASSIGN_OR_RETURN(step.settings, ParseEstimateSettings(config));
  if (!step.settings.enabled) return step;
  const EstimateSettings& s = step.settings;

  // Per person (cluster label): which lists hold a birth of the period, and where.
  constexpr uint8_t kRegister = 1, kBirths = 2, kOther = 4;
  std::vector<uint8_t> lists(static_cast<size_t>(persons.num_persons), 0);
  std::vector<uint32_t> area(static_cast<size_t>(persons.num_persons), StringPool::kNull);
  std::vector<uint8_t> area_rank(static_cast<size_t>(persons.num_persons), 255);
  for (size_t si = 0; si < ingest.sources.size(); ++si) {
    const ingest::SourceData& src = ingest.sources[si];
    const uint8_t bit = src.config.name == s.register_source ? kRegister
                        : src.config.name == s.births_source ? kBirths
                                                             : kOther;
    // Where a person lives: the register says best, then the birth report.
    const uint8_t rank = bit == kRegister ? 0 : bit == kBirths ? 1 : 2;
    const Column* born = src.table.GetColumn("birth_date");
    const Column* code = src.table.GetColumn("area_code");
    if (born == nullptr) continue;
    for (int64_t r = 0; r < src.table.num_rows(); ++r) {
      const int32_t d = born->date(r);
      const bool in_period = d != kNullDate && d >= s.period_start && d <= s.period_end;
      // A hospital report is a birth of the period even when its date is lost.
      if (!in_period && !(bit == kBirths && d == kNullDate)) continue;
      const auto p = static_cast<size_t>(persons.labels[static_cast<size_t>(persons.offsets[si] + r)]);
      lists[p] |= bit;
      if (code != nullptr && !code->IsNull(r) && rank < area_rank[p]) {
        area[p] = code->string_id(r);
        area_rank[p] = rank;
      }
    }
  }
  std::map<std::string, AreaBirths> by_town;
  AreaBirths& county = step.county;
  county.code = config.county;
  for (size_t p = 0; p < lists.size(); ++p) {
    const uint8_t l = lists[p];
    if (l == 0) continue;
    std::string town = "unknown";
    if (area[p] != StringPool::kNull) {
      const std::string_view c = ingest.pool->Get(area[p]);
      if (c.size() >= 9) town = std::string(c.substr(0, 9));
    }
    for (AreaBirths* a : {&by_town[town], &county}) {
      a->in_register += (l & kRegister) != 0;
      a->in_births += (l & kBirths) != 0;
      a->in_both += (l & kRegister) && (l & kBirths);
      a->only_elsewhere += (l & kRegister) == 0;
    }
  }
  std::map<std::string, int64_t> truth;
  if (!config.persons_path.empty() && fs::exists(config.persons_path)) {
    VL_ASSIGN_OR_RETURN(truth, TrueBirths(config.persons_path));
    int64_t total = 0;
    for (const auto& [code, n] : truth) total += n;
    county.true_births = total;
  }
  auto estimate = [](AreaBirths& a) {
    auto dse = estimate::EstimateDualSystem(a.in_register, a.in_births, static_cast<double>(a.in_both));
    if (dse.ok()) {
      a.dse = std::move(*dse);
      a.has_estimate = true;
    }
  };
  estimate(county);
  for (auto& [code, a] : by_town) {
    a.code = code;
    if (auto it = truth.find(code); it != truth.end()) a.true_births = it->second;
    estimate(a);
    step.townships.push_back(a);
  }

  // Outputs.
  std::string csv =
      "area,in_register,in_births_reports,in_both,only_elsewhere,estimated_births,low,high,"
      "register_completeness,true_births\n";
  auto row = [&csv](const AreaBirths& a) {
    std::string line;
    AppendCsvRow(line, {a.code, std::to_string(a.in_register), std::to_string(a.in_births),
                        std::to_string(a.in_both), std::to_string(a.only_elsewhere),
                        a.has_estimate ? fmt::format("{:.2f}", a.dse.chapman) : "",
                        a.has_estimate ? fmt::format("{:.2f}", a.dse.interval.lower) : "",
                        a.has_estimate ? fmt::format("{:.2f}", a.dse.interval.upper) : "",
                        a.has_estimate ? fmt::format("{:.4f}", a.dse.completeness1) : "",
                        a.true_births ? std::to_string(*a.true_births) : ""});
    csv += line;
  };
  row(county);
  for (const AreaBirths& a : step.townships) row(a);
  nlohmann::ordered_json j;
  j["period"] = {FormatDate(s.period_start), FormatDate(s.period_end)};
  j["lists"] = {s.register_source, s.births_source};
  j["method"] = "Chapman dual-system estimate, 95% profile-likelihood interval (docs/ESTIMATION.md)";
  j["county"] = AreaJson(county);
  nlohmann::ordered_json towns = nlohmann::ordered_json::array();
  for (const AreaBirths& a : step.townships) towns.push_back(AreaJson(a));
  j["townships"] = std::move(towns);
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "births.csv").string(), csv));
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "summary.json").string(), j.dump(2) + "\n"));
  step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return step;
}

}  // namespace vitalink::pipeline
