#include "vitalink/ingest/sqlite_source.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include <sqlite3.h>

#include "vitalink/ingest/db_row_internal.h"

namespace vitalink::ingest {

Result<SqliteRowReader> SqliteRowReader::Open(const std::string& db_path, const std::string& table,
                                              const std::string& query) {
  SqliteRowReader r;
  r.name_ = db_path;
  // Exit codes follow the status (tools/cli): a database that cannot be read is
  // an unusable input (NotFound / FailedPrecondition → 4), a table or query the
  // database refuses a config error (InvalidArgument → 3).
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return Status::NotFound(db_path + ": no such SQLite database");
  if (sqlite3_open_v2(db_path.c_str(), &r.db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = r.db_ != nullptr ? sqlite3_errmsg(r.db_) : "cannot open";
    return Status::FailedPrecondition(db_path + ": " + msg);
  }
  std::string sql;
  if (!query.empty()) {
    sql = query;
  } else {
    // Quote the identifier: table names come from the config, not from code.
    sql = "SELECT * FROM \"";
    for (char c : table) {
      if (c == '"') sql.push_back('"');
      sql.push_back(c);
    }
    sql += "\"";
  }
  if (sqlite3_prepare_v2(r.db_, sql.c_str(), -1, &r.stmt_, nullptr) != SQLITE_OK) {
    const int code = sqlite3_errcode(r.db_);
    const std::string msg = db_path + ": " + sqlite3_errmsg(r.db_);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT || code == SQLITE_CANTOPEN || code == SQLITE_IOERR) {
      return Status::FailedPrecondition(msg);
    }
    return Status::InvalidArgument(msg + " (in: " + sql + ")");
  }
  const int n = sqlite3_column_count(r.stmt_);
  if (n == 0) return Status::InvalidArgument(db_path + ": the query returns no columns");
  for (int i = 0; i < n; ++i) {
    const char* name = sqlite3_column_name(r.stmt_, i);
    r.header_.emplace_back(name != nullptr ? name : "");
  }
  return r;
}

SqliteRowReader::SqliteRowReader(SqliteRowReader&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)),
      stmt_(std::exchange(o.stmt_, nullptr)),
      name_(std::move(o.name_)),
      header_(std::move(o.header_)),
      values_(std::move(o.values_)),
      raw_(std::move(o.raw_)),
      row_(o.row_),
      status_(std::move(o.status_)) {}

SqliteRowReader& SqliteRowReader::operator=(SqliteRowReader&& o) noexcept {
  if (this != &o) {
    this->~SqliteRowReader();
    new (this) SqliteRowReader(std::move(o));
  }
  return *this;
}

SqliteRowReader::~SqliteRowReader() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
  if (db_ != nullptr) sqlite3_close(db_);
}

bool SqliteRowReader::Next(CsvRow& row) {
  if (stmt_ == nullptr) return false;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) {
    status_ = Status::FailedPrecondition(name_ + ": row " + std::to_string(row_ + 1) + ": " + sqlite3_errmsg(db_));
    return false;
  }
  ++row_;
  const int n = static_cast<int>(header_.size());
  values_.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    const int len = sqlite3_column_bytes(stmt_, i);
    std::string& v = values_[static_cast<size_t>(i)];
    if (text == nullptr) {
      v.clear();
    } else {
      v.assign(text, static_cast<size_t>(len));
    }
  }
  row.fields.clear();
  for (const std::string& v : values_) row.fields.emplace_back(v);
  internal::FinishDatabaseRow(header_, row_, row, raw_);
  return true;
}

}  // namespace vitalink::ingest
