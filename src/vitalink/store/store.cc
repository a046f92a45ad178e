#include "vitalink/store/store.h"

#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "vitalink/store/schema_internal.h"

namespace vitalink::store {
namespace internal {

namespace {

// Long enough for `vitalink run` to commit a month's indicators while `vitalink serve`
// saves a decision, short enough that a stuck process is reported rather than waited on.
constexpr int kBusyTimeoutMs = 5000;

// STRICT tables (schema_internal.h) need SQLite 3.37.
constexpr int kMinSqliteVersion = 3037000;

static_assert(kApplicationId == 1447840561, "kSetApplicationId below spells the same number");
constexpr char kSetApplicationId[] = "PRAGMA application_id = 1447840561";

}  // namespace

class Stmt;

/// One SQLite connection with its cache of prepared statements. Not thread-safe by itself:
/// Store holds `mu` for the whole of each call.
class Connection {
 public:
  explicit Connection(std::string path) : path_(std::move(path)) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    // _v2: closes even if a statement were left unfinalized, instead of leaking the handle.
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }

  const std::string& path() const { return path_; }
  sqlite3* db() const { return db_; }
  std::mutex& mu() { return mu_; }

  Status OpenFile() {
    const int rc =
        sqlite3_open_v2(path_.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "cannot open the project store");
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    return Status::OK();
  }

  /// Return a Status for SQLite result `rc`: "<path>: <context>: <sqlite message>".
  Status Error(int rc, std::string_view context) const {
    std::string msg = path_ + ": " + std::string(context) + ": " +
                      (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    switch (rc & 0xff) {
      case SQLITE_CONSTRAINT: return Status::InvalidArgument(std::move(msg));
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Status::IOError(msg + " (another process kept the project store locked for " +
                               std::to_string(kBusyTimeoutMs / 1000) + " s)");
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return Status::IOError(msg + " (the file is not a vitalink project store, or is damaged)");
      case SQLITE_CANTOPEN:
        return Status::IOError(msg + " (does the directory exist and is it writable?)");
      case SQLITE_IOERR:
      case SQLITE_FULL:
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_NOLFS: return Status::IOError(std::move(msg));
      default: return Status::Internal(std::move(msg));
    }
  }

  /// Run constant SQL (schema, pragmas, transaction control). Never for data: data is bound.
  Status Exec(const char* sql, std::string_view context) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::OK() : Error(rc, context);
  }

