// Read rows of a PostgreSQL table or query as text, in the same row shape the
// CSV and SQLite readers yield, so ingest treats every source alike. Rows are
// streamed (libpq single-row mode): memory stays flat however large the
// result. "line" is the 1-based row number of the result plus one (the header
// counts as line 1, as in a CSV export). Values arrive in PostgreSQL's text
// form with the session set to UTF-8 and ISO dates: integers as digits, dates
// as 2011-01-13, NULL as the empty (missing) value.
//
//   VL_ASSIGN_OR_RETURN(auto reader,
//                       PostgresRowReader::Open("host=db dbname=county", "persons", ""));
//   CsvRow row;
//   while (reader.Next(row)) ...
//   VL_RETURN_IF_ERROR(reader.status());
//
// The connection string (key=value pairs or a postgresql:// URI) may hold a
// password: it is never put in a message. Use PostgresDisplayName for logs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/csv_reader.h"

struct pg_conn;
struct pg_result;

namespace vitalink::ingest {

/// Return true when libpq can parse `conninfo` (key=value pairs or a URI).
bool IsValidPostgresConninfo(const std::string& conninfo);

/// Return where `conninfo` points, without its password:
/// "postgresql://user@host:port/dbname" with only the parts it names.
std::string PostgresDisplayName(const std::string& conninfo);

class PostgresRowReader {
 public:
  /// Connect with `conninfo` and start `SELECT * FROM table` (a "schema.table"
  /// name is split at the dot; each part is quoted) or `query` (one statement).
  /// Return FailedPrecondition when the connection fails (the CLI's "input
  /// unusable", exit 4) and InvalidArgument when the server refuses the query
  /// (a config error, exit 3); both carry the server's message.
  static Result<PostgresRowReader> Open(const std::string& conninfo, const std::string& table,
                                        const std::string& query);
  PostgresRowReader(PostgresRowReader&&) noexcept = default;
  PostgresRowReader& operator=(PostgresRowReader&&) noexcept = default;
  ~PostgresRowReader() = default;

  const std::vector<std::string>& header() const { return header_; }
  /// Return the next row (false at the end or on an error, see status()).
  /// The row's views stay valid until the next call.
  bool Next(CsvRow& row);
  /// FailedPrecondition when the server failed mid-way (connection lost, a
  /// runtime error): the rows read so far are not the whole result.
  const Status& status() const { return status_; }

 private:
  struct ConnCloser {
    void operator()(pg_conn* c) const;
  };
  struct ResultClearer {
    void operator()(pg_result* r) const;
  };
  using ResultPtr = std::unique_ptr<pg_result, ResultClearer>;

  PostgresRowReader() = default;
  // Read the results left after the end or an error so the connection is idle.
  void Drain();

  std::unique_ptr<pg_conn, ConnCloser> conn_;
  ResultPtr pending_;  // the first result, read by Open for the header
  ResultPtr current_;  // the row the caller's views point into
  std::string display_;
  std::vector<std::string> header_;
  std::string raw_;
  int64_t row_ = 1;
  bool done_ = false;
  Status status_;
};

}  // namespace vitalink::ingest
