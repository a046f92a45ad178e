#include "vitalink/table/table.h"

#include "vitalink/common/date.h"
#include "vitalink/table/huge_pages.h"

namespace vitalink {

std::string_view FieldTypeName(FieldType t) {
  switch (t) {
    case FieldType::kText: return "text";
    case FieldType::kInteger: return "integer";
    case FieldType::kDate: return "date";
    case FieldType::kCode: return "code";
  }
  return "unknown";
}

int64_t Column::size() const {
  switch (type_) {
    case FieldType::kText:
    case FieldType::kCode: return static_cast<int64_t>(strings_.size());
    case FieldType::kDate: return static_cast<int64_t>(dates_.size());
    case FieldType::kInteger: return static_cast<int64_t>(ints_.size());
  }
  return 0;
}

void Column::Reserve(int64_t n) {
  const auto un = static_cast<size_t>(n);
  // Large columns fill faster on huge pages (one fault per 2 MiB).
  switch (type_) {
    case FieldType::kText:
    case FieldType::kCode:
      strings_.reserve(un);
      AdviseHugePages(strings_.data(), strings_.capacity() * sizeof(uint32_t));
      break;
    case FieldType::kDate:
      dates_.reserve(un);
      AdviseHugePages(dates_.data(), dates_.capacity() * sizeof(int32_t));
      break;
    case FieldType::kInteger:
      ints_.reserve(un);
      AdviseHugePages(ints_.data(), ints_.capacity() * sizeof(int64_t));
      break;
  }
}

void Column::AppendNull() {
  switch (type_) {
    case FieldType::kText:
    case FieldType::kCode: strings_.push_back(StringPool::kNull); break;
    case FieldType::kDate: dates_.push_back(kNullDate); break;
    case FieldType::kInteger: ints_.push_back(kNullInt); break;
  }
}

bool Column::IsNull(int64_t row) const {
  const auto r = static_cast<size_t>(row);
  switch (type_) {
    case FieldType::kText:
    case FieldType::kCode: return strings_[r] == StringPool::kNull;
    case FieldType::kDate: return dates_[r] == kNullDate;
    case FieldType::kInteger: return ints_[r] == kNullInt;
  }
  return true;
}

Column& Table::AddColumn(std::string name, FieldType type) {
  VL_CHECK(FindColumn(name) < 0);
  columns_.push_back(std::make_unique<Column>(std::move(name), type));
  return *columns_.back();
}

int Table::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i]->name() == name) return static_cast<int>(i);
  }
  return -1;
}

const Column* Table::GetColumn(std::string_view name) const {
  const int idx = FindColumn(name);
  return idx < 0 ? nullptr : columns_[static_cast<size_t>(idx)].get();
}

std::string Table::ValueAsString(int64_t row, int col) const {
  const Column& c = column(col);
  if (c.IsNull(row)) return {};
  switch (c.type()) {
    case FieldType::kText:
    case FieldType::kCode: return std::string(pool_->Get(c.string_id(row)));
    case FieldType::kDate: return FormatDate(c.date(row));
    case FieldType::kInteger: return std::to_string(c.integer(row));
  }
  return {};
}

Status Table::Validate() const {
  for (const auto& c : columns_) {
    if (c->size() != num_rows()) {
      return Status::Internal("column '" + c->name() + "' has " + std::to_string(c->size()) +
                              " values for " + std::to_string(num_rows()) + " rows");
    }
  }
  return Status::OK();
}

}  // namespace vitalink