  /// Return the cached statement for `sql`, a string constant whose address is its key.
  Result<Stmt> Prepare(const char* sql, std::string_view context = "cannot prepare a statement");

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mu_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

/// A borrowed cached statement. Parameters bind in order (Text, Int, Real); a bind error is
/// kept and reported by the next Step. Destruction resets the statement for its next use.
class Stmt {
 public:
  Stmt(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept
      : conn_(o.conn_),
        stmt_(std::exchange(o.stmt_, nullptr)),
        next_param_(o.next_param_),
        bind_rc_(o.bind_rc_) {}
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  Stmt& Text(std::string_view v) {
    // A null pointer would bind SQL NULL; an empty string_view may carry one.
    const char* data = v.data() != nullptr ? v.data() : "";
    Keep(sqlite3_bind_text64(stmt_, next_param_++, data, v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  Stmt& Int(int64_t v) {
    Keep(sqlite3_bind_int64(stmt_, next_param_++, v));
    return *this;
  }
  Stmt& Real(double v) {
    Keep(sqlite3_bind_double(stmt_, next_param_++, v));
    return *this;
  }
  Stmt& Null() {
    Keep(sqlite3_bind_null(stmt_, next_param_++));
    return *this;
  }

  /// Return true on a row, false when done.
  Result<bool> Step(std::string_view context) {
    if (bind_rc_ != SQLITE_OK) return conn_->Error(bind_rc_, context);
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return conn_->Error(rc, context);
  }
  /// Step a statement that returns no rows.
  Status Run(std::string_view context) {
    VL_ASSIGN_OR_RETURN(const bool row, Step(context));
    VL_CHECK(!row);
    return Status::OK();
  }

  std::string ColText(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    const int n = sqlite3_column_bytes(stmt_, col);  // after column_text, as SQLite asks
    return p != nullptr ? std::string(p, static_cast<size_t>(n)) : std::string();
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t ColInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  /// NULL reads as NaN: SQLite stores NaN as NULL, so this restores it.
  double ColReal(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return sqlite3_column_double(stmt_, col);
  }

 private:
  void Keep(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }
  Connection* conn_;
  sqlite3_stmt* stmt_;
  int next_param_ = 1;
  int bind_rc_ = SQLITE_OK;
};

Result<Stmt> Connection::Prepare(const char* sql, std::string_view context) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, context);
    it = cache_.emplace(sql, stmt).first;
  }
  // A statement still stepping here would be a nested use of the same query: a bug.
  VL_CHECK(sqlite3_stmt_busy(it->second) == 0);
  return Stmt(this, it->second);
}

namespace {

/// A transaction that rolls back unless committed. Writes take the write lock up front
/// (BEGIN IMMEDIATE), so they wait on the busy timeout at BEGIN rather than failing on
/// an upgrade halfway through; reads (BEGIN DEFERRED) see one snapshot across statements.
class Transaction {
 public:
  enum class Mode { kRead, kWrite };

  static Result<Transaction> Begin(Connection& conn, Mode mode) {
    const char* sql = mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED";
    VL_RETURN_IF_ERROR(conn.Exec(sql, "cannot begin a transaction"));
    return Transaction(&conn);
  }
  Transaction(Transaction&& o) noexcept : conn_(std::exchange(o.conn_, nullptr)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled back: then there is no
    // transaction left to end.
    if (conn_ != nullptr && sqlite3_get_autocommit(conn_->db()) == 0) {
      (void)conn_->Exec("ROLLBACK", "cannot roll back");
    }
  }

  Status Commit() {
    VL_CHECK(conn_ != nullptr);
    VL_RETURN_IF_ERROR(conn_->Exec("COMMIT", "cannot commit"));
    conn_ = nullptr;
    return Status::OK();
  }

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

using Mode = Transaction::Mode;

/// Holds the connection's mutex for one Store call.
class Session {
 public:
  explicit Session(const std::unique_ptr<Connection>& conn)
      : conn_(Checked(conn)), lock_(conn_.mu()) {}
  Connection& conn() { return conn_; }

 private:
  static Connection& Checked(const std::unique_ptr<Connection>& conn) {
    VL_CHECK(conn != nullptr);  // use of a moved-from Store
    return *conn;
  }
  Connection& conn_;
  std::lock_guard<std::mutex> lock_;
};

// ---- Schema and migrations.

struct SchemaState {
  int32_t application_id = 0;
  bool has_version_table = false;
  int64_t objects = 0;
  int64_t version = 0;
};

constexpr char kAppIdSql[] = "PRAGMA application_id";
constexpr char kVersionTableSql[] =
    "SELECT COUNT(*), COALESCE(SUM(type = 'table' AND name = 'schema_version'), 0) "
    "FROM sqlite_schema";
constexpr char kMaxVersionSql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
constexpr char kInsertVersionSql[] =
    "INSERT INTO schema_version (version, description) VALUES (?, ?)";
constexpr char kCreateVersionTable[] =
    "CREATE TABLE schema_version ("
    "  version     INTEGER PRIMARY KEY,"
    "  description TEXT NOT NULL"
    ") STRICT";

Result<SchemaState> InspectSchema(Connection& c) {
  SchemaState s;
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kAppIdSql));
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read the file header"));
    if (row) s.application_id = static_cast<int32_t>(st.ColInt(0));
  }
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kVersionTableSql));
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read the schema"));
    VL_CHECK(row);
    s.objects = st.ColInt(0);
    s.has_version_table = st.ColInt(1) != 0;
  }
  if (s.has_version_table) {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kMaxVersionSql));
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read the schema version"));
    VL_CHECK(row);
    s.version = st.ColInt(0);
  }
  return s;
}

Status CheckSchema(const Connection& c, const SchemaState& s) {
  const bool foreign_id = s.application_id != 0 && s.application_id != kApplicationId;
  if (foreign_id || (!s.has_version_table && s.objects > 0)) {
    return Status::FailedPrecondition(
        c.path() + ": not a vitalink project store (a SQLite database of another program)");
  }
  if (s.version > kSchemaVersion) {
    return Status::FailedPrecondition(c.path() + ": schema version " + std::to_string(s.version) +
                                      " was written by a newer vitalink; this build knows up to " +
                                      std::to_string(kSchemaVersion));
  }
  return Status::OK();
}

