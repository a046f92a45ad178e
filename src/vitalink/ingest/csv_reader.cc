#include "vitalink/ingest/csv_reader.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "vitalink/table/huge_pages.h"

namespace vitalink::ingest {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Set the high bit of each zero byte of `x` (and possibly of bytes above the
// first zero byte, which is why only the lowest set bit is ever used).
inline uint64_t ZeroBytes(uint64_t x) { return (x - kOnes) & ~x & kHighs; }

// Return the first position in [p, end) holding `delim`, LF or CR, or `end`.
// Eight bytes per step: register fields are short, so memchr would pay its call
// overhead per field.
inline const char* ScanUnquoted(const char* p, const char* end, char delim) {
  if constexpr (std::endian::native == std::endian::little) {
    const uint64_t delim_word = kOnes * static_cast<unsigned char>(delim);
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      const uint64_t hit = ZeroBytes(word ^ delim_word) | ZeroBytes(word ^ (kOnes * '\n')) |
                           ZeroBytes(word ^ (kOnes * '\r'));
      if (hit != 0) return p + (std::countr_zero(hit) >> 3);
      p += 8;
    }
  }
  while (p < end && *p != delim && *p != '\n' && *p != '\r') ++p;
  return p;
}

// Return the first LF or CR in [p, end), or `end`.
const char* FindLineEnd(const char* p, const char* end) {
  while (p < end && *p != '\n' && *p != '\r') ++p;
  return p;
}

// Count line breaks in [p, end): LF, CRLF and lone CR count one each.
int64_t CountLineBreaks(const char* p, const char* end) {
  int64_t n = 0;
  for (; p < end; ++p) {
    if (*p == '\n') {
      ++n;
    } else if (*p == '\r' && (p + 1 == end || p[1] != '\n')) {
      ++n;
    }
  }
  return n;
}

// Higher wins when a row has several problems.
int Severity(CsvRowError error) {
  switch (error) {
    case CsvRowError::kNone: return 0;
    case CsvRowError::kWrongFieldCount: return 1;
    case CsvRowError::kFieldTooLong: return 2;
    case CsvRowError::kUnbalancedQuote: return 3;
    case CsvRowError::kInvalidEncoding: return 4;
    case CsvRowError::kNulByte: return 5;
  }
  return 0;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Return the first offset >= `begin` in sorted `offsets` from cursor `idx`
// (advanced past smaller ones), or -1 when it is not below `end`.
int64_t FirstIn(const std::vector<int64_t>& offsets, size_t& idx, int64_t begin, int64_t end) {
  while (idx < offsets.size() && offsets[idx] < begin) ++idx;
  if (idx < offsets.size() && offsets[idx] < end) return offsets[idx];
  return -1;
}

constexpr char kCandidates[] = {',', '\t', '|', ';'};
constexpr int kSniffLines = 20;
constexpr size_t kSniffBytes = 64 * 1024;

}  // namespace

std::string_view CsvRowErrorName(CsvRowError error) {
  switch (error) {
    case CsvRowError::kNone: return "none";
    case CsvRowError::kUnbalancedQuote: return "unbalanced_quote";
    case CsvRowError::kWrongFieldCount: return "wrong_field_count";
    case CsvRowError::kInvalidEncoding: return "invalid_encoding";
    case CsvRowError::kNulByte: return "nul_byte";
    case CsvRowError::kFieldTooLong: return "field_too_long";
  }
  return "unknown";
}

char SniffDelimiter(std::string_view text) {
  // counts[k][line]: occurrences of candidate k outside quotes on each sampled line.
  int counts[4][kSniffLines] = {};
  int lines = 0;
  bool in_quotes = false;
  bool line_has_text = false;
  const size_t limit = std::min(text.size(), kSniffBytes);
  size_t i = 0;
  for (; i < limit && lines < kSniffLines; ++i) {
    const char c = text[i];
    if (c == '"') {
      in_quotes = !in_quotes;
      line_has_text = true;
    } else if (!in_quotes && (c == '\n' || c == '\r')) {
      if (line_has_text) ++lines;
      line_has_text = false;
    } else {
      line_has_text = true;
      if (in_quotes) continue;
      for (int k = 0; k < 4; ++k) {
        if (c == kCandidates[k]) ++counts[k][lines];
      }
    }
  }
  // A line cut by the sample limit counts only if it is the only one, or the text ended.
  if (line_has_text && lines < kSniffLines && (lines == 0 || i == text.size())) ++lines;
  if (lines == 0) return ',';
  int best = -1;
  int best_consistent = 0;
  int best_count = 0;
  for (int k = 0; k < 4; ++k) {
    const int first = counts[k][0];
    if (first == 0) continue;
    int consistent = 0;
    for (int line_idx = 0; line_idx < lines; ++line_idx) consistent += counts[k][line_idx] == first;
    if (consistent > best_consistent || (consistent == best_consistent && first > best_count)) {
      best = k;
      best_consistent = consistent;
      best_count = first;
    }
  }
  return best < 0 ? ',' : kCandidates[best];
}

Result<CsvReader> CsvReader::Open(const std::string& path, const CsvOptions& options) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int err = errno;
    std::string message = path + ": cannot open: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(std::move(message))
                         : Status::IOError(std::move(message));
  }
  std::string bytes;
  std::error_code ec;
  const auto size_hint = std::filesystem::file_size(path, ec);
  if (!ec && size_hint > 0) {
    bytes.reserve(static_cast<size_t>(size_hint) + 1);
    // One fault per 2 MiB instead of per 4 KiB while the file is read in.
    AdviseHugePages(bytes.data(), bytes.capacity());
  }
  constexpr size_t kBlock = 1 << 20;
  for (;;) {
    const size_t old_size = bytes.size();
    const size_t want = std::max(kBlock, bytes.capacity() - old_size);
    bytes.resize(old_size + want);
    const size_t got = std::fread(bytes.data() + old_size, 1, want, file.get());
    bytes.resize(old_size + got);
    if (got < want) break;
  }
  if (std::ferror(file.get())) {
    return Status::IOError(path + ": cannot read: " + std::strerror(errno));
  }
  return FromBuffer(std::move(bytes), path, options);
}

