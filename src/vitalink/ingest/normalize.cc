#include "vitalink/ingest/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>

#include <array>
#include <cstdio>
#include <exception>
#include <utility>

#include <opencc/SimpleConverter.hpp>

#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"

namespace vitalink::ingest {
namespace {

constexpr char32_t kDot = 0x00B7;

bool IsAsciiSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool IsWhiteSpace(char32_t cp) {
  if (cp < 0x80) return IsAsciiSpace(cp);
  return u_isUWhiteSpace(static_cast<UChar32>(cp)) != 0;
}

// Control and format characters (zero-width space, ZWJ, BOM, bidi marks, soft
// hyphen) are invisible: keeping them would make equal-looking values differ.
bool IsDropped(char32_t cp) {
  if (cp < 0x80) return cp < 0x20 || cp == 0x7F;
  const int8_t type = u_charType(static_cast<UChar32>(cp));
  return type == U_CONTROL_CHAR || type == U_FORMAT_CHAR;
}

// Return the first non-white-space code point at or after `pos`, or 0.
char32_t PeekSkippingSpace(std::string_view s, size_t pos) {
  char32_t cp = 0;
  while (NextCodePoint(s, pos, cp)) {
    if (!IsWhiteSpace(cp)) return cp;
  }
  return 0;
}

// The ASCII half of NormalizeText: collapse and trim white space, drop controls.
std::string CleanAscii(std::string_view s) {
  // Most values (codes, numbers) have nothing to clean: copy them whole.
  bool clean = true;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    clean = clean && u > 0x20 && u != 0x7F;
  }
  if (clean) return std::string(s);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (IsAsciiSpace(u)) {
      pending_space = !out.empty();
      continue;
    }
    if (u < 0x20 || u == 0x7F) continue;
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(c);
  }
  return out;
}

std::string_view TrimAsciiSpace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const icu::Normalizer2& Nfkc() {
  static const icu::Normalizer2* const nfkc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    VL_CHECK(U_SUCCESS(status) && n != nullptr);  // ICU data is linked in
    return n;
  }();
  return *nfkc;
}

// Return `s` in NFKC; `s` must be well-formed UTF-8.
std::string ToNfkc(std::string_view s) {
  const icu::Normalizer2& nfkc = Nfkc();
  const icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
  UErrorCode status = U_ZERO_ERROR;
  if (nfkc.isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  icu::StringByteSink<std::string> sink(&out);
  status = U_ZERO_ERROR;
  nfkc.normalizeUTF8(0, piece, sink, nullptr, status);
  VL_CHECK(U_SUCCESS(status));  // only fails on ill-formed input, repaired by the caller
  return out;
}

// Return `s` with every ill-formed byte replaced by U+FFFD.
std::string RepairUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  size_t pos = 0;
  char32_t cp = 0;
  while (NextCodePoint(s, pos, cp)) AppendUtf8(cp, out);
  return out;
}

// The non-ASCII half of NormalizeText, after NFKC.
std::string CleanUnicode(std::string_view s, bool* dropped_format) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  char32_t last = 0;  // last code point written
  size_t pos = 0;
  char32_t cp = 0;
  while (NextCodePoint(s, pos, cp)) {
    if (IsWhiteSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (IsDropped(cp)) {
      *dropped_format |= cp >= 0x80;
      continue;
    }
    if (IsMiddleDotVariant(cp)) {
      cp = kDot;
    } else if (cp == '.' && IsHanCodePoint(last) && IsHanCodePoint(PeekSkippingSpace(s, pos))) {
      cp = kDot;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    AppendUtf8(cp, out);
    last = cp;
  }
  return out;
}

}  // namespace

bool IsHanCodePoint(char32_t cp) {
  if (cp < 0x3007) return false;
  return cp == 0x3007 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x323AF);
}

bool IsMiddleDotVariant(char32_t cp) {
  switch (cp) {
    case 0x00B7:  // · middle dot (GB 2312 A1A4)
    case 0x0387:  // Greek ano teleia
    case 0x2022:  // • bullet
    case 0x2027:  // ‧ hyphenation point (Big5 A150)
    case 0x2219:  // ∙ bullet operator
    case 0x22C5:  // ⋅ dot operator
    case 0x2E31:  // word separator middle dot
    case 0x30FB:  // ・ katakana middle dot
    case 0x318D:  // ㆍ Hangul letter araea
    case 0xA78F:  // Latin letter sinological dot
    case 0xFF65:  // ･ half-width katakana middle dot
      return true;
    default:
      return false;
  }
}