Status Migrate(Connection& c) {
  // Most opens find the current schema: check under a read transaction so that opening
  // never waits for another process's writes.
  {
    VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kRead));
    VL_ASSIGN_OR_RETURN(const SchemaState s, InspectSchema(c));
    VL_RETURN_IF_ERROR(CheckSchema(c, s));
    if (s.version == kSchemaVersion) return tx.Commit();
  }
  // Inspect again under the write lock: another process may have migrated meanwhile.
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  VL_ASSIGN_OR_RETURN(const SchemaState s, InspectSchema(c));
  VL_RETURN_IF_ERROR(CheckSchema(c, s));
  if (!s.has_version_table) {
    VL_RETURN_IF_ERROR(c.Exec(kCreateVersionTable, "cannot create the schema"));
    VL_RETURN_IF_ERROR(c.Exec(kSetApplicationId, "cannot mark the file as a project store"));
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= s.version) continue;
    VL_RETURN_IF_ERROR(
        c.Exec(m.sql, "cannot migrate the schema to version " + std::to_string(m.version)));
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertVersionSql));
    VL_RETURN_IF_ERROR(
        st.Int(m.version).Text(m.description).Run("cannot record the schema version"));
  }
  return tx.Commit();
}

}  // namespace
}  // namespace internal

namespace {

using internal::Connection;
using internal::Mode;
using internal::Session;
using internal::Stmt;
using internal::Transaction;

bool IsLowerHex(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

bool IsRunStatus(std::string_view s) { return s == kRunRunning || s == kRunOk || s == kRunFailed; }

bool IsLevel(std::string_view s) { return s == "county" || s == "township" || s == "village"; }

bool IsDecision(std::string_view s) { return s == "match" || s == "non_match" || s == "unsure"; }

std::string RunName(int64_t run_id) { return "run " + std::to_string(run_id); }

// ---- Runs.

constexpr char kInsertRun[] =
    "INSERT INTO runs (label, config_path, config_hash, started_at) VALUES (?, ?, ?, ?)";
constexpr char kInsertInput[] =
    "INSERT INTO run_inputs (run_id, ordinal, name, path, checksum, bytes) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr char kNextInputOrdinal[] =
    "SELECT COALESCE(MAX(ordinal) + 1, 0) FROM run_inputs WHERE run_id = ?";
constexpr char kRunStatus[] = "SELECT status FROM runs WHERE run_id = ?";
constexpr char kFinishRun[] = "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?";

#define VL_RUN_COLUMNS_                                                                            \
  "SELECT run_id, label, config_path, config_hash, started_at, COALESCE(finished_at, ''), status " \
  "FROM runs "
constexpr char kLastRun[] = VL_RUN_COLUMNS_ "WHERE status = ? ORDER BY run_id DESC LIMIT 1";
constexpr char kPreviousRun[] =
    VL_RUN_COLUMNS_ "WHERE status = 'ok' AND run_id < ? ORDER BY run_id DESC LIMIT 1";
constexpr char kAllRuns[] = VL_RUN_COLUMNS_ "ORDER BY run_id";
#undef VL_RUN_COLUMNS_
constexpr char kRunInputs[] =
    "SELECT name, path, checksum, bytes FROM run_inputs WHERE run_id = ? ORDER BY ordinal";
constexpr char kAllInputs[] =
    "SELECT run_id, name, path, checksum, bytes FROM run_inputs ORDER BY run_id, ordinal";

RunRecord ReadRun(const Stmt& st) {
  RunRecord r;
  r.run_id = st.ColInt(0);
  r.label = st.ColText(1);
  r.config_path = st.ColText(2);
  r.config_hash = st.ColText(3);
  r.started_at = st.ColText(4);
  r.finished_at = st.ColText(5);
  r.status = st.ColText(6);
  return r;
}

/// Return the status of `run_id`, or NotFound.
Result<std::string> RunStatusOf(Connection& c, int64_t run_id) {
  VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kRunStatus));
  VL_ASSIGN_OR_RETURN(const bool row, st.Int(run_id).Step("cannot read " + RunName(run_id)));
  if (!row) return Status::NotFound(c.path() + ": " + RunName(run_id) + " does not exist");
  return st.ColText(0);
}

