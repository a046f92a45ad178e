// Test-only helper: hand-made sources and RecordSets for the link stage's
// tests and benchmarks.
//
//   auto pool = std::make_shared<StringPool>();
//   ingest::SourceData reg = MakeTestSource(pool, "register",
//       {{"name", FieldType::kText}, {"birth_date", FieldType::kDate}},
//       {{"张伟", "1990-03-15"}, {"", ""}});   // "" is null
//   RecordSet rs = MakeTestRecordSet({&reg});
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vitalink/common/date.h"
#include "vitalink/common/status.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/link/record_set.h"
#include "vitalink/table/table.h"

namespace vitalink::link::testing {

struct TestColumn {
  std::string name;
  FieldType type = FieldType::kText;
};

/// Return a source named `name` whose table has `columns` plus "record_id"
/// ("<name>-<row>"), filled from `rows` (text; "" is null; dates YYYY-MM-DD).
inline ingest::SourceData MakeTestSource(const std::shared_ptr<StringPool>& pool, const std::string& name,
                                         const std::vector<TestColumn>& columns,
                                         const std::vector<std::vector<std::string>>& rows) {
  ingest::SourceData data{ingest::SourceConfig{}, Table(pool), ingest::SourceSummary{}};
  data.config.name = name;
  Table& t = data.table;
  Column& rid = t.AddColumn("record_id", FieldType::kCode);
  for (const TestColumn& c : columns) t.AddColumn(c.name, c.type);
  for (size_t row_idx = 0; row_idx < rows.size(); ++row_idx) {
    rid.AppendString(pool->Intern(name + "-" + std::to_string(row_idx)));
    for (size_t col_idx = 0; col_idx < columns.size(); ++col_idx) {
      Column& col = t.mutable_column(static_cast<int>(col_idx) + 1);
      const std::string& v = rows[row_idx][col_idx];
      if (v.empty()) {
        col.AppendNull();
        continue;
      }
      switch (col.type()) {
        case FieldType::kText:
        case FieldType::kCode: col.AppendString(pool->Intern(v)); break;
        case FieldType::kDate: {
          const std::optional<int32_t> d = ParseIsoDate(v);
          VL_CHECK(d.has_value());
          col.AppendDate(*d);
          break;
        }
        case FieldType::kInteger: col.AppendInt(std::stoll(v)); break;
      }
    }
    t.AppendRowOrigin(static_cast<int64_t>(row_idx) + 2);
  }
  return data;
}

/// Return the RecordSet of `sources` with all their columns.
inline RecordSet MakeTestRecordSet(const std::vector<const ingest::SourceData*>& sources) {
  std::vector<std::string> columns;
  for (const ingest::SourceData* s : sources) {
    for (int col = 0; col < s->table.num_columns(); ++col) {
      const std::string& n = s->table.column(col).name();
      bool seen = false;
      for (const std::string& c : columns) seen = seen || c == n;
      if (!seen) columns.push_back(n);
    }
  }
  Result<RecordSet> rs = RecordSet::Make(sources, columns);
  VL_CHECK(rs.ok());
  return std::move(rs).value();
}

}  // namespace vitalink::link::testing
