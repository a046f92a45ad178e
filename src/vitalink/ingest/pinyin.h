// Toneless pinyin for Han characters and pinyin keys for person names, used to
// block and compare names that sound alike (homophone errors: 张伟 / 章伟).
//
// The per-character table is generated at build time from ICU's "Han-Latin"
// (common readings) and "Han-Latin/Names" (surname readings) transliterators by
// tools/gen_pinyin.cpp, for U+4E00..U+9FFF and U+3400..U+4DBF; a short
// hand-written list (SurnameOverrides) fixes the surname readings ICU lacks or
// gets wrong. No transliterator runs at run time.
//
//   const PinyinTable& py = PinyinTable::Get();
//   py.NameKey("曾小单");     // "zeng xiao dan"
//   py.SurnameKey("欧阳修");  // "ouyang"
//   py.FuzzyKey("陈立");      // "cen ni" == py.FuzzyKey("程力")
//
// Input is a name already normalized by NameNormalizer (simplified, NFKC, '·').
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vitalink::ingest {

/// A surname character and its reading as a surname.
struct SurnameReading {
  char32_t cp;
  std::string_view syllable;
};

/// A compound (multi-character) surname and its syllables, space-separated.
struct CompoundSurname {
  std::string_view surname;  // "欧阳"
  std::string_view reading;  // "ou yang"
};

/// Per-character toneless pinyin and name keys. Immutable after Get(); every
/// method is const and thread-safe.
///
/// Decisions:
///  - ü is written 'v' (吕 lv, 女 nv) so that 吕 and 卢 (lu) stay distinct.
///  - A Han character with no ICU reading (rare Extension A characters, and
///    anything outside the two blocks) is kept as itself in keys, so that a
///    rare character is not silently dropped.
///  - NameKey separates every syllable, compound surnames included ("ou yang
///    xiu", not "ouyang xiu"): keys are then comparable syllable by syllable
///    whether or not a compound surname was recognised; SurnameKey joins the
///    surname's syllables ("ouyang").
///  - Compound surnames are recognised only when at least one Han character
///    follows them ("欧阳修" → 欧阳 + 修, but the two-character name "钟离" → 钟 + 离).
///  - Names with '·' are transcriptions (Uyghur, Tibetan, foreign): the part
///    after the last '·' is the family-like part (a Uyghur father's name, a
///    foreign family name) and is returned as the surname; all their characters
///    take common readings, since the surname readings are for Han surnames.
///  - Names that do not start with a Han character ("Zhang Wei") take their
///    first space-separated word as the surname.
class PinyinTable {
 public:
  PinyinTable(const PinyinTable&) = delete;
  PinyinTable& operator=(const PinyinTable&) = delete;

  /// Return the process-wide table, built on first use (thread-safe; about
  /// 50 µs: a copy of one generated array plus the overrides).
  static const PinyinTable& Get();

  /// Return the common toneless reading of `cp` ("zhang"), or "" when `cp` is
  /// not a Han character of the table or ICU has no reading for it.
  std::string_view Syllable(char32_t cp) const;

  /// Return the reading of `cp` as a surname: 曾 zeng, 单 shan, 解 xie, 朴 piao,
  /// 仇 qiu, 区 ou, 查 zha, 盖 ge, 覃 qin, 乐 yue, 缪 miao, 翟 zhai, 员 yun, 召 shao;
  /// 尉 alone is wei (yu only in 尉迟). Falls back to Syllable(cp).
  std::string_view SurnameSyllable(char32_t cp) const;

  /// Split a normalized name into {surname, given name}, both views into `name`:
  /// a compound surname (CompoundSurnames) followed by at least one Han
  /// character, else the first character; for names with '·' {after the last
  /// '·', before it}; for names not starting with a Han character {first word,
  /// the rest}. {"", ""} for an empty name.
  std::pair<std::string_view, std::string_view> SplitSurname(std::string_view name) const;

  /// Return the pinyin key of a name: syllables separated by single spaces,
  /// the surname part read with surname readings ("曾小单" → "zeng xiao dan");
  /// ASCII letters lower-cased and kept as words, '·' and spaces separate,
  /// other characters (digits, punctuation) are dropped.
  std::string NameKey(std::string_view name) const;

  /// Return the pinyin of the surname part only, syllables joined ("ouyang").
  std::string SurnameKey(std::string_view name) const;

  /// Return NameKey with every syllable folded by FuzzySyllable, for matching
  /// names that differ by a common dialect confusion: 陈 chen ≡ 程 cheng,
  /// 刘 liu ≡ 牛 niu, 黄 huang ≡ 方 fang.
  std::string FuzzyKey(std::string_view name) const;

  /// Return the first letter of every folded syllable ("张伟" → "zw").
  std::string InitialsKey(std::string_view name) const;

  /// Fold one lower-case syllable: initials zh→z, ch→c, sh→s, l→n, h→f with
  /// hu+vowel→f (hua→fa, huang→fang, hui→fei); finals ang→an, eng→en, ing→in
  /// (so iang→ian, uang→uan). Anything not made of a–z is returned unchanged.
  static std::string FuzzySyllable(std::string_view syllable);

  /// Return the hand-written surname readings applied over ICU's Han-Latin/Names.
  static std::span<const SurnameReading> SurnameOverrides();

  /// Return the compound surnames recognised by SplitSurname, longest first.
  static std::span<const CompoundSurname> CompoundSurnames();

  /// Return the ICU version the table was generated with ("72.1").
  static std::string_view IcuVersion();

 private:
  PinyinTable();

  // Append the key tokens of `text` to `tokens`, separated by spaces.
  void AppendTokens(std::string_view text, bool surname_readings, std::string* tokens) const;

  std::vector<uint16_t> surname_ids_;  // per code point, like the generated common table
};

}  // namespace vitalink::ingest
