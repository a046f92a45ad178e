#include "vitalink/synth/errors.h"

#include <algorithm>

#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"

namespace vitalink::synth {

ErrorRates ErrorRates::Scaled(double factor) const {
  ErrorRates out = *this;
  for (const ErrorKindInfo& info : ErrorKinds()) {
    out.*info.rate = std::clamp(this->*info.rate * factor, 0.0, 1.0);
  }
  return out;
}

const std::array<ErrorKindInfo, kErrorKindCount>& ErrorKinds() {
  using K = ErrorKind;
  using R = ErrorRates;
  static const std::array<ErrorKindInfo, kErrorKindCount> kKinds = {{
      {K::kTypo, "name_typo", "typo", &R::name_typo},
      {K::kHomophone, "name_homophone", "homophone", &R::name_homophone},
      {K::kTraditional, "name_traditional", "traditional", &R::name_traditional},
      {K::kIdDigit, "id_digit", "digit", &R::id_digit},
      {K::kIdTranspose, "id_transpose", "transpose", &R::id_transpose},
      {K::kIdFullwidth, "id_fullwidth", "fullwidth", &R::id_fullwidth},
      {K::kIdLowerX, "id_lower_x", "lower_x", &R::id_lower_x},
      {K::kIdOld15, "id_old15", "old15", &R::id_old15},
      {K::kDayMonthSwap, "date_day_month_swap", "day_month_swap", &R::date_day_month_swap},
      {K::kImpossibleDate, "date_impossible", "impossible", &R::date_impossible},
      {K::kDateFormat, "date_format", "format", &R::date_format},
      {K::kSexCodeFormat, "sex_code_format", "code_format", &R::sex_code_format},
      {K::kSexFlip, "sex_flip", "flip", &R::sex_flip},
      {K::kWrongVillage, "area_wrong_village", "wrong_village", &R::area_wrong_village},
      {K::kCoarseArea, "area_coarse", "coarse", &R::area_coarse},
      {K::kMissing, "missing", "missing", &R::missing},
      {K::kRegisterDuplicate, "register_duplicate", "duplicate", &R::register_duplicate},
      {K::kBirthsDuplicate, "births_duplicate", "duplicate", &R::births_duplicate},
      {K::kBirthUnregistered, "birth_unregistered", "", &R::birth_unregistered},
      {K::kBirthUnreported, "birth_unreported", "", &R::birth_unreported},
      {K::kMigrantUnregistered, "migrant_unregistered", "", &R::migrant_unregistered},
      {K::kMigrantDoubleRegistered, "migrant_double_registered", "", &R::migrant_double_registered},
      {K::kSurveyNonresponse, "survey_nonresponse", "", &R::survey_nonresponse},
      {K::kSurveyOmission, "survey_omission", "", &R::survey_omission},
  }};
  return kKinds;
}

namespace {

void AppendInt(int value, int width, std::string& out) {
  char buf[16];
  int n = 0;
  auto v = static_cast<unsigned>(value < 0 ? -value : value);
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width) buf[n++] = '0';
  if (value < 0) out.push_back('-');
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace

void AppendDate(int year, int month, int day, DateFormat format, std::string& out) {
  switch (format) {
    case DateFormat::kIso:
      AppendInt(year, 4, out);
      out.push_back('-');
      AppendInt(month, 2, out);
      out.push_back('-');
      AppendInt(day, 2, out);
      break;
    case DateFormat::kSlash:
      AppendInt(year, 4, out);
      out.push_back('/');
      AppendInt(month, 1, out);
      out.push_back('/');
      AppendInt(day, 1, out);
      break;
    case DateFormat::kCompact:
      AppendInt(year, 4, out);
      AppendInt(month, 2, out);
      AppendInt(day, 2, out);
      break;
    case DateFormat::kChinese:
      AppendInt(year, 4, out);
      out += "年";
      AppendInt(month, 1, out);
      out += "月";
      AppendInt(day, 1, out);
      out += "日";
      break;
  }
}

void AppendSex(int sex, SexFormat format, std::string& out) {
  const bool male = sex == 1;
  switch (format) {
    case SexFormat::kChinese: out += male ? "男" : "女"; break;
    case SexFormat::kDigit: out += male ? "1" : "2"; break;
    case SexFormat::kLetter: out += male ? "M" : "F"; break;
  }
}

void ErrorInjector::Note(std::string_view field, std::string_view kind) {
  if (!errors_.empty()) errors_.push_back(';');
  errors_.append(field);
  errors_.push_back(':');
  errors_.append(kind);
}

bool ErrorInjector::Decide(ErrorKind kind, double p) {
  ErrorTally& t = (*tallies_)[static_cast<size_t>(kind)];
  ++t.eligible;
  t.expected += p;
  const bool hit = rng_.Bernoulli(p);
  if (hit) ++t.injected;
  return hit;
}

bool ErrorInjector::Missing(std::string_view field, std::string& out) {
  if (!Decide(ErrorKind::kMissing)) return false;
  out.clear();
  Note(field, "missing");
  return true;
}

void ErrorInjector::Name(std::string_view field, std::string_view truth, std::string& out) {
  out.assign(truth);
  if (truth.empty() || Missing(field, out)) return;
  if (Decide(ErrorKind::kTypo)) {
    names_.ReplaceTypo(rng_, out);
    Note(field, "typo");
  }
  if (names_.HasHomophone(out) && Decide(ErrorKind::kHomophone)) {
    names_.ReplaceHomophone(rng_, out);
    Note(field, "homophone");
  }
  if (names_.HasTraditional(out) && Decide(ErrorKind::kTraditional)) {
    names_.ToTraditional(out);
    Note(field, "traditional");
  }
}

void ErrorInjector::Id(std::string_view field, std::string_view truth, int birth_year,
                       std::string& out) {
  out.assign(truth);
  if (truth.size() != 18 || Missing(field, out)) return;
  if (birth_year < 1960 && Decide(ErrorKind::kIdOld15)) {
    out = std::string(truth.substr(0, 6)) + std::string(truth.substr(8, 9));
    Note(field, "old15");
  }
  const size_t digits = out.size() == 18 ? 17 : out.size();
  if (Decide(ErrorKind::kIdDigit)) {
    const size_t at = rng_.Uniform(digits);
    const char old = out[at];
    char repl;
    do {
      repl = static_cast<char>('0' + rng_.Uniform(10));
    } while (repl == old);
    out[at] = repl;
    Note(field, "digit");
  }
  // A pair of equal neighbours would swap to the same ID: only pairs that differ count.
  size_t pairs[18];
  size_t n = 0;
  for (size_t pos = 0; pos + 1 < digits; ++pos) {
    if (out[pos] != out[pos + 1]) pairs[n++] = pos;
  }
  if (n > 0 && Decide(ErrorKind::kIdTranspose)) {
    const size_t at = pairs[rng_.Uniform(n)];
    std::swap(out[at], out[at + 1]);
    Note(field, "transpose");
  }
  if (out.size() == 18 && out[17] == 'X' && Decide(ErrorKind::kIdLowerX)) {
    out[17] = 'x';
    Note(field, "lower_x");
  }
  if (Decide(ErrorKind::kIdFullwidth)) {
    std::string wide;
    for (char c : out) {
      if (c >= '0' && c <= '9') {
        AppendUtf8(static_cast<char32_t>(0xFF10 + (c - '0')), wide);
      } else {
        wide.push_back(c);
      }
    }
    out = std::move(wide);
    Note(field, "fullwidth");
  }
}

void ErrorInjector::Date(std::string_view field, int32_t days, DateFormat primary,
                         std::string& out) {
  out.clear();
  if (Missing(field, out)) return;
  CivilDate c = CivilFromDays(days);
  if (DaysInMonth(c.year, c.month) < 31 && Decide(ErrorKind::kImpossibleDate)) {
    c.day = DaysInMonth(c.year, c.month) + 1 +
            static_cast<int>(rng_.Uniform(static_cast<uint64_t>(31 - DaysInMonth(c.year, c.month))));
    Note(field, "impossible");
  } else if (c.day <= 12 && c.day != c.month && Decide(ErrorKind::kDayMonthSwap)) {
    std::swap(c.day, c.month);
    Note(field, "day_month_swap");
  }
  DateFormat format = primary;
  if (Decide(ErrorKind::kDateFormat)) {
    format = static_cast<DateFormat>((static_cast<int>(primary) + 1 + static_cast<int>(rng_.Uniform(3))) % 4);
    Note(field, "format");
  }
  AppendDate(c.year, c.month, c.day, format, out);
}

void ErrorInjector::Sex(std::string_view field, int sex, SexFormat primary, std::string& out) {
  out.clear();
  if (Missing(field, out)) return;
  if (Decide(ErrorKind::kSexFlip)) {
    sex = 3 - sex;
    Note(field, "flip");
  }
  SexFormat format = primary;
  if (Decide(ErrorKind::kSexCodeFormat)) {
    format = static_cast<SexFormat>((static_cast<int>(primary) + 1 + static_cast<int>(rng_.Uniform(2))) % 3);
    Note(field, "code_format");
  }
  AppendSex(sex, format, out);
}

void ErrorInjector::Area(std::string_view field, std::string_view truth,
                         std::span<const std::string> township_villages, bool allow_coarse,
                         std::string& out) {
  out.assign(truth);
  if (Missing(field, out)) return;
  if (township_villages.size() >= 2 && Decide(ErrorKind::kWrongVillage)) {
    std::string_view other;
    do {
      other = township_villages[rng_.Uniform(township_villages.size())];
    } while (other == truth);
    out.assign(other);
    Note(field, "wrong_village");
    return;
  }
  if (allow_coarse && truth.size() == 12 && Decide(ErrorKind::kCoarseArea)) {
    out.assign(truth.substr(0, 9));
    Note(field, "coarse");
  }
}

void ErrorInjector::Plain(std::string_view field, std::string_view truth, std::string& out) {
  out.assign(truth);
  if (!truth.empty()) Missing(field, out);
}

}  // namespace vitalink::synth
