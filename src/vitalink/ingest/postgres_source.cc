#include "vitalink/ingest/postgres_source.h"

#include <utility>

#include <libpq-fe.h>

#include "vitalink/ingest/db_row_internal.h"

namespace vitalink::ingest {
namespace {

// The server's message on one line, without libpq's trailing newline.
std::string OneLine(const char* message) {
  std::string s = message != nullptr ? message : "";
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.empty()) s = "unknown error";
  return s;
}

// Quote an identifier as PostgreSQL does: double quotes, inner quotes doubled.
void AppendQuotedIdentifier(std::string& sql, std::string_view name) {
  sql.push_back('"');
  for (char c : name) {
    if (c == '"') sql.push_back('"');
    sql.push_back(c);
  }
  sql.push_back('"');
}

}  // namespace

void PostgresRowReader::ConnCloser::operator()(pg_conn* c) const { PQfinish(c); }
void PostgresRowReader::ResultClearer::operator()(pg_result* r) const { PQclear(r); }

bool IsValidPostgresConninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (err != nullptr) PQfreemem(err);
  if (opts == nullptr) return false;
  PQconninfoFree(opts);
  return true;
}

std::string PostgresDisplayName(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (err != nullptr) PQfreemem(err);
  if (opts == nullptr) return "postgresql://(unparsable connection string)";
  std::string user, host, hostaddr, port, dbname;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || o->val[0] == '\0') continue;
    const std::string_view k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host") host = o->val;
    if (k == "hostaddr") hostaddr = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
  }
  PQconninfoFree(opts);
  std::string s = "postgresql://";
  if (!user.empty()) s += user + "@";
  s += host.empty() ? hostaddr : host;
  if (!port.empty()) s += ":" + port;
  if (!dbname.empty()) s += "/" + dbname;
  return s;
}

Result<PostgresRowReader> PostgresRowReader::Open(const std::string& conninfo,
                                                  const std::string& table,
                                                  const std::string& query) {
  PostgresRowReader r;
  r.display_ = PostgresDisplayName(conninfo);
  // The user's string is expanded in place of dbname; the keywords after it
  // override what it says: ingest needs UTF-8 text. A server that does not
  // answer must not hang the run: 20 s unless the string says otherwise.
  const char* keywords[] = {"connect_timeout", "dbname", "client_encoding",
                            "fallback_application_name", nullptr};
  const char* values[] = {"20", conninfo.c_str(), "UTF8", "vitalink", nullptr};
  r.conn_.reset(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (r.conn_ == nullptr) return Status::Internal(r.display_ + ": out of memory connecting");
  if (PQstatus(r.conn_.get()) != CONNECTION_OK) {
    return Status::FailedPrecondition(
        r.display_ + ": cannot connect: " + OneLine(PQerrorMessage(r.conn_.get())));
  }
  // Dates in ISO form whatever the server's default; ingest only reads.
  ResultPtr set(
      PQexec(r.conn_.get(), "SET DateStyle = 'ISO, YMD'; SET default_transaction_read_only = on"));
  if (PQresultStatus(set.get()) != PGRES_COMMAND_OK) {
    return Status::FailedPrecondition(r.display_ + ": " + OneLine(PQresultErrorMessage(set.get())));
  }
  set.reset();

  std::string sql;
  if (!query.empty()) {
    sql = query;
  } else {
    sql = "SELECT * FROM ";
    size_t start = 0;
    for (;;) {
      const size_t dot = table.find('.', start);
      AppendQuotedIdentifier(
          sql, std::string_view(table).substr(
                   start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      sql.push_back('.');
      start = dot + 1;
    }
  }
  // The extended protocol runs exactly one statement; single-row mode hands
  // each row over as it arrives instead of buffering the whole result.
  if (PQsendQueryParams(r.conn_.get(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) !=
      1) {
    return Status::FailedPrecondition(r.display_ + ": " + OneLine(PQerrorMessage(r.conn_.get())));
  }
  if (PQsetSingleRowMode(r.conn_.get()) != 1) {
    return Status::Internal(r.display_ + ": cannot enter single-row mode");
  }
  r.pending_.reset(PQgetResult(r.conn_.get()));
  const ExecStatusType st = PQresultStatus(r.pending_.get());
  if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
    const std::string message = r.pending_ != nullptr
                                    ? OneLine(PQresultErrorMessage(r.pending_.get()))
                                    : OneLine(PQerrorMessage(r.conn_.get()));
    if (st == PGRES_COMMAND_OK) {
      return Status::InvalidArgument(r.display_ +
                                     ": the statement returns no rows to read (in: " + sql + ")");
    }
    return Status::InvalidArgument(r.display_ + ": " + message + " (in: " + sql + ")");
  }
  const int n = PQnfields(r.pending_.get());
  if (n == 0) return Status::InvalidArgument(r.display_ + ": the query returns no columns");
  for (int i = 0; i < n; ++i) {
    const char* name = PQfname(r.pending_.get(), i);
    r.header_.emplace_back(name != nullptr ? name : "");
  }
  return r;
}

void PostgresRowReader::Drain() {
  done_ = true;
  if (conn_ == nullptr) return;
  while (PGresult* res = PQgetResult(conn_.get())) PQclear(res);
}

bool PostgresRowReader::Next(CsvRow& row) {
  current_.reset();
  if (done_ || conn_ == nullptr) return false;
  ResultPtr res = pending_ != nullptr ? std::move(pending_) : ResultPtr(PQgetResult(conn_.get()));
  if (res == nullptr) {
    done_ = true;
    return false;
  }
  switch (PQresultStatus(res.get())) {
    case PGRES_SINGLE_TUPLE: break;
    case PGRES_TUPLES_OK:  // the end: zero rows, the result's summary
      Drain();
      return false;
    default:
      status_ = Status::FailedPrecondition(display_ + ": after row " + std::to_string(row_ - 1) +
                                           ": " + OneLine(PQresultErrorMessage(res.get())));
      Drain();
      return false;
  }
  ++row_;
  const int n = static_cast<int>(header_.size());
  row.fields.clear();
  for (int i = 0; i < n; ++i) {
    // NULL reads as "" (PQgetvalue's own answer): missing, as in SQLite rows.
    row.fields.emplace_back(PQgetvalue(res.get(), 0, i),
                            static_cast<size_t>(PQgetlength(res.get(), 0, i)));
  }
  current_ = std::move(res);
  internal::FinishDatabaseRow(header_, row_, row, raw_);
  return true;
}

}  // namespace vitalink::ingest
