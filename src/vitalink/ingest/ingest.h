// Ingest: read every configured source into a normalized Table, quarantining
// bad rows with reasons. Every input row is accepted or rejected, never lost:
// rows_read == rows_accepted + rows_rejected for every source.
//
//   VL_ASSIGN_OR_RETURN(ProjectConfig cfg, LoadProjectConfig(path));
//   VL_ASSIGN_OR_RETURN(IngestResult r, IngestProject(cfg, {}));
//   for (const SourceData& s : r.sources) use(s.table);
//
// Writes <output>/ingest/summary.json and <output>/ingest/rejects/<source>.csv.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"
#include "vitalink/table/table.h"

namespace vitalink::ingest {

/// One reason a row was rejected: the field (canonical name, or the file's
/// column for structural errors, or "" for the whole row) and a reason kind.
struct RejectReasonCount {
  std::string field;
  std::string kind;  // "bad_date", "unbalanced_quote", ...
  int64_t count = 0;
};

struct SourceSummary {
  std::string name;
  std::string role;
  std::string location;  // file path, sqlite path:table, or postgresql://user@host/db:table (no password)
  std::string encoding;  // "utf-8", "gb18030", "sqlite", "postgresql"
  std::string delimiter;
  int64_t bytes = 0;
  int64_t rows_read = 0;
  int64_t rows_accepted = 0;
  int64_t rows_rejected = 0;
  std::string rejects_path;  // absolute; the file exists even when empty (header only)
  std::vector<RejectReasonCount> reasons;  // most frequent first, ties by field then kind
  std::vector<std::string> passthrough_columns;
  /// Database sources (SQLite, PostgreSQL): a digest of what was read (store::RowsDigest) — XXH3-128 of the
  /// header plus the sum of every row's XXH3-128 over its fields — so the same rows in
  /// any order give the same value and any changed value, added or lost row changes it;
  /// 32 lower-case hex digits. `bytes` is then the bytes of all field values read.
  /// Empty for files, whose bytes are checksummed as they are (store::FileChecksum).
  std::string content_checksum;
  double seconds = 0;
};

struct SourceData {
  SourceConfig config;
  Table table;
  SourceSummary summary;
};

struct IngestResult {
  std::shared_ptr<StringPool> pool;  // shared by every source table
  std::vector<SourceData> sources;   // in config order
  double seconds = 0;
};

struct IngestOptions {
  /// Where ingest/ goes; default: the config's output_dir.
  std::string output_dir;
  /// Write summary.json and rejects files (off for benchmarks of parsing alone).
  bool write_outputs = true;
};

/// Ingest one source into `pool`'s string space. A non-OK status means the
/// source is unusable as a whole (missing file, no header, a mapped column
/// absent); bad rows are never a Status. Rejected rows are appended to
/// `rejects_csv` (may be null) as CSV rows: source,file,line,field,reason,raw.
Result<SourceData> IngestSource(const SourceConfig& source, std::shared_ptr<StringPool> pool,
                                std::string* rejects_csv);

/// Ingest every source of the project and write the summary and rejects files.
Result<IngestResult> IngestProject(const ProjectConfig& config, const IngestOptions& options);

/// Return the summary JSON text written to ingest/summary.json.
std::string SummaryJson(const ProjectConfig& config, const IngestResult& result);

/// The header of every rejects file.
inline constexpr std::string_view kRejectsHeader = "source,file,line,field,reason,raw\n";

}  // namespace vitalink::ingest
