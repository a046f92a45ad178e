#include "vitalink/link/record_set.h"

#include <algorithm>

namespace vitalink::link {

namespace {

// Return the column of source `si` that stands for record-set column `name`.
const Column* SourceColumn(const ingest::SourceData& s, size_t si, const std::string& name,
                           std::span<const std::map<std::string, std::string>> renames) {
  if (si < renames.size()) {
    auto it = renames[si].find(name);
    if (it != renames[si].end()) return s.table.GetColumn(it->second);
  }
  return s.table.GetColumn(name);
}

}  // namespace

Result<RecordSet> RecordSet::Make(std::span<const ingest::SourceData* const> sources,
                                  std::span<const std::string> columns,
                                  std::span<const std::map<std::string, std::string>> renames) {
  if (sources.empty()) return Status::InvalidArgument("linkage needs at least one source");
  RecordSet rs;
  rs.table_ = std::make_unique<Table>(sources.front()->table.shared_pool());
  std::vector<std::string> names = {"record_id"};
  for (const std::string& c : columns) {
    if (std::find(names.begin(), names.end(), c) == names.end()) names.push_back(c);
  }
  // Resolve each column's type from the sources that have it.
  for (const std::string& name : names) {
    const Column* first = nullptr;
    for (size_t si = 0; si < sources.size(); ++si) {
      const ingest::SourceData* s = sources[si];
      if (s->table.shared_pool() != rs.table_->shared_pool()) {
        return Status::InvalidArgument("sources to link must share one string pool");
      }
      const Column* c = SourceColumn(*s, si, name, renames);
      if (c == nullptr) continue;
      if (first != nullptr && first->type() != c->type()) {
        return Status::InvalidArgument("column '" + name + "' has type " +
                                       std::string(FieldTypeName(first->type())) + " in one source and " +
                                       std::string(FieldTypeName(c->type())) + " in another");
      }
      if (first == nullptr) first = c;
    }
    if (first == nullptr) {
      return Status::InvalidArgument("linkage uses column '" + name + "', which no linked source has");
    }
    rs.table_->AddColumn(name, first->type());
  }
  int64_t total = 0;
  for (const ingest::SourceData* s : sources) total += s->table.num_rows();
  rs.source_index_.reserve(static_cast<size_t>(total));
  rs.source_row_.reserve(static_cast<size_t>(total));
  for (int col = 0; col < rs.table_->num_columns(); ++col) rs.table_->mutable_column(col).Reserve(total);
  for (size_t si = 0; si < sources.size(); ++si) {
    const Table& t = sources[si]->table;
    rs.source_names_.push_back(sources[si]->config.name);
    for (int col = 0; col < rs.table_->num_columns(); ++col) {
      Column& dst = rs.table_->mutable_column(col);
      const Column* src = SourceColumn(*sources[si], si, dst.name(), renames);
      if (src == nullptr) {
        for (int64_t r = 0; r < t.num_rows(); ++r) dst.AppendNull();
        continue;
      }
      switch (dst.type()) {
        case FieldType::kText:
        case FieldType::kCode:
          dst.mutable_strings().insert(dst.mutable_strings().end(), src->strings().begin(), src->strings().end());
          break;
        case FieldType::kDate:
          dst.mutable_dates().insert(dst.mutable_dates().end(), src->dates().begin(), src->dates().end());
          break;
        case FieldType::kInteger:
          dst.mutable_ints().insert(dst.mutable_ints().end(), src->ints().begin(), src->ints().end());
          break;
      }
    }
    for (int64_t r = 0; r < t.num_rows(); ++r) {
      rs.source_index_.push_back(static_cast<int32_t>(si));
      rs.source_row_.push_back(r);
      rs.table_->AppendRowOrigin(t.origin_line(r));
    }
  }
  VL_RETURN_IF_ERROR(rs.table_->Validate());
  return rs;
}

uint32_t RecordSet::record_id(int64_t rec) const { return table_->column(0).string_id(rec); }

}  // namespace vitalink::link
