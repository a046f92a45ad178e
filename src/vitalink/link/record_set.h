// RecordSet: the records taking part in a linkage, from one or more sources,
// as a single index space 0..size()-1 over one combined Table.
//
// Columns are combined by name: a record whose source lacks a column gets a
// null there. All sources share one StringPool, so equal strings have equal
// ids across sources. Derived columns (pinyin keys, birth year, …) are added
// by the blocking and comparison code through AddDerived-style helpers that
// append a column computed once per distinct string.
//
//   std::vector<const ingest::SourceData*> srcs = {&register_data};
//   VL_ASSIGN_OR_RETURN(RecordSet rs, RecordSet::Make(srcs, {"name", "birth_date"}));
//   const Column* name = rs.table().GetColumn("name");
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/table/table.h"

namespace vitalink::link {

class RecordSet {
 public:
  /// Concatenate `sources` (in the given order) keeping `columns`; a column
  /// missing from every source is an error, from some sources gives nulls.
  /// Types must agree across sources. "record_id" is always kept.
  /// `renames[i]`, when given, maps a column name of the record set to source
  /// i's own column (births: "name" → "child_name").
  static Result<RecordSet> Make(std::span<const ingest::SourceData* const> sources,
                                std::span<const std::string> columns,
                                std::span<const std::map<std::string, std::string>> renames = {});

  int64_t size() const { return static_cast<int64_t>(source_index_.size()); }
  int num_sources() const { return static_cast<int>(source_names_.size()); }
  const std::string& source_name(int idx) const { return source_names_[static_cast<size_t>(idx)]; }
  /// Return the index (into the sources given to Make) of record `rec`'s source.
  int32_t source_index(int64_t rec) const { return source_index_[static_cast<size_t>(rec)]; }
  /// Return the row of record `rec` within its source table.
  int64_t source_row(int64_t rec) const { return source_row_[static_cast<size_t>(rec)]; }
  /// Return the source's record id (a pool id) of record `rec`.
  uint32_t record_id(int64_t rec) const;

  const Table& table() const { return *table_; }
  Table& mutable_table() { return *table_; }
  StringPool& pool() const { return table_->pool(); }

 /// An empty record set (no sources); use Make.
  RecordSet() = default;

 private:
  std::vector<std::string> source_names_;
  std::vector<int32_t> source_index_;
  std::vector<int64_t> source_row_;
  std::unique_ptr<Table> table_;
};

}  // namespace vitalink::link
