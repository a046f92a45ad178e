// Normalizers for raw register values: free text, person names, sex codes,
// dates and citizen ID numbers. Each runs once per distinct raw value (ingest
// caches by interned string), returns a canonical form, and never fails on bad
// data: what cannot be read is reported in the return value, not as a Status.
//
//   std::string town = NormalizeText("  长沙县\u3000星沙街道 ");        // "长沙县 星沙街道"
//   VL_ASSIGN_OR_RETURN(NameNormalizer names, NameNormalizer::Make());
//   std::string name = names.Normalize("歐陽 修");                        // "欧阳修"
//   std::optional<int> sex = ParseSex("女");                              // 2
//   DateParse d = ParseDate("2011年1月13日");                             // d.days = 14987
//   std::string id = NormalizeCitizenId("110105 491231 002");           // 18-digit upgrade
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "vitalink/common/status.h"

namespace opencc {
class SimpleConverter;
}  // namespace opencc

namespace vitalink::ingest {

/// The canonical middle dot of minority and foreign names ("阿依古丽·买买提"), U+00B7.
inline constexpr std::string_view kMiddleDot = "\u00B7";

/// Return true for a Han ideograph: CJK Unified Ideographs and Extensions A–H,
/// compatibility ideographs, and U+3007 〇. Cheap range checks, no ICU call.
bool IsHanCodePoint(char32_t cp);

/// Return true for the code points NormalizeText maps to U+00B7: U+00B7 itself,
/// U+0387, U+2022 •, U+2027 ‧, U+2219 ∙, U+22C5 ⋅, U+2E31, U+30FB ・, U+318D ㆍ,
/// U+A78F, U+FF65 ･. ('.' and U+FF0E count only between two Han characters.)
bool IsMiddleDotVariant(char32_t cp);

/// Return `s` in the canonical text form:
///  - ICU NFKC, so full-width ASCII becomes half-width ("１２３ＡＢＣ" → "123ABC"),
///    U+3000 ideographic space and no-break spaces become ' ', compatibility
///    ideographs become unified ones;
///  - every run of white space (Unicode White_Space) becomes one ' ', leading
///    and trailing white space is removed;
///  - control (Cc) and format (Cf) characters are dropped: zero-width space,
///    ZWJ/ZWNJ, word joiner, BOM, soft hyphen, bidi marks;
///  - middle-dot variants (see IsMiddleDotVariant) become U+00B7; '.' and
///    U+FF0E become U+00B7 only between two Han characters ("阿依古丽.买买提"),
///    so "J.Smith" and "3.5" keep their full stop;
///  - ill-formed UTF-8 bytes become U+FFFD (the check stage can flag them).
/// Pure-ASCII input takes a fast path with no ICU call, and NFKC is skipped when
/// ICU's quick check says the text is already normalized. Thread-safe.
std::string NormalizeText(std::string_view s);

/// Normalizes person names: NormalizeText, then traditional → simplified with
/// OpenCC's t2s (張偉 → 张伟, 歐陽 → 欧阳), then spaces between Han characters
/// removed ("张 伟" → "张伟") and spaces around '·' removed ("阿依古丽 · 买买提" →
/// "阿依古丽·买买提"); repeated dots collapse and dots at either end are dropped.
/// Characters that are standard in mainland simplified Chinese (通用规范汉字表,
/// 2013) but that t2s rewrites are protected: 乾 (not 干), 於 (not 于, a surname),
/// 昇 (not 升), 吒 (not 咤). Names without Han characters skip OpenCC.
///
/// Thread-safety: Normalize() is const and safe to call from many threads on one
/// instance. OpenCC's converter is immutable after loading (its marisa-trie
/// lookups keep their cursor on the stack; the OpenCC maintainers confirm
/// Converter is thread-safe, BYVoid/OpenCC#231), so no lock is taken; the
/// NameNormalizerThreads test exercises this. Copies share one converter.
class NameNormalizer {
 public:
  /// Load OpenCC's t2s.json (from OpenCC's data directory, /usr/share/opencc on
  /// Debian). Cost: about 10 ms. Return NotFound/Internal when it cannot be loaded.
  static Result<NameNormalizer> Make();