/// Succeed if `run_id` exists and is still running: finished runs are history.
Status RequireRunning(Connection& c, int64_t run_id) {
  VL_ASSIGN_OR_RETURN(const std::string status, RunStatusOf(c, run_id));
  if (status != kRunRunning) {
    return Status::FailedPrecondition(c.path() + ": " + RunName(run_id) +
                                      " is already finished ('" + status +
                                      "'); its results cannot change");
  }
  return Status::OK();
}

/// Run `sql` with parameters from `bind` and return its first run, with inputs. The caller
/// holds a read transaction, so the run and its inputs come from one snapshot.
template <typename Bind>
Result<std::optional<RunRecord>> QueryOneRun(Connection& c, const char* sql, Bind bind) {
  RunRecord r;
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(sql));
    bind(st);
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read runs"));
    if (!row) return std::optional<RunRecord>();
    r = ReadRun(st);
  }
  VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kRunInputs));
  st.Int(r.run_id);
  for (;;) {
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read the inputs of " + RunName(r.run_id)));
    if (!row) break;
    r.inputs.push_back({st.ColText(0), st.ColText(1), st.ColText(2), st.ColInt(3)});
  }
  return std::optional<RunRecord>(std::move(r));
}

// ---- Models.

constexpr char kSaveModel[] =
    "INSERT INTO models (run_id, job, json) VALUES (?, ?, ?) "
    "ON CONFLICT (run_id, job) DO UPDATE SET json = excluded.json";
constexpr char kLoadModel[] = "SELECT json FROM models WHERE run_id = ? AND job = ?";

// ---- Indicators.

constexpr char kDeleteValues[] = "DELETE FROM indicator_values WHERE run_id = ?";
constexpr char kDeleteAreas[] = "DELETE FROM area_indicators WHERE run_id = ?";
constexpr char kInsertArea[] =
    "INSERT INTO area_indicators (run_id, area_code, level, name) VALUES (?, ?, ?, ?)";
constexpr char kInsertValue[] =
    "INSERT INTO indicator_values (run_id, area_code, indicator, value) VALUES (?, ?, ?, ?)";
constexpr char kLoadIndicators[] =
    "SELECT a.area_code, a.level, a.name, v.indicator, v.value "
    "FROM area_indicators AS a LEFT JOIN indicator_values AS v "
    "  ON v.run_id = a.run_id AND v.area_code = a.area_code "
    "WHERE a.run_id = ? ORDER BY a.area_code, v.indicator";
constexpr char kIndicatorHistory[] =
    "SELECT r.run_id, r.label, v.value "
    "FROM indicator_values AS v JOIN runs AS r ON r.run_id = v.run_id "
    "WHERE v.area_code = ? AND v.indicator = ? AND r.status = 'ok' ORDER BY r.run_id";

// ---- Decisions.

constexpr char kInsertDecision[] =
    "INSERT INTO decisions (job, source_a, record_id_a, source_b, record_id_b, decision, who, "
    "at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define VL_DECISION_COLUMNS_                                                                   \
  "SELECT decision_id, job, source_a, record_id_a, source_b, record_id_b, decision, who, at, " \
  "note, undone "
constexpr char kLastOfWho[] = VL_DECISION_COLUMNS_
    "FROM decisions WHERE who = ? AND undone = 0 ORDER BY decision_id DESC LIMIT 1";
constexpr char kLatestDecisions[] = VL_DECISION_COLUMNS_
    "FROM latest_decisions ORDER BY job, source_a, record_id_a, source_b, record_id_b";
constexpr char kDecisionHistory[] = VL_DECISION_COLUMNS_ "FROM decisions ORDER BY decision_id";
#undef VL_DECISION_COLUMNS_
constexpr char kUndoDecision[] = "UPDATE decisions SET undone = 1 WHERE decision_id = ?";

// ---- Follow-up outcomes.

constexpr char kInsertFollowUp[] =
    "INSERT INTO follow_up_outcomes (source, record_id, outcome, found_source, found_record_id, "
    "who, at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kLatestFollowUps[] =
    "SELECT outcome_id, source, record_id, outcome, found_source, found_record_id, who, at, note "
    "FROM latest_follow_up ORDER BY source, record_id";

bool IsFollowUpOutcome(std::string_view s) {
  return s == "found" || s == "not_found" || s == "not_a_birth";
}

