// Columnar in-memory tables with canonical types.
//
// A Table is a set of equally long typed columns plus, per row, where the row
// came from (source line). Text and code columns hold StringPool ids; a pool is
// shared by all tables of a project so equal strings have equal ids across
// sources. Missing values are sentinels: StringPool::kNull for strings,
// kNullDate for dates, kNullInt for integers (see docs/adr/0001-table-nulls.md).
//
//   Table t(pool);
//   Column& name = t.AddColumn("name", FieldType::kText);
//   name.AppendString(pool->Intern("张伟"));
//   t.AppendRowOrigin(/*line=*/2);
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/table/string_pool.h"

namespace vitalink {

enum class FieldType { kText, kInteger, kDate, kCode };

/// Return "text", "integer", "date" or "code".
std::string_view FieldTypeName(FieldType t);

inline constexpr int32_t kNullDate = std::numeric_limits<int32_t>::min();
inline constexpr int64_t kNullInt = std::numeric_limits<int64_t>::min();

class Column {
 public:
  Column(std::string name, FieldType type) : name_(std::move(name)), type_(type) {}

  const std::string& name() const { return name_; }
  FieldType type() const { return type_; }
  bool is_string() const { return type_ == FieldType::kText || type_ == FieldType::kCode; }
  int64_t size() const;

  void Reserve(int64_t n);
  void AppendString(uint32_t id) { strings_.push_back(id); }
  void AppendDate(int32_t days) { dates_.push_back(days); }
  void AppendInt(int64_t v) { ints_.push_back(v); }
  /// Append the type's null.
  void AppendNull();

  bool IsNull(int64_t row) const;
  uint32_t string_id(int64_t row) const { return strings_[static_cast<size_t>(row)]; }
  int32_t date(int64_t row) const { return dates_[static_cast<size_t>(row)]; }
  int64_t integer(int64_t row) const { return ints_[static_cast<size_t>(row)]; }

  const std::vector<uint32_t>& strings() const { return strings_; }
  const std::vector<int32_t>& dates() const { return dates_; }
  const std::vector<int64_t>& ints() const { return ints_; }
  std::vector<uint32_t>& mutable_strings() { return strings_; }
  std::vector<int32_t>& mutable_dates() { return dates_; }
  std::vector<int64_t>& mutable_ints() { return ints_; }

 private:
  std::string name_;
  FieldType type_;
  std::vector<uint32_t> strings_;
  std::vector<int32_t> dates_;
  std::vector<int64_t> ints_;
};

class Table {
 public:
  explicit Table(std::shared_ptr<StringPool> pool) : pool_(std::move(pool)) {}

  /// Add a column; its name must be new (a duplicate is a bug in the caller).
  Column& AddColumn(std::string name, FieldType type);
  /// Return the column index of `name`, or -1.
  int FindColumn(std::string_view name) const;
  const Column& column(int idx) const { return *columns_[static_cast<size_t>(idx)]; }
  Column& mutable_column(int idx) { return *columns_[static_cast<size_t>(idx)]; }
  /// Return the column named `name`, or nullptr.
  const Column* GetColumn(std::string_view name) const;
  int num_columns() const { return static_cast<int>(columns_.size()); }
  int64_t num_rows() const { return static_cast<int64_t>(origin_lines_.size()); }

  /// Record the 1-based physical line in the source where the row starts.
  void AppendRowOrigin(int64_t line) { origin_lines_.push_back(line); }
  int64_t origin_line(int64_t row) const { return origin_lines_[static_cast<size_t>(row)]; }

  StringPool& pool() const { return *pool_; }
  const std::shared_ptr<StringPool>& shared_pool() const { return pool_; }

  /// Return the value at (row, col) as text ("" for null); dates as YYYY-MM-DD.
  std::string ValueAsString(int64_t row, int col) const;
  /// Check that every column has num_rows() values.
  Status Validate() const;

 private:
  std::shared_ptr<StringPool> pool_;
  std::vector<std::unique_ptr<Column>> columns_;
  std::vector<int64_t> origin_lines_;
};

}  // namespace vitalink
