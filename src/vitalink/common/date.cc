#include "vitalink/common/date.h"

#include <cstdio>
#include <ctime>

namespace vitalink {

std::string FormatDate(int32_t days) {
  const CivilDate c = CivilFromDays(days);
  char buf[48];  // roomy: the compiler cannot bound the parts
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::optional<int32_t> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part) {
    for (int i = 0; i < lens[part]; ++i) {
      const char ch = s[static_cast<size_t>(starts[part] + i)];
      if (ch < '0' || ch > '9') return std::nullopt;
      v[part] = v[part] * 10 + (ch - '0');
    }
  }
  if (!IsValidCivil(v[0], v[1], v[2])) return std::nullopt;
  return DaysFromCivil({v[0], v[1], v[2]});
}

std::string UtcNowIso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace vitalink
