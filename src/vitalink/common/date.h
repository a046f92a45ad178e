// Civil dates as days since 1970-01-01 (proleptic Gregorian), the canonical
// date type of vitalink tables.
//
//   int32_t d = DaysFromCivil({2011, 1, 13});
//   CivilDate c = CivilFromDays(d);          // {2011, 1, 13}
//   std::string s = FormatDate(d);            // "2011-01-13"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vitalink {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

/// Return true for a Gregorian leap year.
constexpr bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Return the number of days in month `m` (1..12) of year `y`.
constexpr int DaysInMonth(int y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

/// Return true when year/month/day names a real calendar day.
constexpr bool IsValidCivil(int y, int m, int d) {
  return m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

/// Return days since 1970-01-01 (H. Hinnant's days_from_civil algorithm).
constexpr int32_t DaysFromCivil(CivilDate c) {
  int y = c.year - (c.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = c.month + (c.month > 2 ? -3 : 9);
  const int doy = (153 * mp + 2) / 5 + c.day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// Return the civil date of a day count (inverse of DaysFromCivil).
constexpr CivilDate CivilFromDays(int32_t z32) {
  int z = z32 + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  return {y + (m <= 2 ? 1 : 0), m, d};
}

/// Return "YYYY-MM-DD".
std::string FormatDate(int32_t days);

/// Parse exactly "YYYY-MM-DD" (the canonical form); nullopt when malformed or impossible.
std::optional<int32_t> ParseIsoDate(std::string_view s);

/// Return the current time in UTC as ISO 8601, "YYYY-MM-DDTHH:MM:SSZ" (run and decision
/// timestamps; the only function here that reads the clock).
std::string UtcNowIso8601();

}  // namespace vitalink
