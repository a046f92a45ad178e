#include "vitalink/pipeline/follow_up.h"

#include <map>
#include <vector>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/file_io.h"
#include "vitalink/pipeline/pipeline.h"

namespace vitalink::pipeline {

Status WriteFollowUp(const RunReport& report, const std::string& path) {
  std::string out = "action,person_id,source,record_id,line,name,birth_date,area_code,mother_id_number\n";
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
  auto emit = [&](std::string_view action, size_t si, int64_t r) {
    const ingest::SourceData& s = sources[si];
    const int64_t rec = persons.offsets[si] + r;
    std::string name = text(s, "name", r);
    if (name.empty()) name = text(s, "child_name", r);
    line.clear();
    AppendCsvRow(line, {action, persons.person_ids[static_cast<size_t>(rec)], s.config.name,
                        text(s, "record_id", r), std::to_string(s.table.origin_line(r)), name,
                        text(s, "birth_date", r), text(s, "area_code", r), text(s, "mother_id_number", r)});
    out += line;
  };
  // Births to register: births of the period known outside the register only.
  if (est.enabled) {
    for (size_t si = 0; si < sources.size(); ++si) {
      if (sources[si].config.role == "register") continue;
      const Column* born = sources[si].table.GetColumn("birth_date");
      if (born == nullptr) continue;
      for (int64_t r = 0; r < sources[si].table.num_rows(); ++r) {
        const int32_t d = born->date(r);
        if (d == kNullDate || d < est.period_start || d > est.period_end) continue;
        const auto p = persons.labels[static_cast<size_t>(persons.offsets[si] + r)];
        if (register_records[static_cast<size_t>(p)] == 0) emit("register_birth", si, r);
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

}  // namespace vitalink::pipeline
