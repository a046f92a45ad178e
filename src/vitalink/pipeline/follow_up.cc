#include "vitalink/pipeline/follow_up.h"

#include <filesystem>
#include <map>
#include <vector>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"
#include "vitalink/pipeline/pipeline.h"
#include "vitalink/review/follow_up.h"
#include "vitalink/store/store.h"

namespace vitalink::pipeline {

Status WriteFollowUp(const RunReport& report, const std::string& path) {
  std::string out =
      "action,person_id,source,record_id,line,name,birth_date,area_code,mother_id_number,outcome,found_source,"
      "found_record_id,note\n";
  if (!report.linked) return WriteFileAtomic(path, out);
  const cluster::Persons& persons = report.persons;
  const auto& sources = report.ingest.sources;
  const EstimateSettings& est = report.estimate.settings;
  // Which persons have a register record, and how many.
  std::vector<int32_t> register_records(static_cast<size_t>(persons.num_persons), 0);
  for (size_t si = 0; si < sources.size(); ++si) {
    if (sources[si].config.role != "register") continue;
    for (int64_t r = 0; r < sources[si].table.num_rows(); ++r) {
      ++register_records[static_cast<size_t>(persons.labels[static_cast<size_t>(persons.offsets[si] + r)])];
    }
  }
  auto text = [](const ingest::SourceData& s, std::string_view column, int64_t row) {
    const int c = s.table.FindColumn(column);
    return c < 0 ? std::string() : s.table.ValueAsString(row, c);
  };
  std::string line;
  const store::FollowUpOutcome none;  // a record not followed up yet
  auto emit = [&](std::string_view action, size_t si, int64_t r) {
    const ingest::SourceData& s = sources[si];
    const int64_t rec = persons.offsets[si] + r;
    std::string name = text(s, "name", r);
    if (name.empty()) name = text(s, "child_name", r);
    const auto done = report.follow_ups.by_record.find(rec);
    const store::FollowUpOutcome& o = done == report.follow_ups.by_record.end() ? none : done->second;
    line.clear();
    // Text from data or staff, identifiers too, is made safe to open in a spreadsheet;
    // the import undoes it (review::ReadFollowUpOutcomes).
    AppendCsvRow(line, {action, persons.person_ids[static_cast<size_t>(rec)], s.config.name,
                        SpreadsheetText(text(s, "record_id", r)), std::to_string(s.table.origin_line(r)),
                        SpreadsheetText(name), SpreadsheetText(text(s, "birth_date", r)),
                        SpreadsheetText(text(s, "area_code", r)), SpreadsheetText(text(s, "mother_id_number", r)),
                        o.outcome, o.found_source, SpreadsheetText(o.found_record_id), SpreadsheetText(o.note)});
    out += line;
  };
  // Births to register: every record of the persons the estimate counts as births of the
  // period with no register record (the `only_elsewhere` count), whatever each record's
  // own date says: a report with a mistyped or missing date is still the lead to follow.
  const std::vector<uint8_t>& period = report.estimate.person_lists;
  if (est.enabled && period.size() == static_cast<size_t>(persons.num_persons)) {
    for (size_t si = 0; si < sources.size(); ++si) {
      if (sources[si].config.role == "register") continue;
      for (int64_t r = 0; r < sources[si].table.num_rows(); ++r) {
        const auto p = static_cast<size_t>(persons.labels[static_cast<size_t>(persons.offsets[si] + r)]);
        if (period[p] != 0 && register_records[p] == 0) emit("register_birth", si, r);
      }
    }
  }
  // Duplicates to merge: persons with two or more register records.
  for (size_t si = 0; si < sources.size(); ++si) {
    if (sources[si].config.role != "register") continue;
    for (int64_t r = 0; r < sources[si].table.num_rows(); ++r) {
      const auto p = persons.labels[static_cast<size_t>(persons.offsets[si] + r)];
      if (register_records[static_cast<size_t>(p)] > 1) emit("merge_duplicate", si, r);
    }
  }
  return WriteFileAtomic(path, out);
}

std::string FollowUpRegisterSource(const ingest::ProjectConfig& config) {
  if (auto s = ParseEstimateSettings(config); s.ok() && s->enabled) return s->register_source;
  for (const auto& src : config.sources) {
    if (src.role == "register") return src.name;
  }
  return {};
}

Result<ImportedFollowUps> ImportFollowUps(const std::string& config_path, const std::string& outcomes_path,
                                          const std::string& who, const std::string& output_dir) {
  VL_ASSIGN_OR_RETURN(ingest::ProjectConfig config, ingest::LoadProjectConfig(config_path));
  review::FollowUpReadOptions options;
  options.who = who;
  options.at = UtcNowIso8601();
  options.default_found_source = FollowUpRegisterSource(config);
  for (const auto& src : config.sources) {
    if (src.role == "register") options.register_sources.insert(src.name);
  }
  VL_ASSIGN_OR_RETURN(std::vector<store::FollowUpOutcome> outcomes,
                      review::ReadFollowUpOutcomes(outcomes_path, options));
  const std::string dir = output_dir.empty() ? config.output_dir : output_dir;
  VL_RETURN_IF_ERROR(EnsureDirectory(dir));
  ImportedFollowUps out;
  out.store_path = (std::filesystem::path(dir) / "project.sqlite").string();
  VL_ASSIGN_OR_RETURN(store::Store db, store::Store::Open(out.store_path));
  VL_ASSIGN_OR_RETURN(std::vector<store::FollowUpOutcome> in_force, db.LatestFollowUps());
  std::map<std::pair<std::string, std::string>, store::FollowUpOutcome> current;
  for (store::FollowUpOutcome& o : in_force) current[{o.source, o.record_id}] = std::move(o);
  std::vector<store::FollowUpOutcome> changed;
  for (store::FollowUpOutcome& o : outcomes) {
    const auto it = current.find({o.source, o.record_id});
    if (it != current.end() && it->second.outcome == o.outcome && it->second.found_source == o.found_source &&
        it->second.found_record_id == o.found_record_id && it->second.note == o.note) {
      ++out.unchanged;
      continue;
    }
    changed.push_back(std::move(o));
  }
  VL_ASSIGN_OR_RETURN(out.saved, db.SaveFollowUps(changed));
  return out;
}

}  // namespace vitalink::pipeline
