#include "vitalink/common/citizen_id.h"

#include <cstdio>

#include "vitalink/common/date.h"

namespace vitalink {
namespace {

// Weights 2^(17-i) mod 11 for positions i = 0..16 (ISO 7064 MOD 11-2).
constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheckChars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ParseDigits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::string_view IdStatusName(IdStatus s) {
  switch (s) {
    case IdStatus::kValid: return "valid";
    case IdStatus::kWrongLength: return "wrong_length";
    case IdStatus::kBadCharacter: return "bad_character";
    case IdStatus::kBadDate: return "bad_date";
    case IdStatus::kBadChecksum: return "bad_checksum";
  }
  return "unknown";
}

char CitizenIdCheckChar(std::string_view id17) {
  if (id17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const char c = id17[i];
    if (c < '0' || c > '9') return '\0';
    sum += (c - '0') * kWeights[i];
  }
  return kCheckChars[sum % 11];
}

CitizenIdInfo ParseCitizenId(std::string_view id) {
  CitizenIdInfo info;
  if (id.size() != 18 && id.size() != 15) return info;
  const bool is18 = id.size() == 18;
  const std::string_view body = is18 ? id.substr(0, 17) : id;
  if (!AllDigits(body) || (is18 && !(AllDigits(id.substr(17)) || id[17] == 'X'))) {
    info.status = IdStatus::kBadCharacter;
    return info;
  }
  info.area_code = ParseDigits(id.substr(0, 6));
  int year, month, day, seq;
  if (is18) {
    year = ParseDigits(id.substr(6, 4));
    month = ParseDigits(id.substr(10, 2));
    day = ParseDigits(id.substr(12, 2));
    seq = ParseDigits(id.substr(14, 3));
  } else {
    year = 1900 + ParseDigits(id.substr(6, 2));
    month = ParseDigits(id.substr(8, 2));
    day = ParseDigits(id.substr(10, 2));
    seq = ParseDigits(id.substr(12, 3));
  }
  info.sex = seq % 2 == 1 ? 1 : 2;
  if (year < 1850 || !IsValidCivil(year, month, day)) {
    info.status = IdStatus::kBadDate;
    return info;
  }
  info.birth_days = DaysFromCivil({year, month, day});
  if (is18 && CitizenIdCheckChar(id) != id[17]) {
    info.status = IdStatus::kBadChecksum;
    return info;
  }
  info.status = IdStatus::kValid;
  return info;
}

std::optional<std::string> UpgradeId15(std::string_view id15) {
  if (id15.size() != 15) return std::nullopt;
  if (ParseCitizenId(id15).status != IdStatus::kValid) return std::nullopt;
  std::string out;
  out.reserve(18);
  out.append(id15.substr(0, 6));
  out.append("19");
  out.append(id15.substr(6));
  out.push_back(CitizenIdCheckChar(out));
  return out;
}

std::string MakeCitizenId(int32_t area_code, int32_t birth_days, int sequence) {
  const CivilDate c = CivilFromDays(birth_days);
  char buf[64];  // roomy: the compiler cannot see that the parts are bounded
  std::snprintf(buf, sizeof buf, "%06d%04d%02d%02d%03d", area_code % 1000000, c.year % 10000,
                c.month, c.day, sequence % 1000);
  std::string out(buf, 17);
  out.push_back(CitizenIdCheckChar(out));
  return out;
}

}  // namespace vitalink