Decision ReadDecision(const Stmt& st) {
  Decision d;
  d.decision_id = st.ColInt(0);
  d.job = st.ColText(1);
  d.source_a = st.ColText(2);
  d.record_id_a = st.ColText(3);
  d.source_b = st.ColText(4);
  d.record_id_b = st.ColText(5);
  d.decision = st.ColText(6);
  d.who = st.ColText(7);
  d.at = st.ColText(8);
  d.note = st.ColText(9);
  d.undone = st.ColInt(10) != 0;
  return d;
}

FollowUpOutcome ReadFollowUp(const Stmt& st) {
  FollowUpOutcome o;
  o.outcome_id = st.ColInt(0);
  o.source = st.ColText(1);
  o.record_id = st.ColText(2);
  o.outcome = st.ColText(3);
  o.found_source = st.ColText(4);
  o.found_record_id = st.ColText(5);
  o.who = st.ColText(6);
  o.at = st.ColText(7);
  o.note = st.ColText(8);
  return o;
}

// Every row of a parameterless query, each read by `read`.
template <typename T>
Result<std::vector<T>> QueryAll(Connection& c, const char* sql, T (*read)(const Stmt&), std::string_view what) {
  VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(sql));
  std::vector<T> out;
  for (;;) {
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read " + std::string(what)));
    if (!row) break;
    out.push_back(read(st));
  }
  return out;
}

}  // namespace

// ---- Store.

Store::Store(std::unique_ptr<internal::Connection> conn) : conn_(std::move(conn)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::string& Store::path() const {
  VL_CHECK(conn_ != nullptr);
  return conn_->path();
}

Result<Store> Store::Open(const std::string& path) {
  if (sqlite3_libversion_number() < internal::kMinSqliteVersion) {
    return Status::FailedPrecondition(path + ": SQLite " + sqlite3_libversion() +
                                      " is too old for the project store (needs 3.37)");
  }
  auto conn = std::make_unique<Connection>(path);
  Connection& c = *conn;
  VL_RETURN_IF_ERROR(c.OpenFile());
  VL_RETURN_IF_ERROR(c.Exec("PRAGMA foreign_keys = ON", "cannot enable foreign keys"));
  {
    // The first statement that reads the file: a corrupt or foreign file fails here.
    VL_ASSIGN_OR_RETURN(Stmt st,
                        c.Prepare("PRAGMA journal_mode = WAL", "cannot open the project store"));
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot open the project store"));
    const std::string mode = row ? st.ColText(0) : std::string();
    if (mode != "wal" && !(path == ":memory:" && mode == "memory")) {
      return Status::FailedPrecondition(
          path + ": cannot use a write-ahead log (journal mode is '" + mode +
          "'); is the project on a file system without shared memory?");
    }
  }
  VL_RETURN_IF_ERROR(internal::Migrate(c));
  return Store(std::move(conn));
}

Result<int> Store::SchemaVersion() const {
  Session s(conn_);
  VL_ASSIGN_OR_RETURN(Stmt st, s.conn().Prepare(internal::kMaxVersionSql));
  VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read the schema version"));
  VL_CHECK(row);
  return static_cast<int>(st.ColInt(0));
}

Result<int64_t> Store::BeginRun(const RunInfo& info) {
  Session s(conn_);
  Connection& c = s.conn();
  if (!IsLowerHex(info.config_hash)) {
    return Status::InvalidArgument(c.path() + ": config hash '" + info.config_hash +
                                   "' is not lower-case hex");
  }
  for (const RunInput& in : info.inputs) {
    if (!IsLowerHex(in.checksum)) {
      return Status::InvalidArgument(c.path() + ": checksum of input '" + in.name +
                                     "' is not lower-case hex");
    }
    if (in.bytes < 0) {
      return Status::InvalidArgument(c.path() + ": input '" + in.name + "' has negative size");
    }
  }
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertRun));
    VL_RETURN_IF_ERROR(st.Text(info.label)
                           .Text(info.config_path)
                           .Text(info.config_hash)
                           .Text(info.started_at)
                           .Run("cannot record the run"));
  }
  const int64_t run_id = sqlite3_last_insert_rowid(c.db());
  for (size_t input_idx = 0; input_idx < info.inputs.size(); ++input_idx) {
    const RunInput& in = info.inputs[input_idx];
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertInput));
    VL_RETURN_IF_ERROR(st.Int(run_id)
                           .Int(static_cast<int64_t>(input_idx))
                           .Text(in.name)
                           .Text(in.path)
                           .Text(in.checksum)
                           .Int(in.bytes)
                           .Run("cannot record input '" + in.name + "'"));
  }
  VL_RETURN_IF_ERROR(tx.Commit());
  return run_id;
}

