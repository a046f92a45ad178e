// A buffered RFC 4180 CSV writer for the generator's outputs: quotes a field
// only when it holds a comma, quote or line break; rows end with CRLF (county
// exports) or LF; optional UTF-8 BOM; optional GB18030 output (ICU converts
// each buffer at a row boundary). Writes to `path.tmp` and renames on Close,
// so an interrupted run never leaves a half file under the final name.
//
//   VL_ASSIGN_OR_RETURN(auto w, CsvWriter::Open(dir + "/births.csv", {.gb18030 = true}));
//   w->Field("出生证编号"); w->Field("性别"); w->EndRow();
//   VL_RETURN_IF_ERROR(w->Close());
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "vitalink/common/status.h"

namespace vitalink::synth {

struct CsvOptions {
  bool bom = false;      // write a UTF-8 byte-order mark first
  bool gb18030 = false;  // encode the file as GB18030 (no BOM)
  bool crlf = true;      // end rows with CRLF (RFC 4180) rather than LF
};

class CsvWriter {
 public:
  /// Open `path` for writing (through `path.tmp`).
  static Result<std::unique_ptr<CsvWriter>> Open(std::string path, CsvOptions options);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  /// Append one field to the current row, quoting it when needed.
  void Field(std::string_view value);
  /// Append an integer field.
  void Field(int64_t value);
  /// End the current row; flushes the buffer when it is large.
  void EndRow();
  /// Append raw text (no quoting, no separator); for non-CSV files.
  void Raw(std::string_view text) { buffer_.append(text); }
  /// Flush, close and rename into place; return the first I/O or encoding error.
  Status Close();
  int64_t rows() const { return rows_; }
  const std::string& path() const { return path_; }

 private:
  CsvWriter(std::string path, CsvOptions options, std::FILE* file)
      : path_(std::move(path)), options_(options), file_(file) {}
  Status Flush();

  std::string path_;
  CsvOptions options_;
  std::FILE* file_;
  std::string buffer_;
  std::string encoded_;
  bool row_started_ = false;
  int64_t rows_ = 0;
  Status error_;
};

}  // namespace vitalink::synth
