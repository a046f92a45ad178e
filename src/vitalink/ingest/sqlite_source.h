// Read rows of an SQLite table or query as text, in the same row shape the
// CSV reader yields, so ingest treats both alike. "line" is the 1-based row
// number of the result (the header counts as line 1, as in a CSV export).
//
//   VL_ASSIGN_OR_RETURN(auto reader, SqliteRowReader::Open("county.db", "persons", ""));
//   CsvRow row;
//   while (reader.Next(row)) ...
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/csv_reader.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vitalink::ingest {

class SqliteRowReader {
 public:
  /// Open `db_path` read-only and prepare `SELECT * FROM table` or `query`.
  static Result<SqliteRowReader> Open(const std::string& db_path, const std::string& table,
                                      const std::string& query);
  SqliteRowReader(SqliteRowReader&&) noexcept;
  SqliteRowReader& operator=(SqliteRowReader&&) noexcept;
  ~SqliteRowReader();

  const std::vector<std::string>& header() const { return header_; }
  /// Return the next row (false at the end or on a step error, see status()).
  bool Next(CsvRow& row);
  /// Non-OK when stepping failed mid-way (a corrupt database).
  const Status& status() const { return status_; }

 private:
  SqliteRowReader() = default;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string name_;
  std::vector<std::string> header_;
  std::vector<std::string> values_;
  std::string raw_;
  int64_t row_ = 1;
  Status status_;
};

}  // namespace vitalink::ingest