Status Store::AddRunInput(int64_t run_id, const RunInput& in) {
  Session s(conn_);
  Connection& c = s.conn();
  if (!IsLowerHex(in.checksum)) {
    return Status::InvalidArgument(c.path() + ": checksum of input '" + in.name + "' is not lower-case hex");
  }
  if (in.bytes < 0) return Status::InvalidArgument(c.path() + ": input '" + in.name + "' has negative size");
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  VL_RETURN_IF_ERROR(RequireRunning(c, run_id));
  int64_t ordinal = 0;
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kNextInputOrdinal));
    st.Int(run_id);
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot count the inputs of " + RunName(run_id)));
    VL_CHECK(row);
    ordinal = st.ColInt(0);
  }
  VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertInput));
  VL_RETURN_IF_ERROR(st.Int(run_id)
                         .Int(ordinal)
                         .Text(in.name)
                         .Text(in.path)
                         .Text(in.checksum)
                         .Int(in.bytes)
                         .Run("cannot record input '" + in.name + "'"));
  return tx.Commit();
}

Status Store::FinishRun(int64_t run_id, std::string_view status, std::string_view finished_at) {
  Session s(conn_);
  Connection& c = s.conn();
  if (status != kRunOk && status != kRunFailed) {
    return Status::InvalidArgument(c.path() + ": a run finishes 'ok' or 'failed', not '" +
                                   std::string(status) + "'");
  }
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  VL_RETURN_IF_ERROR(RequireRunning(c, run_id));
  VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kFinishRun));
  VL_RETURN_IF_ERROR(
      st.Text(status).Text(finished_at).Int(run_id).Run("cannot finish " + RunName(run_id)));
  return tx.Commit();
}

Result<std::optional<RunRecord>> Store::LastRun(std::string_view status) const {
  Session s(conn_);
  Connection& c = s.conn();
  if (!IsRunStatus(status)) {
    return Status::InvalidArgument(c.path() + ": unknown run status '" + std::string(status) + "'");
  }
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kRead));
  VL_ASSIGN_OR_RETURN(auto run, QueryOneRun(c, kLastRun, [&](Stmt& st) { st.Text(status); }));
  VL_RETURN_IF_ERROR(tx.Commit());
  return run;
}

Result<std::optional<RunRecord>> Store::PreviousRun(int64_t run_id) const {
  Session s(conn_);
  Connection& c = s.conn();
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kRead));
  VL_RETURN_IF_ERROR(RunStatusOf(c, run_id).status());
  VL_ASSIGN_OR_RETURN(auto run, QueryOneRun(c, kPreviousRun, [&](Stmt& st) { st.Int(run_id); }));
  VL_RETURN_IF_ERROR(tx.Commit());
  return run;
}

Result<std::vector<RunRecord>> Store::Runs() const {
  Session s(conn_);
  Connection& c = s.conn();
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kRead));
  std::vector<RunRecord> runs;
  std::unordered_map<int64_t, size_t> index;
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kAllRuns));
    for (;;) {
      VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read runs"));
      if (!row) break;
      index.emplace(st.ColInt(0), runs.size());
      runs.push_back(ReadRun(st));
    }
  }
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kAllInputs));
    for (;;) {
      VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read run inputs"));
      if (!row) break;
      auto it = index.find(st.ColInt(0));
      VL_CHECK(it != index.end());  // the foreign key guarantees the run
      runs[it->second].inputs.push_back(
          {st.ColText(1), st.ColText(2), st.ColText(3), st.ColInt(4)});
    }
  }
  VL_RETURN_IF_ERROR(tx.Commit());
  return runs;
}

