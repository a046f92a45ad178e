// File helpers: whole-file reads and atomic writes.
//
// Outputs are written to a temporary file beside the target and renamed into
// place, so an interrupted run leaves the previous results intact.
//
//   AtomicFile out;
//   VL_RETURN_IF_ERROR(out.Open(dir + "/summary.json"));
//   out.Write(text);
//   VL_RETURN_IF_ERROR(out.Commit());   // rename; without Commit the temp file is removed
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "vitalink/common/status.h"

namespace vitalink {

/// Return the whole content of `path`, or NotFound / IOError naming the path.
Result<std::string> ReadFile(const std::string& path);

/// Write `content` to `path` atomically (temp file + rename).
Status WriteFileAtomic(const std::string& path, std::string_view content);

/// Create `dir` and its parents if needed.
Status EnsureDirectory(const std::string& dir);

/// A buffered output file that appears at its path only on Commit().
class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  ~AtomicFile();

  Status Open(const std::string& path);
  /// Append bytes (buffered). Errors surface at Commit().
  void Write(std::string_view bytes);
  /// Flush, fsync-free close and rename into place.
  Status Commit();
  const std::string& path() const { return path_; }

 private:
  void Abandon();
  std::string path_;
  std::string tmp_path_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
};

}  // namespace vitalink