  /// Return the normalized name ("" for an empty or blank name). Cost: one
  /// NormalizeText plus, for names holding a character that t2s changes on its
  /// own (a traditional form), one OpenCC conversion; names whose characters
  /// are all unchanged by t2s one by one are taken as simplified already.
  std::string Normalize(std::string_view name) const;

 private:
  explicit NameNormalizer(std::shared_ptr<const opencc::SimpleConverter> t2s);
  std::string ConvertT2s(std::string_view text) const;
  /// Return true when some character of `text` is one t2s changes on its own
  /// (or lies outside the table): only such names pay for a conversion.
  bool NeedsT2s(std::string_view text) const;

  std::shared_ptr<const opencc::SimpleConverter> t2s_;
  /// Bit (cp - kT2sTableFirst) is set when t2s changes code point cp alone.
  std::shared_ptr<const std::vector<bool>> t2s_changes_;
};

/// Return the GB/T 2261.1 sex code of `s`: 1 male, 2 female, 0 explicitly
/// unknown (codes 0 and 9, 未知, 未说明, unknown); nullopt when `s` is not a
/// recognised sex code (including blank). Accepts 男 女 男性 女性 未知 未说明
/// 未知的性别 未说明的性别, 1 2 0 9 (also full-width), M F U, male female unknown
/// in any case, surrounded by any white space. Thread-safe.
std::optional<int> ParseSex(std::string_view s);

/// The outcome of ParseDate: `days` since 1970-01-01 when the date was read,
/// otherwise a human-readable `error`.
struct DateParse {
  std::optional<int32_t> days;
  std::string error;
};

/// Parse a calendar date written year first, in any of these forms:
/// 2011-01-13, 2011-1-13, 2011/1/13, 2011/01/13, 2011.1.13, 2011.01.13, 20110113,
/// 2011年1月13日 (also without 日, with 号, with spaces between the parts),
/// with full-width digits, surrounding white space, and an optional trailing time
/// ("2011-01-13 00:00:00", "2011-01-13T08:30", "2011/1/13 8:30:00.000", "…Z",
/// "…+08:00") that is checked and then ignored. Years 1000–2999 are accepted;
/// whether a date is plausible (not in the future, not before 1890) is for the
/// check stage to judge. Day-first and month-first forms ("13/01/2011",
/// "01/13/2011") are ambiguous and rejected, not guessed. Errors name the problem:
///   "impossible date 2011-02-30 (February 2011 has 28 days)",
///   "month 13 out of range", "day 0 out of range", "year 0011 out of range",
///   "unrecognised date format '13/01/2011'", "invalid time '25:00' after the date".
/// Thread-safe; ASCII input needs no ICU call.
DateParse ParseDate(std::string_view s);

/// Return the canonical form of a citizen ID number: full-width digits and X
/// made half-width, white space, hyphens (ASCII and Unicode dashes) and
/// zero-width characters removed, a leading apostrophe (Excel's text marker)
/// removed, ASCII letters upper-cased ('x' → 'X'), and a valid 15-digit ID
/// upgraded to 18 digits (UpgradeId15). Never rejects: a wrong ID is returned as
/// written, cleaned as above, for the check stage to report. Thread-safe.
std::string NormalizeCitizenId(std::string_view s);
/// NormalizeCitizenId into `out` (replacing its contents, reusing its
/// storage): the ingest loop's form, which allocates nothing for IDs that are
/// already canonical. `s` must not view `out`. Thread-safe.
void NormalizeCitizenIdInto(std::string_view s, std::string& out);

}  // namespace vitalink::ingest