Result<CsvReader> CsvReader::FromBuffer(std::string bytes, std::string display_name,
                                        const CsvOptions& options) {
  CsvReader reader;
  reader.display_name_ = std::move(display_name);
  VL_RETURN_IF_ERROR(reader.Init(std::move(bytes), options));
  return reader;
}

Status CsvReader::Init(std::string bytes, const CsvOptions& options) {
  const char d = options.delimiter;
  if (d == '"' || d == '\n' || d == '\r' || static_cast<unsigned char>(d) >= 0x80) {
    return Status::InvalidArgument(display_name_ +
                                   ": the delimiter must be an ASCII character other than a "
                                   "quote or a line end");
  }
  if (options.max_field_bytes < 1) {
    return Status::InvalidArgument(display_name_ + ": max_field_bytes must be positive");
  }
  max_field_bytes_ = options.max_field_bytes;
  input_bytes_ = static_cast<int64_t>(bytes.size());
  if (bytes.empty()) return Status::ParseError(display_name_ + ": empty file");

  VL_ASSIGN_OR_RETURN(DecodedText text, DecodeToUtf8(std::move(bytes), options.encoding));
  data_ = std::move(text.utf8);
  invalid_offsets_ = std::move(text.invalid_offsets);
  encoding_ = text.encoding;
  for (const char *p = data_.data(), *end = p + data_.size();
       (p = static_cast<const char*>(std::memchr(p, '\0', static_cast<size_t>(end - p)))) !=
       nullptr;
       ++p) {
    nul_offsets_.push_back(p - data_.data());
  }
  delimiter_ = d != 0 ? d : SniffDelimiter(data_);

  if (!SkipBlankLines()) {
    return Status::ParseError(display_name_ + ": no header line (the file holds only " +
                              (data_.empty() ? "a byte order mark)" : "blank lines)"));
  }
  CsvRow header_row;
  ParseRecord(header_row);
  header_line_ = header_row.line;
  if (header_row.error != CsvRowError::kNone) {
    return Status::ParseError(display_name_ + ":" + std::to_string(header_row.line) +
                              ": malformed header: " + header_row.error_message);
  }
  header_.reserve(header_row.fields.size());
  for (std::string_view name : header_row.fields) header_.emplace_back(TrimBlanks(name));
  return Status::OK();
}

