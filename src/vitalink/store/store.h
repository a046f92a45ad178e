// Store: the project's embedded SQLite file, one per project (`vitalink run` keeps it at
// `<output>/project.sqlite`).
//
// It remembers what must survive between monthly runs: the runs themselves (when, which
// config, which input files by checksum), the linkage model of each job, the per-area
// indicators the bulletin compares month over month, and the clerical review decisions
// the next run obeys. The schema and its migration policy are in docs/STORE.md.
//
//   VL_ASSIGN_OR_RETURN(store::Store db, store::Store::Open(output_dir + "/project.sqlite"));
//   VL_ASSIGN_OR_RETURN(int64_t run, db.BeginRun(info));
//   VL_RETURN_IF_ERROR(db.SaveModel(run, "births", model_json));
//   VL_RETURN_IF_ERROR(db.SaveIndicators(run, rows));
//   VL_RETURN_IF_ERROR(db.FinishRun(run, "ok", finished_at));
//   VL_ASSIGN_OR_RETURN(auto previous, db.PreviousRun(run));   // what the bulletin compares with
//
// Every write is one transaction (BEGIN IMMEDIATE ... COMMIT); a failure rolls it back, so
// the file always holds whole runs, whole indicator sets and whole decisions. The file is in
// WAL mode with a 5 s busy timeout, so `vitalink serve` and `vitalink run` can share a
// project: readers never block the writer, and a second writer waits instead of failing.
//
// Data never becomes SQL: every value is bound to a prepared statement, and strings are
// stored byte for byte (quotes, NULs, any UTF-8). Times are text the caller gives
// (ISO 8601 by convention); the store reads no clock.
//
// Errors are Status values whose message starts with the file's path. A file that is not a
// SQLite database, or is another program's database, or was written by a newer vitalink,
// is refused at Open.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"

namespace vitalink::store {

namespace internal {
class Connection;
}  // namespace internal

/// The schema version this build writes; Open migrates older files up to it.
inline constexpr int kSchemaVersion = 2;

/// Run states: a run is "running" from BeginRun until FinishRun sets "ok" or "failed".
inline constexpr std::string_view kRunRunning = "running";
inline constexpr std::string_view kRunOk = "ok";
inline constexpr std::string_view kRunFailed = "failed";

/// One input file a run read.
struct RunInput {
  std::string name;      // source name from the config ("births_register")
  std::string path;      // as the config gave it
  std::string checksum;  // lower-case hex: XXH3-128 (FileChecksum) or SHA-256
  int64_t bytes = 0;

  bool operator==(const RunInput&) const = default;
};

/// What BeginRun records about a run before it starts.
struct RunInfo {
  std::string config_path;
  std::string config_hash;  // lower-case hex, e.g. TextChecksum(config text)
  std::string label;        // period the run covers, e.g. "2026-10"
  std::string started_at;   // ISO 8601 text from the caller
  std::vector<RunInput> inputs;
};

/// A run as stored.
struct RunRecord {
  int64_t run_id = 0;
  std::string config_path;
  std::string config_hash;
  std::string label;
  std::string started_at;
  std::string finished_at;  // empty while running
  std::string status;       // kRunRunning, kRunOk or kRunFailed
  std::vector<RunInput> inputs;

  bool operator==(const RunRecord&) const = default;
};

/// Indicators of one area in one run. `level` is "county", "township" or "village".
/// `values` holds named numbers ("completeness", "accuracy_score", "estimated_births", ...);
/// NaN is stored as SQL NULL and read back as NaN (an indicator with no defined value).
struct AreaIndicator {
  std::string area_code;
  std::string level;
  std::string name;
  std::map<std::string, double, std::less<>> values;
};

/// One point of an indicator's history: its value in one finished ("ok") run.
struct IndicatorPoint {
  int64_t run_id = 0;
  std::string label;
  double value = 0;  // NaN when the run stored no defined value
};

/// A clerical review decision on a record pair of a link job.
///
/// Pairs are unordered: SaveDecision stores the endpoint with the smaller
/// (source, record_id) as `a`, so (x, y) and (y, x) are one pair.
struct Decision {
  std::string job;
  std::string source_a;
  std::string record_id_a;
  std::string source_b;
  std::string record_id_b;
  std::string decision;  // "match", "non_match" or "unsure"
  std::string who;
  std::string at;  // ISO 8601 text from the caller
  std::string note;
  // Filled when read back; ignored by SaveDecision.
  int64_t decision_id = 0;  // increases with every decision saved
  bool undone = false;      // withdrawn by UndoLastDecision (kept in the history)

  bool operator==(const Decision&) const = default;
};

/// What registration staff found when they followed up one record of the follow-up list
/// (a birth known outside the register; docs/REVIEW.md, "Follow-up outcomes"):
///  - "found": the same child is record `found_record_id` of `found_source` (usually the
///    register: the link was missed);
///  - "not_found": no other record of the child exists; it is a birth the register lacks;
///  - "not_a_birth": the record is no birth of the period (a wrong date, a fictitious or
///    mistaken report).
struct FollowUpOutcome {
  std::string source;
  std::string record_id;
  std::string outcome;
  std::string found_source;     // only for "found"
  std::string found_record_id;  // only for "found"
  std::string who;
  std::string at;  // ISO 8601 text from the caller
  std::string note;
  int64_t outcome_id = 0;  // filled when read back

