// The store's schema as an ordered list of migrations (docs/STORE.md).
//
// Migration N turns a version N-1 file into a version N file. Released migrations are
// never edited: a change to the schema is a new migration appended here, with
// kSchemaVersion raised to match.
#pragma once

#include <cstdint>
#include <span>

namespace vitalink::store::internal {

/// "VLK1" as a big-endian int: written to the SQLite header (PRAGMA application_id) so
/// tools like `file` recognize a project store and Open refuses other programs' databases.
inline constexpr int32_t kApplicationId = 0x564C4B31;

struct Migration {
  int version;
  const char* description;
  const char* sql;  // constant DDL, run with sqlite3_exec; never holds data
};

/// Return the migrations in version order, from 1 to kSchemaVersion.
std::span<const Migration> Migrations();

}  // namespace vitalink::store::internal
