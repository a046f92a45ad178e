// Shared by the database readers (SQLite, PostgreSQL): turn one result row,
// whose field values are already in `row.fields`, into the CsvRow shape the
// CSV reader yields: line number, the CSV rendering in `raw`, and a row error
// for a NUL byte or invalid UTF-8 (quarantined like a malformed CSV row).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/utf8.h"
#include "vitalink/ingest/csv_reader.h"

namespace vitalink::ingest::internal {

/// Fill `row`'s line, error and raw (kept in `raw_buffer`, which must outlive
/// the row's use) from `row.fields`; `header[i]` names field i in messages.
inline void FinishDatabaseRow(const std::vector<std::string>& header, int64_t line, CsvRow& row,
                              std::string& raw_buffer) {
  row.line = line;
  row.error = CsvRowError::kNone;
  row.error_field = -1;
  row.error_message.clear();
  raw_buffer.clear();
  for (size_t i = 0; i < row.fields.size(); ++i) {
    const std::string_view v = row.fields[i];
    if (row.error == CsvRowError::kNone) {
      if (v.find('\0') != std::string_view::npos) {
        row.error = CsvRowError::kNulByte;
        row.error_field = static_cast<int>(i);
        row.error_message = "NUL byte in column '" + header[i] + "'";
      } else if (!IsValidUtf8(v)) {
        row.error = CsvRowError::kInvalidEncoding;
        row.error_field = static_cast<int>(i);
        row.error_message = "invalid UTF-8 in column '" + header[i] + "'";
      }
    }
    if (i > 0) raw_buffer.push_back(',');
    AppendCsvField(raw_buffer, v);
  }
  row.raw = raw_buffer;
}

}  // namespace vitalink::ingest::internal