std::string NormalizeText(std::string_view s) {
  if (IsAscii(s)) return CleanAscii(s);
  std::string repaired;
  if (FindInvalidUtf8(s) != std::string_view::npos) {
    repaired = RepairUtf8(s);
    s = repaired;
  }
  bool dropped_format = false;
  std::string out = CleanUnicode(ToNfkc(s), &dropped_format);
  // Removing a format character can bring a base and a combining mark together
  // ("e\u200B\u0301"): normalize again in that rare case.
  if (dropped_format) out = ToNfkc(out);
  return out;
}

// ---------------------------------------------------------------------------
// Names

namespace {

// Standard characters of the 通用规范汉字表 (2013) that OpenCC's t2s rewrites.
constexpr std::array<char32_t, 4> kProtectedFromT2s = {U'乾', U'於', U'昇', U'吒'};

bool IsProtectedFromT2s(char32_t cp) {
  for (const char32_t p : kProtectedFromT2s) {
    if (cp == p) return true;
  }
  return false;
}

bool IsHanOrDot(char32_t cp) { return cp == kDot || IsHanCodePoint(cp); }

}  // namespace

NameNormalizer::NameNormalizer(std::shared_ptr<const opencc::SimpleConverter> t2s)
    : t2s_(std::move(t2s)) {}

namespace {
// The code points whose t2s behaviour is tabulated: Extension A and the URO.
constexpr char32_t kT2sTableFirst = 0x3400;
constexpr char32_t kT2sTableLast = 0x9FFF;
}  // namespace

Result<NameNormalizer> NameNormalizer::Make() {
  // OpenCC resolves a bare file name against its data directory; the absolute
  // Debian path is the fallback for a library built with another prefix.
  std::string errors;
  for (const char* config : {"t2s.json", "/usr/share/opencc/t2s.json"}) {
    try {
      auto converter = std::make_shared<const opencc::SimpleConverter>(config);
      NameNormalizer n(converter);
      // Which characters does t2s change on their own? One conversion of every
      // character in the table, one per line (newlines keep OpenCC's phrase
      // matching from joining neighbours); a mismatch in line count leaves the
      // table empty, which sends every Han name through OpenCC (always right).
      std::string all;
      for (char32_t cp = kT2sTableFirst; cp <= kT2sTableLast; ++cp) {
        AppendUtf8(cp, all);
        all.push_back('\n');
      }
      const std::string converted = converter->Convert(all);
      auto changes = std::make_shared<std::vector<bool>>();
      std::vector<bool> bits(static_cast<size_t>(kT2sTableLast - kT2sTableFirst + 1), false);
      size_t in_pos = 0, out_pos = 0;
      bool aligned = true;
      for (char32_t cp = kT2sTableFirst; cp <= kT2sTableLast && aligned; ++cp) {
        const size_t in_end = all.find('\n', in_pos);
        const size_t out_end = converted.find('\n', out_pos);
        if (out_end == std::string::npos) {
          aligned = false;
          break;
        }
        bits[static_cast<size_t>(cp - kT2sTableFirst)] =
            std::string_view(all).substr(in_pos, in_end - in_pos) !=
            std::string_view(converted).substr(out_pos, out_end - out_pos);
        in_pos = in_end + 1;
        out_pos = out_end + 1;
      }
      if (aligned) *changes = std::move(bits);
      n.t2s_changes_ = std::move(changes);
      return n;
    } catch (const std::exception& e) {
      errors += std::string(errors.empty() ? "" : "; ") + config + ": " + e.what();
    } catch (...) {
      errors += std::string(errors.empty() ? "" : "; ") + config + ": unknown error";
    }
  }
  return Status::NotFound("cannot load OpenCC traditional-to-simplified config (" + errors +
                          "); install the libopencc-data package");
}

std::string NameNormalizer::ConvertT2s(std::string_view text) const {
  // Protected characters are copied around the conversion, which runs on the
  // pieces between them (they are rare, so the common case is one call).
  std::string out;
  size_t piece_start = 0;
  size_t pos = 0;
  char32_t cp = 0;
  while (true) {
    const size_t cp_start = pos;
    const bool more = NextCodePoint(text, pos, cp);
    if (!more || IsProtectedFromT2s(cp)) {
      if (cp_start > piece_start) {
        const std::string_view piece = text.substr(piece_start, cp_start - piece_start);
        out += t2s_->Convert(piece.data(), piece.size());
      }
      if (!more) break;
      out.append(text.substr(cp_start, pos - cp_start));
      piece_start = pos;
    }
  }
  return out;
}

bool NameNormalizer::NeedsT2s(std::string_view text) const {
  const std::vector<bool>* table = t2s_changes_.get();
  size_t pos = 0;
  char32_t cp = 0;
  while (NextCodePoint(text, pos, cp)) {
    if (!IsHanCodePoint(cp)) continue;
    if (table == nullptr || table->empty() || cp < kT2sTableFirst || cp > kT2sTableLast) return true;
    if ((*table)[static_cast<size_t>(cp - kT2sTableFirst)]) return true;
  }
  return false;
}