Status Store::SaveModel(int64_t run_id, std::string_view job, std::string_view json) {
  Session s(conn_);
  Connection& c = s.conn();
  if (job.empty()) return Status::InvalidArgument(c.path() + ": a model needs a job name");
  if (!nlohmann::json::accept(json.begin(), json.end())) {
    return Status::InvalidArgument(c.path() + ": the model of job '" + std::string(job) + "' in " +
                                   RunName(run_id) + " is not valid JSON");
  }
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  VL_RETURN_IF_ERROR(RequireRunning(c, run_id));
  VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kSaveModel));
  VL_RETURN_IF_ERROR(st.Int(run_id).Text(job).Text(json).Run("cannot save the model of job '" +
                                                             std::string(job) + "'"));
  return tx.Commit();
}

Result<std::optional<std::string>> Store::LoadModel(int64_t run_id, std::string_view job) const {
  Session s(conn_);
  VL_ASSIGN_OR_RETURN(Stmt st, s.conn().Prepare(kLoadModel));
  VL_ASSIGN_OR_RETURN(const bool row, st.Int(run_id).Text(job).Step("cannot read a model"));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.ColText(0));
}

Status Store::SaveIndicators(int64_t run_id, const std::vector<AreaIndicator>& rows) {
  Session s(conn_);
  Connection& c = s.conn();
  std::set<std::string_view> codes;
  for (const AreaIndicator& row : rows) {
    if (!IsLevel(row.level)) {
      return Status::InvalidArgument(c.path() + ": area " + row.area_code + " has level '" +
                                     row.level + "' (county, township or village)");
    }
    if (!codes.insert(row.area_code).second) {
      return Status::InvalidArgument(c.path() + ": area " + row.area_code +
                                     " appears twice in the indicators of " + RunName(run_id));
    }
  }
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  VL_RETURN_IF_ERROR(RequireRunning(c, run_id));
  for (const char* sql : {kDeleteValues, kDeleteAreas}) {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(sql));
    VL_RETURN_IF_ERROR(st.Int(run_id).Run("cannot replace the indicators of " + RunName(run_id)));
  }
  for (const AreaIndicator& row : rows) {
    {
      VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertArea));
      VL_RETURN_IF_ERROR(st.Int(run_id)
                             .Text(row.area_code)
                             .Text(row.level)
                             .Text(row.name)
                             .Run("cannot save the indicators of area " + row.area_code));
    }
    for (const auto& [indicator, value] : row.values) {
      VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertValue));
      st.Int(run_id).Text(row.area_code).Text(indicator);
      // SQLite would turn NaN into NULL anyway; say so explicitly.
      if (std::isnan(value)) {
        st.Null();
      } else {
        st.Real(value);
      }
      VL_RETURN_IF_ERROR(
          st.Run("cannot save indicator '" + indicator + "' of area " + row.area_code));
    }
  }
  return tx.Commit();
}

Result<std::vector<AreaIndicator>> Store::LoadIndicators(int64_t run_id) const {
  Session s(conn_);
  VL_ASSIGN_OR_RETURN(Stmt st, s.conn().Prepare(kLoadIndicators));
  st.Int(run_id);
  std::vector<AreaIndicator> out;
  for (;;) {
    VL_ASSIGN_OR_RETURN(const bool row,
                        st.Step("cannot read the indicators of " + RunName(run_id)));
    if (!row) break;
    std::string code = st.ColText(0);
    if (out.empty() || out.back().area_code != code) {
      out.push_back({std::move(code), st.ColText(1), st.ColText(2), {}});
    }
    // An area with no values comes back once, with NULL indicator columns from the LEFT JOIN.
    if (!st.IsNull(3)) out.back().values.emplace(st.ColText(3), st.ColReal(4));
  }
  return out;
}

Result<std::vector<IndicatorPoint>> Store::IndicatorHistory(std::string_view area_code,
                                                            std::string_view indicator) const {
  Session s(conn_);
  VL_ASSIGN_OR_RETURN(Stmt st, s.conn().Prepare(kIndicatorHistory));
  st.Text(area_code).Text(indicator);
  std::vector<IndicatorPoint> out;
  for (;;) {
    VL_ASSIGN_OR_RETURN(const bool row, st.Step("cannot read an indicator's history"));
    if (!row) break;
    out.push_back({st.ColInt(0), st.ColText(1), st.ColReal(2)});
  }
  return out;
}

