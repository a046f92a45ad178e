// Checksums for run records: which config and which input files a run used.
//
// XXH3-128 (xxHash) rather than SHA-256: inputs are registers of a few hundred
// megabytes read at every run, and the digest only has to notice that a file
// changed, not resist an attacker. The hex text is the canonical big-endian
// form, the one `xxhsum -H2` prints.
//
//   VL_ASSIGN_OR_RETURN(std::string sum, store::FileChecksum("county/births.csv"));
//   std::string config_hash = store::TextChecksum(config_text);
//   VL_ASSIGN_OR_RETURN(store::RunInput input, store::DescribeInput("births", path));
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vitalink/common/status.h"
#include "vitalink/store/store.h"

namespace vitalink::store {

/// Return the lower-case hex XXH3-128 of the bytes of the file at `path` (32 characters).
/// Reads the file in 1 MiB chunks, so memory stays constant whatever its size.
/// Errors: NotFound or IOError naming `path`. Thread-safe.
Result<std::string> FileChecksum(const std::string& path);

/// Return the lower-case hex XXH3-128 of `text` (32 characters); equal to FileChecksum of a
/// file holding exactly these bytes. Thread-safe.
std::string TextChecksum(std::string_view text);

/// An order-independent digest of rows (a multiset hash), for inputs without a file to
/// checksum (a database table): each row is hashed with XXH3-128 over its fields, each
/// field prefixed by its length so field borders cannot shift, and the row hashes are
/// summed mod 2^128 onto the header's. The same rows in any order give the same value;
/// a changed value, a lost or an added row another.
///
///   store::RowsDigest d(header);
///   for (...) d.AddRow(fields);        // any range of string_view-convertible fields
///   RunInput in{name, location, d.Hex(), d.bytes()};
class RowsDigest {
 public:
  explicit RowsDigest(std::span<const std::string> header);
  void AddRow(std::span<const std::string_view> fields);
  /// 32 lower-case hex digits, the canonical big-endian form as FileChecksum.
  std::string Hex() const;
  /// Bytes of the field values added (not of the header).
  int64_t bytes() const { return bytes_; }

 private:
  void Add(uint64_t low, uint64_t high);
  std::string buffer_;
  uint64_t low_ = 0, high_ = 0;
  int64_t bytes_ = 0;
};

/// Return a RunInput for the file at `path`: `name`, `path`, its checksum and its size in
/// bytes, read in one pass. Errors as FileChecksum.
Result<RunInput> DescribeInput(std::string_view name, const std::string& path);

}  // namespace vitalink::store
