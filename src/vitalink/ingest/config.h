// The project config (TOML): what the sources are and how their columns map
// onto canonical fields. Later stages read their own sections ([check],
// [link], …) from the same file through `ProjectConfig::text`.
//
//   VL_ASSIGN_OR_RETURN(ProjectConfig cfg, LoadProjectConfig("county/project.toml"));
//   for (const SourceConfig& s : cfg.sources) ...
//
// Schema: docs/CONFIG.md. Every error names the file, line and column.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/encoding.h"

namespace vitalink::ingest {

struct FieldMapping {
  std::string canonical;  // "birth_date"
  std::string column;     // the source's own header, "出生日期"
};

struct SourceConfig {
  std::string name;  // unique within the project
  std::string role;  // register | births | survey | migrants | vaccination | deaths
  // Exactly one of: a CSV file, an SQLite database or a PostgreSQL server,
  // the databases with a table or a query.
  std::string path;      // absolute path of the CSV file
  std::string sqlite;    // absolute path of the SQLite database
  std::string postgres;  // libpq connection string or URI; may hold a password: never print it
  std::string table;     // table name (PostgreSQL: optionally "schema.table")
  std::string query;     // query (instead of table)
  Encoding encoding = Encoding::kAuto;
  char delimiter = 0;     // 0 = sniff
  std::string record_id;  // column identifying records; empty = use the line number
  std::vector<FieldMapping> fields;
  int64_t config_line = 0;  // where the [[sources]] entry starts, for messages

  /// Return a short description of where the rows come from ("register.csv",
  /// "db.sqlite:persons", "postgresql://vl@db/county:persons"), without any password.
  std::string Location() const;
};

struct ProjectConfig {
  std::string path;        // the config file
  std::string dir;         // its directory; relative paths resolve against it
  std::string text;        // the whole file, for later stages' sections
  std::string name;
  std::string county;      // 6-digit county code, may be empty
  uint64_t seed = 1;
  std::string output_dir;  // absolute; default "<dir>/out"
  std::string truth_path;  // absolute or empty
  std::string persons_path;
  std::string truth_column;   // a column holding the true entity (e.g. FEBRL's rec_id)
  std::string truth_pattern;  // optional regex; the entity is its first capture group
  std::vector<SourceConfig> sources;
};

/// Parse and validate `path`. Unknown keys, unknown canonical fields, duplicate
/// source names and missing required keys are errors naming file:line:column
/// with a hint.
Result<ProjectConfig> LoadProjectConfig(const std::string& path);

/// Parse config text as if read from `path` (tests).
Result<ProjectConfig> ParseProjectConfig(std::string text, const std::string& path);

}  // namespace vitalink::ingest