  bool operator==(const FollowUpOutcome&) const = default;
};

/// The project store. Owns one SQLite connection to one file.
///
/// Thread-safety: every method is safe to call from several threads; one internal mutex
/// serializes them on the connection. Threads that want to read in parallel open one Store
/// each. Several Stores, in one process or many, may open the same file.
/// Movable, not copyable; a moved-from Store may only be destroyed or assigned to.
class Store {
 public:
  /// Open the store at `path`, creating the file and its schema if new and migrating an
  /// older schema to kSchemaVersion. The parent directory must exist.
  /// Errors: IOError (cannot open, not a SQLite database, corrupt), FailedPrecondition
  /// (another program's database, or a schema newer than this build); all name `path`.
  static Result<Store> Open(const std::string& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  /// Return the path the store was opened with.
  const std::string& path() const;

  /// Return the schema version recorded in the file.
  Result<int> SchemaVersion() const;

  // ---- Runs: ids increase with every BeginRun; "latest" and "before" follow run ids.

  /// Record a new run in state "running" and return its id.
  /// Errors: InvalidArgument if config_hash or an input checksum is not lower-case hex or
  /// an input has negative bytes.
  Result<int64_t> BeginRun(const RunInfo& info);

  /// Append an input to a running run, after the ones BeginRun recorded: for inputs
  /// known only once read (a PostgreSQL table's rows). Errors: as BeginRun for the
  /// input; NotFound (no such run), FailedPrecondition (the run is finished).
  Status AddRunInput(int64_t run_id, const RunInput& input);

  /// Mark a running run "ok" or "failed" at `finished_at`.
  /// Errors: InvalidArgument (other status), NotFound (no such run), FailedPrecondition
  /// (the run is already finished).
  Status FinishRun(int64_t run_id, std::string_view status, std::string_view finished_at);

  /// Return the run with the highest id in `status` ("ok", "failed" or "running"), if any.
  Result<std::optional<RunRecord>> LastRun(std::string_view status = kRunOk) const;

  /// Return the latest "ok" run with an id below `run_id`, if any: the run a bulletin
  /// compares with. Errors: NotFound if `run_id` does not exist.
  Result<std::optional<RunRecord>> PreviousRun(int64_t run_id) const;

  /// Return all runs, oldest first.
  Result<std::vector<RunRecord>> Runs() const;

  // ---- Models: the JSON text of each link job's fitted model, per run.

  /// Store `json` (must parse as JSON; kept byte for byte) as the model of `job` in a running
  /// run, replacing an earlier save of the same job.
  /// Errors: InvalidArgument (not JSON), NotFound (no such run), FailedPrecondition
  /// (the run is finished).
  Status SaveModel(int64_t run_id, std::string_view job, std::string_view json);

  /// Return the model of `job` in `run_id`, or nullopt if none was saved.
  Result<std::optional<std::string>> LoadModel(int64_t run_id, std::string_view job) const;

  // ---- Indicators: per-area numbers per run, for month-over-month progress and trends.

  /// Replace all indicator rows of a running run by `rows`, in one transaction.
  /// Errors: InvalidArgument (unknown level, duplicate area code), NotFound (no such run),
  /// FailedPrecondition (the run is finished).
  Status SaveIndicators(int64_t run_id, const std::vector<AreaIndicator>& rows);

  /// Return the indicator rows of `run_id`, ordered by area code (empty if none).
  Result<std::vector<AreaIndicator>> LoadIndicators(int64_t run_id) const;

  /// Return the value of `indicator` for `area_code` in every "ok" run that stored it,
  /// oldest first: the series behind a trend chart.
  Result<std::vector<IndicatorPoint>> IndicatorHistory(std::string_view area_code,
                                                       std::string_view indicator) const;

  // ---- Review decisions: an append-only history; the latest live decision per pair wins.

  /// Append a decision ("match", "non_match" or "unsure") and return its id. The pair is
  /// stored in canonical order (see Decision). Errors: InvalidArgument (unknown decision,
  /// empty job, source, record id or who).
  Result<int64_t> SaveDecision(const Decision& d);

  /// Withdraw `who`'s most recent decision that is not yet withdrawn and return it; the pair
  /// falls back to its previous live decision. Repeated calls walk back further. The row
  /// stays in the history, flagged undone. Errors: NotFound if `who` has nothing to undo.
  Result<Decision> UndoLastDecision(std::string_view who);

  /// Return the latest live decision of every decided pair, ordered by job and pair.
  Result<std::vector<Decision>> LatestDecisions() const;

  /// Return every decision ever saved, withdrawn ones included, oldest first.
  Result<std::vector<Decision>> DecisionHistory() const;

  // ---- Follow-up outcomes: append-only; the latest outcome per record is in force.

  /// Append `outcomes` in one transaction (all or none) and return how many were saved.
  /// Errors: InvalidArgument naming the offending outcome's position (unknown outcome,
  /// empty source, record id or who, "found" without the record found or another outcome
  /// with one).
  Result<int64_t> SaveFollowUps(const std::vector<FollowUpOutcome>& outcomes);

  /// Return the latest outcome of every followed-up record, ordered by source and record.
  Result<std::vector<FollowUpOutcome>> LatestFollowUps() const;

 private:
  explicit Store(std::unique_ptr<internal::Connection> conn);
  std::unique_ptr<internal::Connection> conn_;  // the connection, its statements and mutex
};

}  // namespace vitalink::store