std::string NameNormalizer::Normalize(std::string_view name) const {
  std::string text = NormalizeText(name);
  if (IsAscii(text)) return text;
  if (NeedsT2s(text)) {
    try {
      text = ConvertT2s(text);
    } catch (const std::exception&) {
      // OpenCC only throws on a broken dictionary; keep the name unconverted.
    }
  }
  std::string out;
  out.reserve(text.size());
  char32_t last = 0;
  bool pending_space = false;
  size_t pos = 0;
  char32_t cp = 0;
  while (NextCodePoint(text, pos, cp)) {
    if (cp == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (cp == kDot && (out.empty() || last == kDot)) continue;
    if (pending_space) {
      pending_space = false;
      // "张 伟" → "张伟", "阿依古丽 · 买买提" → "阿依古丽·买买提"; "Zhang Wei" keeps its space.
      if (!(IsHanOrDot(last) && IsHanOrDot(cp))) out.push_back(' ');
    }
    AppendUtf8(cp, out);
    last = cp;
  }
  if (last == kDot) out.resize(out.size() - kMiddleDot.size());
  return out;
}

// ---------------------------------------------------------------------------
// Sex codes

std::optional<int> ParseSex(std::string_view s) {
  std::string text = IsAscii(s) ? CleanAscii(s) : NormalizeText(s);
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  struct Code {
    std::string_view text;
    int sex;
  };
  static constexpr Code kCodes[] = {
      {"1", 1},      {"m", 1},        {"male", 1},       {"男", 1},         {"男性", 1},
      {"2", 2},      {"f", 2},        {"female", 2},     {"女", 2},         {"女性", 2},
      {"0", 0},      {"9", 0},        {"u", 0},          {"unknown", 0},    {"未知", 0},
      {"未说明", 0}, {"未說明", 0},   {"未知的性别", 0}, {"未说明的性别", 0}, {"不详", 0},
      {"不詳", 0},
  };
  for (const Code& code : kCodes) {
    if (text == code.text) return code.sex;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Dates

namespace {

constexpr std::string_view kMonthNames[] = {"January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December"};

// A cursor over ASCII-compatible text.
struct Scanner {
  std::string_view s;
  size_t pos = 0;

  bool AtEnd() const { return pos >= s.size(); }
  char Peek() const { return AtEnd() ? '\0' : s[pos]; }
  bool Consume(std::string_view token) {
    if (s.substr(pos, token.size()) != token) return false;
    pos += token.size();
    return true;
  }
  void SkipSpaces() {
    while (!AtEnd() && s[pos] == ' ') ++pos;
  }
  // Read between `min_len` and `max_len` digits into `value`; return the number read.
  size_t Digits(size_t max_len, int* value) {
    size_t n = 0;
    int v = 0;
    while (n < max_len && pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      v = v * 10 + (s[pos] - '0');
      ++pos;
      ++n;
    }
    *value = v;
    return n;
  }
  size_t DigitRun() const {
    size_t n = 0;
    while (pos + n < s.size() && s[pos + n] >= '0' && s[pos + n] <= '9') ++n;
    return n;
  }
};

// Check a trailing time: H[H]:MM[:SS[.fff]] then an optional Z or ±HH[:MM].
bool IsValidTime(std::string_view t) {
  Scanner sc{t};
  int hour = 0;
  int minute = 0;
  int second = 0;
  const size_t hour_len = sc.Digits(2, &hour);
  if (hour_len == 0 || sc.DigitRun() != 0 || !sc.Consume(":")) return false;
  if (sc.Digits(2, &minute) != 2) return false;
  if (sc.Consume(":")) {
    if (sc.Digits(2, &second) != 2) return false;
    if (sc.Consume(".")) {
      int frac = 0;
      if (sc.Digits(9, &frac) == 0) return false;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  sc.SkipSpaces();
  if (sc.Consume("Z")) return sc.AtEnd();
  if (sc.Peek() == '+' || sc.Peek() == '-') {
    ++sc.pos;
    int zh = 0;
    int zm = 0;
    if (sc.Digits(2, &zh) != 2) return false;
    sc.Consume(":");
    if (!sc.AtEnd() && sc.Digits(2, &zm) != 2) return false;
    if (zh > 14 || zm > 59) return false;
  }
  return sc.AtEnd();
}

DateParse Unrecognised(std::string_view text) {
  return {std::nullopt, "unrecognised date format '" + std::string(text) + "'"};
}

DateParse CheckDate(std::string_view year_text, int y, int m, int d) {
  DateParse out;
  if (y < 1000 || y > 2999) {
    out.error = "year " + std::string(year_text) + " out of range";
  } else if (m < 1 || m > 12) {
    out.error = "month " + std::to_string(m) + " out of range";
  } else if (d < 1 || d > 31) {
    out.error = "day " + std::to_string(d) + " out of range";
  } else if (!IsValidCivil(y, m, d)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "impossible date %04d-%02d-%02d (%s %d has %d days)", y, m, d,
                  kMonthNames[m - 1].data(), y, DaysInMonth(y, m));
    out.error = buf;
  } else {
    out.days = DaysFromCivil({y, m, d});
  }
  return out;
}

}  // namespace

DateParse ParseDate(std::string_view raw) {
  std::string normalized;
  std::string_view text;
  if (IsAscii(raw)) {
    text = TrimAsciiSpace(raw);
  } else {
    normalized = NormalizeText(raw);
    text = normalized;
  }
  if (text.empty()) return {std::nullopt, "empty date"};

  Scanner sc{text};
  int y = 0;
  int m = 0;
  int d = 0;
  const size_t lead = sc.DigitRun();
  if (lead == 8) {
    sc.Digits(4, &y);
    sc.Digits(2, &m);
    sc.Digits(2, &d);
  } else if (lead == 4) {
    sc.Digits(4, &y);
    const char sep = sc.Peek();
    if (sep == '-' || sep == '/' || sep == '.') {
      ++sc.pos;
      if (sc.DigitRun() > 2 || sc.Digits(2, &m) == 0) return Unrecognised(text);
      if (sc.Peek() != sep) return Unrecognised(text);
      ++sc.pos;
      if (sc.DigitRun() > 2 || sc.Digits(2, &d) == 0) return Unrecognised(text);
    } else {
      sc.SkipSpaces();
      if (!sc.Consume("年")) return Unrecognised(text);
      sc.SkipSpaces();
      if (sc.DigitRun() > 2 || sc.Digits(2, &m) == 0) return Unrecognised(text);
      sc.SkipSpaces();
      if (!sc.Consume("月")) return Unrecognised(text);
      sc.SkipSpaces();
      if (sc.DigitRun() > 2 || sc.Digits(2, &d) == 0) return Unrecognised(text);
      const size_t before_suffix = sc.pos;
      sc.SkipSpaces();
      if (!sc.Consume("日") && !sc.Consume("号")) sc.pos = before_suffix;
    }
  } else {
    return Unrecognised(text);
  }

  if (!sc.AtEnd()) {
    // Only a time may follow the date, after 'T' or white space.
    if (sc.Peek() != 'T' && sc.Peek() != ' ') return Unrecognised(text);
    ++sc.pos;
    sc.SkipSpaces();
    const std::string_view time = text.substr(sc.pos);
    if (time.empty() || time[0] < '0' || time[0] > '9') return Unrecognised(text);
    if (!IsValidTime(time)) {
      return {std::nullopt, "invalid time '" + std::string(time) + "' after the date"};
    }
  }
  return CheckDate(text.substr(0, 4), y, m, d);
}

// ---------------------------------------------------------------------------
// Citizen IDs

namespace {

bool IsHyphen(char32_t cp) {
  return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 ||
         cp == 0xFE63 || cp == 0xFF0D;
}

}  // namespace

void NormalizeCitizenIdInto(std::string_view s, std::string& out) {
  // Fast path: the common case is already 18 ASCII digits (or 17 and an X).
  if (s.size() == 18) {
    bool plain = true;
    for (size_t i = 0; i < 17 && plain; ++i) plain = s[i] >= '0' && s[i] <= '9';
    if (plain && ((s[17] >= '0' && s[17] <= '9') || s[17] == 'X')) {
      out.assign(s);
      return;
    }
  }
  std::string text;
  if (!IsAscii(s)) {
    text = NormalizeText(s);  // full-width digits and X, zero-width characters
    s = text;
  }
  out.clear();
  out.reserve(18);
  size_t pos = 0;
  char32_t cp = 0;
  while (NextCodePoint(s, pos, cp)) {
    if (IsWhiteSpace(cp) || IsHyphen(cp) || IsDropped(cp)) continue;
    if (cp == '\'' && out.empty()) continue;  // Excel's "treat as text" marker
    if (cp >= 'a' && cp <= 'z') cp = cp - 'a' + 'A';
    AppendUtf8(cp, out);
  }
  if (out.size() == 15) {
    if (std::optional<std::string> id18 = UpgradeId15(out)) out = *std::move(id18);
  }
}

std::string NormalizeCitizenId(std::string_view s) {
  std::string out;
  NormalizeCitizenIdInto(s, out);
  return out;
}

}  // namespace vitalink::ingest