Result<int64_t> Store::SaveDecision(const Decision& d) {
  Session s(conn_);
  Connection& c = s.conn();
  if (!IsDecision(d.decision)) {
    return Status::InvalidArgument(c.path() + ": decision '" + d.decision +
                                   "' is not match, non_match or unsure");
  }
  if (d.job.empty() || d.source_a.empty() || d.record_id_a.empty() || d.source_b.empty() ||
      d.record_id_b.empty() || d.who.empty()) {
    return Status::InvalidArgument(
        c.path() + ": a decision needs a job, both sources, both record ids and who made it");
  }
  // Unordered pairs: the smaller endpoint goes first, so both orientations are one pair.
  const bool swap = std::tie(d.source_b, d.record_id_b) < std::tie(d.source_a, d.record_id_a);
  const std::string& source_a = swap ? d.source_b : d.source_a;
  const std::string& record_a = swap ? d.record_id_b : d.record_id_a;
  const std::string& source_b = swap ? d.source_a : d.source_b;
  const std::string& record_b = swap ? d.record_id_a : d.record_id_b;
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertDecision));
    VL_RETURN_IF_ERROR(st.Text(d.job)
                           .Text(source_a)
                           .Text(record_a)
                           .Text(source_b)
                           .Text(record_b)
                           .Text(d.decision)
                           .Text(d.who)
                           .Text(d.at)
                           .Text(d.note)
                           .Run("cannot save a review decision"));
  }
  const int64_t id = sqlite3_last_insert_rowid(c.db());
  VL_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Result<Decision> Store::UndoLastDecision(std::string_view who) {
  Session s(conn_);
  Connection& c = s.conn();
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  Decision d;
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kLastOfWho));
    VL_ASSIGN_OR_RETURN(const bool row, st.Text(who).Step("cannot read review decisions"));
    if (!row) {
      return Status::NotFound(c.path() + ": no decision of '" + std::string(who) + "' to undo");
    }
    d = ReadDecision(st);
  }
  {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kUndoDecision));
    VL_RETURN_IF_ERROR(st.Int(d.decision_id).Run("cannot undo a review decision"));
  }
  VL_RETURN_IF_ERROR(tx.Commit());
  d.undone = true;
  return d;
}

Result<std::vector<Decision>> Store::LatestDecisions() const {
  Session s(conn_);
  return QueryAll(s.conn(), kLatestDecisions, ReadDecision, "review decisions");
}

Result<std::vector<Decision>> Store::DecisionHistory() const {
  Session s(conn_);
  return QueryAll(s.conn(), kDecisionHistory, ReadDecision, "review decisions");
}

Result<int64_t> Store::SaveFollowUps(const std::vector<FollowUpOutcome>& outcomes) {
  Session s(conn_);
  Connection& c = s.conn();
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const FollowUpOutcome& o = outcomes[i];
    const std::string at = c.path() + ": follow-up outcome " + std::to_string(i + 1) + " (" + o.source + " " +
                           o.record_id + "): ";
    if (!IsFollowUpOutcome(o.outcome)) {
      return Status::InvalidArgument(at + "outcome '" + o.outcome + "' is not found, not_found or not_a_birth");
    }
    if (o.source.empty() || o.record_id.empty() || o.who.empty()) {
      return Status::InvalidArgument(at + "an outcome needs a source, a record id and who found it");
    }
    const bool names_record = !o.found_source.empty() && !o.found_record_id.empty();
    if ((o.outcome == "found") != names_record) {
      return Status::InvalidArgument(at + (names_record ? "only a 'found' outcome names the record found"
                                                        : "'found' needs the source and record id found"));
    }
  }
  VL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(c, Mode::kWrite));
  for (const FollowUpOutcome& o : outcomes) {
    VL_ASSIGN_OR_RETURN(Stmt st, c.Prepare(kInsertFollowUp));
    VL_RETURN_IF_ERROR(st.Text(o.source)
                           .Text(o.record_id)
                           .Text(o.outcome)
                           .Text(o.found_source)
                           .Text(o.found_record_id)
                           .Text(o.who)
                           .Text(o.at)
                           .Text(o.note)
                           .Run("cannot save a follow-up outcome"));
  }
  VL_RETURN_IF_ERROR(tx.Commit());
  return static_cast<int64_t>(outcomes.size());
}

Result<std::vector<FollowUpOutcome>> Store::LatestFollowUps() const {
  Session s(conn_);
  return QueryAll(s.conn(), kLatestFollowUps, ReadFollowUp, "follow-up outcomes");
}

}  // namespace vitalink::store
