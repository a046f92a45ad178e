// Chinese resident identity numbers (GB 11643-1999).
//
// An 18-character ID is: 6-digit GB/T 2260 area code, 8-digit birth date
// YYYYMMDD, 3-digit sequence (odd = male, even = female) and a check character
// from ISO 7064 MOD 11-2 (0-9 or X). Old 15-digit IDs have a 2-digit year and
// no check digit; they upgrade to 18 by inserting "19" and appending the check.
//
//   auto info = ParseCitizenId("11010519491231002X");
//   if (info.status == IdStatus::kValid) use(info.birth_days, info.sex);
//   std::string id18 = UpgradeId15("110105491231002").value();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vitalink {

enum class IdStatus {
  kValid,
  kWrongLength,    // neither 15 nor 18 characters
  kBadCharacter,   // a non-digit where a digit is required
  kBadDate,        // the birth-date part is not a real date
  kBadChecksum,    // ISO 7064 MOD 11-2 check character does not match
};

/// Return the stable name of an IdStatus ("bad_checksum").
std::string_view IdStatusName(IdStatus s);

struct CitizenIdInfo {
  IdStatus status = IdStatus::kWrongLength;
  int32_t area_code = 0;   // first six digits, when they are digits
  int32_t birth_days = 0;  // days since 1970-01-01, when status >= kBadChecksum
  int sex = 0;             // 1 male, 2 female (GB/T 2261.1), 0 unknown
};

/// Return the ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') for the
/// first 17 characters of `id17`, or '\0' when one of them is not a digit.
char CitizenIdCheckChar(std::string_view id17);

/// Parse and validate an 18- or 15-character ID (already upper-cased and trimmed).
/// 15-character IDs are validated for digits and date only (they carry no check).
CitizenIdInfo ParseCitizenId(std::string_view id);

/// Return the 18-character form of a valid 15-digit ID (19xx birth years).
std::optional<std::string> UpgradeId15(std::string_view id15);

/// Return an 18-character ID built from parts, with its check character.
/// `sequence` is 0..999; its parity must agree with the intended sex.
std::string MakeCitizenId(int32_t area_code, int32_t birth_days, int sequence);

}  // namespace vitalink
