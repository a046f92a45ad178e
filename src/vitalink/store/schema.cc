#include "vitalink/store/schema_internal.h"

#include <cstddef>
#include <iterator>

#include "vitalink/store/store.h"

namespace vitalink::store::internal {
namespace {

// Version 1: runs and their inputs, models, per-area indicators, review decisions.
//
// The tables are STRICT (SQLite >= 3.37) so a value of the wrong type is an error rather
// than silently stored. CHECK constraints repeat the C++ validation: the file stays
// consistent even if a later tool writes to it directly.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE runs (
  run_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  label       TEXT NOT NULL,
  config_path TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL DEFAULT 'running'
              CHECK (status IN ('running', 'ok', 'failed')),
  CHECK ((status = 'running') = (finished_at IS NULL))
) STRICT;
CREATE INDEX runs_by_status ON runs (status, run_id);

CREATE TABLE run_inputs (
  run_id   INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  ordinal  INTEGER NOT NULL CHECK (ordinal >= 0),
  name     TEXT NOT NULL,
  path     TEXT NOT NULL,
  checksum TEXT NOT NULL,
  bytes    INTEGER NOT NULL CHECK (bytes >= 0),
  PRIMARY KEY (run_id, ordinal)
) STRICT, WITHOUT ROWID;

CREATE TABLE models (
  run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  job    TEXT NOT NULL,
  json   TEXT NOT NULL,
  PRIMARY KEY (run_id, job)
) STRICT, WITHOUT ROWID;

CREATE TABLE area_indicators (
  run_id    INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  area_code TEXT NOT NULL,
  level     TEXT NOT NULL CHECK (level IN ('county', 'township', 'village')),
  name      TEXT NOT NULL,
  PRIMARY KEY (run_id, area_code)
) STRICT, WITHOUT ROWID;

CREATE TABLE indicator_values (
  run_id    INTEGER NOT NULL,
  area_code TEXT NOT NULL,
  indicator TEXT NOT NULL,
  value     REAL,
  PRIMARY KEY (run_id, area_code, indicator),
  FOREIGN KEY (run_id, area_code)
    REFERENCES area_indicators (run_id, area_code) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX indicator_values_by_area ON indicator_values (area_code, indicator, run_id);

CREATE TABLE decisions (
  decision_id INTEGER PRIMARY KEY AUTOINCREMENT,
  job         TEXT NOT NULL,
  source_a    TEXT NOT NULL,
  record_id_a TEXT NOT NULL,
  source_b    TEXT NOT NULL,
  record_id_b TEXT NOT NULL,
  decision    TEXT NOT NULL CHECK (decision IN ('match', 'non_match', 'unsure')),
  who         TEXT NOT NULL,
  at          TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  undone      INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
) STRICT;
CREATE INDEX decisions_by_pair
  ON decisions (job, source_a, record_id_a, source_b, record_id_b, decision_id);
CREATE INDEX decisions_by_who ON decisions (who, decision_id);

-- The history is append-only: rows are never deleted, and the only change allowed is
-- withdrawing a live decision (undone 0 -> 1).
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
  SELECT RAISE(ABORT, 'review decisions are append-only');
END;
CREATE TRIGGER decisions_only_undo BEFORE UPDATE ON decisions
WHEN NEW.decision_id IS NOT OLD.decision_id OR NEW.job IS NOT OLD.job
  OR NEW.source_a IS NOT OLD.source_a OR NEW.record_id_a IS NOT OLD.record_id_a
  OR NEW.source_b IS NOT OLD.source_b OR NEW.record_id_b IS NOT OLD.record_id_b
  OR NEW.decision IS NOT OLD.decision OR NEW.who IS NOT OLD.who OR NEW.at IS NOT OLD.at
  OR NEW.note IS NOT OLD.note OR NOT (OLD.undone = 0 AND NEW.undone = 1)
BEGIN
  SELECT RAISE(ABORT, 'review decisions are append-only; only undo is allowed');
END;

-- The decision in force for each pair: its latest one not withdrawn.
CREATE VIEW latest_decisions AS
SELECT d.*
FROM decisions AS d
WHERE d.undone = 0
  AND d.decision_id = (
    SELECT MAX(x.decision_id) FROM decisions AS x
    WHERE x.undone = 0 AND x.job = d.job
      AND x.source_a = d.source_a AND x.record_id_a = d.record_id_a
      AND x.source_b = d.source_b AND x.record_id_b = d.record_id_b);
)sql";

// Version 2: follow-up outcomes, what registration staff found when they went after a
// birth listed outside the register (report/follow_up.csv). Append-only like decisions;
// the latest outcome per record is in force.
constexpr char kSchemaV2[] = R"sql(
CREATE TABLE follow_up_outcomes (
  outcome_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  source          TEXT NOT NULL,
  record_id       TEXT NOT NULL,
  outcome         TEXT NOT NULL CHECK (outcome IN ('found', 'not_found', 'not_a_birth')),
  found_source    TEXT NOT NULL DEFAULT '',
  found_record_id TEXT NOT NULL DEFAULT '',
  who             TEXT NOT NULL,
  at              TEXT NOT NULL,
  note            TEXT NOT NULL DEFAULT '',
  CHECK ((outcome = 'found') = (found_source <> '' AND found_record_id <> ''))
) STRICT;
CREATE INDEX follow_up_by_record ON follow_up_outcomes (source, record_id, outcome_id);

CREATE TRIGGER follow_up_append_only_delete BEFORE DELETE ON follow_up_outcomes
BEGIN
  SELECT RAISE(ABORT, 'follow-up outcomes are append-only');
END;
CREATE TRIGGER follow_up_append_only_update BEFORE UPDATE ON follow_up_outcomes
BEGIN
  SELECT RAISE(ABORT, 'follow-up outcomes are append-only');
END;

CREATE VIEW latest_follow_up AS
SELECT o.*
FROM follow_up_outcomes AS o
WHERE o.outcome_id = (
  SELECT MAX(x.outcome_id) FROM follow_up_outcomes AS x
  WHERE x.source = o.source AND x.record_id = o.record_id);
)sql";

constexpr Migration kMigrations[] = {
    {1, "runs, run inputs, models, area indicators, review decisions", kSchemaV1},
    {2, "follow-up outcomes", kSchemaV2},
};

static_assert(std::size(kMigrations) == static_cast<size_t>(kSchemaVersion),
              "one migration per schema version");

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace vitalink::store::internal
