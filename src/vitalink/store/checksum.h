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

/// Return a RunInput for the file at `path`: `name`, `path`, its checksum and its size in
/// bytes, read in one pass. Errors as FileChecksum.
Result<RunInput> DescribeInput(std::string_view name, const std::string& path);

}  // namespace vitalink::store