bool CsvReader::SkipBlankLines() {
  const int64_t size = static_cast<int64_t>(data_.size());
  while (pos_ < size) {
    const char c = data_[static_cast<size_t>(pos_)];
    if (c == '\n') {
      ++pos_;
    } else if (c == '\r') {
      ++pos_;
      if (pos_ < size && data_[static_cast<size_t>(pos_)] == '\n') ++pos_;
    } else {
      return true;
    }
    ++line_;
  }
  return false;
}

std::string CsvReader::FieldLabel(int field) const {
  std::string label = "field " + std::to_string(field + 1);
  if (field >= 0 && static_cast<size_t>(field) < header_.size()) {
    label += " (\"" + header_[static_cast<size_t>(field)] + "\")";
  }
  return label;
}

void CsvReader::Flag(CsvRow& row, CsvRowError error, int field, std::string message) const {
  if (Severity(error) <= Severity(row.error)) return;
  row.error = error;
  row.error_field = field;
  row.error_message = std::move(message);
}

void CsvReader::ParseRecord(CsvRow& row) {
  const char* const base = data_.data();
  const char* const end = base + data_.size();
  const char delim = delimiter_;
  const char* p = base + pos_;
  row.fields.clear();
  row.error = CsvRowError::kNone;
  row.error_field = -1;
  row.error_message.clear();
  row.line = line_;
  field_begins_.clear();
  scratch_.clear();
  scratch_fields_.clear();

  const char* const record = p;
  const char* record_end = end;
  int64_t inner_breaks = 0;  // line breaks inside quoted fields
  for (;;) {
    const int field_idx = static_cast<int>(row.fields.size());
    if (p < end && *p == '"') {
      const char* const content = p + 1;
      const char* close = nullptr;
      bool escaped = false;
      for (const char* q = content; q < end;) {
        q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
        if (q == nullptr) break;
        if (q + 1 < end && q[1] == '"') {
          escaped = true;
          q += 2;
          continue;
        }
        close = q;
        break;
      }
      int64_t breaks = 0;
      bool clean_close = false;
      bool unbalanced = close == nullptr;
      if (!unbalanced) {
        breaks = CountLineBreaks(content, close);
        const char* after = close + 1;
        clean_close = after == end || *after == delim || *after == '\n' || *after == '\r';
        // A quoted field that runs over lines and then does not end cleanly
        // (or runs on and on) is far more likely a stray quote paired with a
        // later row's quote than real data: do not let it swallow those rows.
        if (breaks > 0 && (!clean_close || close - content > max_field_bytes_)) unbalanced = true;
      }
      if (unbalanced) {
        const char* eol = FindLineEnd(content, end);
        field_begins_.push_back(content - base);
        row.fields.emplace_back(content, static_cast<size_t>(eol - content));
        Flag(row, CsvRowError::kUnbalancedQuote, field_idx,
             "the quote opening " + FieldLabel(field_idx) +
                 " is never closed; the record ends at the end of its line");
        record_end = eol;
        break;
      }
      inner_breaks += breaks;
      field_begins_.push_back(content - base);
      p = close + 1;
      if (!escaped && clean_close) {
        row.fields.emplace_back(content, static_cast<size_t>(close - content));
      } else {
        // Doubled quotes or trailing text: build the value in scratch_; the
        // view is made once the record is complete, as scratch_ may move.
        const size_t offset = scratch_.size();
        for (const char* q = content; q < close; ++q) {
          scratch_.push_back(*q);
          if (*q == '"') ++q;  // the second quote of a doubled pair
        }
        if (!clean_close) {
          const char* tail_end = ScanUnquoted(p, end, delim);
          scratch_.append(p, static_cast<size_t>(tail_end - p));
          p = tail_end;
          Flag(row, CsvRowError::kUnbalancedQuote, field_idx,
               "text follows the closing quote of " + FieldLabel(field_idx));
        }
        scratch_fields_.push_back({field_idx, {offset, scratch_.size() - offset}});
        row.fields.emplace_back();
      }
    } else {
      const char* const field_begin = p;
      p = ScanUnquoted(p, end, delim);
      field_begins_.push_back(field_begin - base);
      row.fields.emplace_back(field_begin, static_cast<size_t>(p - field_begin));
    }
    if (p == end) {
      record_end = end;
      break;
    }
    if (*p == delim) {
      ++p;
      continue;
    }
    record_end = p;  // LF or CR
    break;
  }

  // Consume the line end.
  const char* next = record_end;
  int64_t breaks_after = 0;
  if (next < end) {
    if (*next == '\r' && next + 1 < end && next[1] == '\n') {
      next += 2;
    } else {
      ++next;
    }
    breaks_after = 1;
  }
  pos_ = next - base;
  line_ += inner_breaks + breaks_after;
  row.raw = std::string_view(record, static_cast<size_t>(record_end - record));

  for (const auto& [field_idx, span] : scratch_fields_) {
    row.fields[static_cast<size_t>(field_idx)] =
        std::string_view(scratch_).substr(span.first, span.second);
  }
  for (size_t field_idx = 0; field_idx < row.fields.size(); ++field_idx) {
    const auto len = static_cast<int64_t>(row.fields[field_idx].size());
    if (len > max_field_bytes_) {
      Flag(row, CsvRowError::kFieldTooLong, static_cast<int>(field_idx),
           FieldLabel(static_cast<int>(field_idx)) + " is " + std::to_string(len) +
               " bytes long, over the limit of " + std::to_string(max_field_bytes_));
      break;
    }
  }

  // Undecodable input and NUL bytes were located once for the whole buffer;
  // here only a cursor moves.
  const int64_t begin_off = record - base;
  const int64_t end_off = record_end - base;
  auto field_of = [&](int64_t offset) {
    const auto it = std::upper_bound(field_begins_.begin(), field_begins_.end(), offset);
    return std::max(0, static_cast<int>(it - field_begins_.begin()) - 1);
  };
  if (const int64_t bad = FirstIn(invalid_offsets_, invalid_idx_, begin_off, end_off); bad >= 0) {
    const int field = field_of(bad);
    Flag(row, CsvRowError::kInvalidEncoding, field,
         FieldLabel(field) + " holds bytes that are not valid " +
             std::string(EncodingName(encoding_)));
  }
  if (const int64_t nul = FirstIn(nul_offsets_, nul_idx_, begin_off, end_off); nul >= 0) {
    const int field = field_of(nul);
    Flag(row, CsvRowError::kNulByte, field, FieldLabel(field) + " contains a NUL byte");
  }
}

bool CsvReader::Next(CsvRow& row) {
  if (!SkipBlankLines()) return false;
  ParseRecord(row);
  ++records_read_;
  if (row.fields.size() != header_.size()) {
    Flag(row, CsvRowError::kWrongFieldCount, -1,
         "expected " + std::to_string(header_.size()) + " fields, found " +
             std::to_string(row.fields.size()));
  }
  return true;
}

}  // namespace vitalink::ingest
