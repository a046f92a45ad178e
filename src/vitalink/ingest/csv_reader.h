// CsvReader: a fast, forgiving RFC 4180 reader for register extracts.
//
// The whole file is read into memory, converted to UTF-8 (see encoding.h), its
// delimiter sniffed and its header parsed. Next() then yields one CsvRow per
// physical record, as string_views into the buffer. Malformed records are
// never dropped or fatal: they come back flagged with a CsvRowError, so a
// caller can always reconcile read = accepted + rejected.
//
//   VL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::Open(path, CsvOptions{}));
//   CsvRow row;
//   while (reader.Next(row)) {
//     if (row.error != CsvRowError::kNone) { Reject(row.line, row.error_message, row.raw);
//     continue; } Use(row.fields);
//   }
//
// Parsing rules (documented choices beyond RFC 4180):
// - Line ends are LF, CRLF or a lone CR. Blank lines are skipped but counted.
// - A quote that opens a field starts a quoted field; a quote anywhere else in
//   an unquoted field is kept literally (`ab"c` reads as ab"c), as most readers do.
// - Text after a closing quote (`"ab"c`) is kept (ab + c) and the row is
//   flagged kUnbalancedQuote.
// - A quote that is never closed, or whose "closing" quote on a later line is
//   followed by text instead of a delimiter or line end (a stray quote paired
//   with the next row's), or which spans lines for more than max_field_bytes,
//   is unbalanced: the record ends at the end of the physical line where the
//   quote opened, the field keeps the rest of that line literally, and the row
//   is flagged. Later records are read normally.
// - When a row has several problems, one is reported, in this order: NUL byte,
//   invalid encoding, unbalanced quote, field too long, wrong field count.
//
// Not thread-safe; one reader per thread. Rows are not copied: a CsvRow's views
// are valid until the next Next() call or until the reader is moved or destroyed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/encoding.h"

namespace vitalink::ingest {

struct CsvOptions {
  char delimiter = 0;                   ///< 0 = sniff among , \t | ; (default ',')
  Encoding encoding = Encoding::kAuto;  ///< kAuto = detect (see GuessEncoding)
  int64_t max_field_bytes = 1 << 20;    ///< a longer field flags the row kFieldTooLong
};

enum class CsvRowError {
  kNone,
  kUnbalancedQuote,
  kWrongFieldCount,
  kInvalidEncoding,
  kNulByte,
  kFieldTooLong,
};

/// Return the stable snake_case name of an error: "none", "unbalanced_quote",
/// "wrong_field_count", "invalid_encoding", "nul_byte", "field_too_long".
std::string_view CsvRowErrorName(CsvRowError error);

struct CsvRow {
  /// 1-based physical line where the record starts (counting blank lines and
  /// every LF, CRLF or lone CR, also those inside quoted fields).
  int64_t line = 0;
  /// Unescaped field values, always well-formed UTF-8 (undecodable input is
  /// U+FFFD). Valid until the next Next() call.
  std::vector<std::string_view> fields;
  /// The record's text after conversion to UTF-8, without its line end.
  std::string_view raw;
  CsvRowError error = CsvRowError::kNone;
  int error_field = -1;       ///< 0-based field index of the error, -1 if row-level
  std::string error_message;  ///< e.g. "expected 12 fields, found 11"; empty if no error
};

class CsvReader {
 public:
  /// Read the file at `path` into memory and prepare it (see FromBuffer).
  /// Return NotFound/IOError for a missing or unreadable file and ParseError
  /// for an empty file, a file without a header line or a malformed header;
  /// every message starts with the path.
  static Result<CsvReader> Open(const std::string& path, const CsvOptions& options);

  /// Take `bytes` (the file contents) and prepare them: remove a BOM, detect
  /// or apply the encoding and convert to UTF-8, sniff the delimiter, parse
  /// the header. `display_name` prefixes error messages. Return
  /// InvalidArgument for a bad option (delimiter '"', CR, LF or non-ASCII;
  /// max_field_bytes < 1) and ParseError as for Open.
  static Result<CsvReader> FromBuffer(std::string bytes, std::string display_name,
                                      const CsvOptions& options);

  CsvReader(CsvReader&&) = default;
  CsvReader& operator=(CsvReader&&) = default;
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  /// Return the header names, trimmed of ASCII spaces and tabs.
  const std::vector<std::string>& header() const { return header_; }
  /// Return the delimiter in use (given or sniffed).
  char delimiter() const { return delimiter_; }
  /// Return the encoding in use (given or detected), never kAuto.
  Encoding encoding() const { return encoding_; }
  const std::string& display_name() const { return display_name_; }
  /// Return the input size in bytes, BOM included, before conversion.
  int64_t bytes() const { return input_bytes_; }
  /// Return the physical line of the header record.
  int64_t header_line() const { return header_line_; }
  /// Return the number of records Next() has returned so far (header excluded).
  int64_t records_read() const { return records_read_; }
  /// Return the number of input sequences that could not be decoded (each is a U+FFFD).
  int64_t invalid_sequences() const { return static_cast<int64_t>(invalid_offsets_.size()); }

  /// Read the next record into `row`, reusing its storage. Return false at the
  /// end of the input. Flagged rows are returned like any other. Each physical
  /// record is returned exactly once; Next() always makes progress.
  bool Next(CsvRow& row);

 private:
  CsvReader() = default;

  Status Init(std::string bytes, const CsvOptions& options);
  /// Parse one record starting at pos_ (not at a line end) into `row`.
  void ParseRecord(CsvRow& row);
  /// Skip blank lines at pos_; return false at end of input.
  bool SkipBlankLines();
  /// Flag `row` with `error` in `field` unless it already has a higher-priority error.
  void Flag(CsvRow& row, CsvRowError error, int field, std::string message) const;
  /// Return "field N" with its header name, for messages.
  std::string FieldLabel(int field) const;

  std::string data_;  // the whole input as UTF-8
  std::string display_name_;
  std::vector<std::string> header_;
  std::vector<int64_t> invalid_offsets_;  // sorted offsets of U+FFFD replacing bad input
  std::vector<int64_t> nul_offsets_;      // sorted offsets of NUL bytes
  size_t invalid_idx_ = 0;                // first invalid offset not yet behind pos_
  size_t nul_idx_ = 0;
  std::vector<int64_t> field_begins_;  // raw offset of each field of the current record
  std::vector<std::pair<int, std::pair<size_t, size_t>>> scratch_fields_;  // field, (offset, len)
  std::string scratch_;  // unescaped values of fields with doubled quotes
  int64_t pos_ = 0;
  int64_t line_ = 1;
  int64_t header_line_ = 0;
  int64_t records_read_ = 0;
  int64_t input_bytes_ = 0;
  int64_t max_field_bytes_ = 1 << 20;
  Encoding encoding_ = Encoding::kUtf8;
  char delimiter_ = ',';
};

/// Return the delimiter among , \t | ; that appears (outside quotes) most
/// consistently in the first lines of `text`: the one whose count on the first
/// line is matched by the most following lines, ties going to the larger
/// count, then to the order , \t | ;. Return ',' when none appears.
char SniffDelimiter(std::string_view text);

}  // namespace vitalink::ingest
