#include "vitalink/ingest/pinyin.h"

#include <algorithm>
#include <array>

#include "vitalink/common/status.h"
#include "vitalink/common/utf8.h"
#include "vitalink/ingest/normalize.h"

// Defined in the build-generated pinyin_table.cc (tools/gen_pinyin.cpp).
namespace vitalink::ingest::pinyin_internal {
extern const char kIcuVersion[];
extern const uint32_t kFirstCodePoint;
extern const uint32_t kLastCodePoint;
extern const uint32_t kSyllableCount;
extern const char kSyllableBlob[];
extern const uint32_t kSyllableOffsets[];
extern const uint16_t kCommonSyllable[];
extern const uint16_t kNamesSyllable[];
}  // namespace vitalink::ingest::pinyin_internal

namespace vitalink::ingest {
namespace {

namespace gen = pinyin_internal;

// Surname readings written by hand. Most agree with ICU's
// Han-Latin/Names and are listed so that they do not change with the ICU
// version; these differ from ICU 72 on purpose (现代汉语词典 readings as a surname):
// 刀 Dāo (ICU diao), 句 Gōu (ju), 尉 Wèi alone (yu; Yù only in 尉迟), 朴 Piáo (pu),
// 洗 Xiǎn (xi), 牟 Móu (mu), 缪 Miào (mou), 莘 Shēn (xin), 薄 Bó (bao), 覃 Qín (tan),
// 都 Dū (dou), 阚 Kàn (han). PinyinSurnameOverrides checks this split against ICU.
constexpr SurnameReading kSurnameOverrides[] = {
    {U'乐', "yue"},  {U'仇', "qiu"},  {U'刀', "dao"},  {U'区', "ou"},    {U'单', "shan"},
    {U'卜', "bu"},   {U'句', "gou"},  {U'召', "shao"}, {U'员', "yun"},   {U'尉', "wei"},
    {U'曾', "zeng"}, {U'朴', "piao"}, {U'查', "zha"},  {U'洗', "xian"},  {U'牟', "mou"},
    {U'盖', "ge"},   {U'秘', "bi"},   {U'种', "chong"}, {U'缪', "miao"},
    {U'繁', "po"},   {U'翟', "zhai"}, {U'莘', "shen"}, {U'薄', "bo"},    {U'覃', "qin"},
    {U'解', "xie"},  {U'都', "du"},   {U'重', "chong"}, {U'长', "chang"}, {U'阚', "kan"},
    {U'隗', "wei"},
};

// Compound surnames, longest first. Readings agree with ICU's Han-Latin/Names
// except 拓跋 Tuòbá (ICU "ta ba"). Left out on purpose because a common single
// surname plus a given name reads the same: 单于 (单 + 于…), 乐正, 东门, 梁丘, 段干, 子车.
constexpr CompoundSurname kCompoundSurnames[] = {
    {"爱新觉罗", "ai xin jue luo"},
    {"欧阳", "ou yang"},   {"司马", "si ma"},     {"诸葛", "zhu ge"},    {"上官", "shang guan"},
    {"东方", "dong fang"}, {"皇甫", "huang fu"},  {"尉迟", "yu chi"},    {"公孙", "gong sun"},
    {"慕容", "mu rong"},   {"长孙", "zhang sun"}, {"宇文", "yu wen"},    {"司徒", "si tu"},
    {"夏侯", "xia hou"},   {"令狐", "ling hu"},   {"司空", "si kong"},   {"澹台", "tan tai"},
    {"万俟", "mo qi"},     {"闻人", "wen ren"},   {"赫连", "he lian"},   {"钟离", "zhong li"},
    {"宗政", "zong zheng"}, {"濮阳", "pu yang"},  {"淳于", "chun yu"},   {"太叔", "tai shu"},
    {"申屠", "shen tu"},   {"公羊", "gong yang"}, {"轩辕", "xuan yuan"}, {"呼延", "hu yan"},
    {"端木", "duan mu"},   {"拓跋", "tuo ba"},    {"百里", "bai li"},    {"东郭", "dong guo"},
    {"南宫", "nan gong"},  {"西门", "xi men"},    {"羊舌", "yang she"},  {"第五", "di wu"},
    {"公冶", "gong ye"},   {"仲孙", "zhong sun"}, {"叔孙", "shu sun"},   {"独孤", "du gu"},
    {"完颜", "wan yan"},   {"左丘", "zuo qiu"},   {"鲜于", "xian yu"},   {"闾丘", "lv qiu"},
    {"司寇", "si kou"},    {"亓官", "qi guan"},   {"巫马", "wu ma"},     {"谷梁", "gu liang"},
    {"漆雕", "qi diao"},   {"壤驷", "rang si"},   {"颛孙", "zhuan sun"}, {"公良", "gong liang"},
};

constexpr std::string_view kDotUtf8 = "\u00B7";

std::string_view SyllableById(uint16_t id) {
  const uint32_t begin = gen::kSyllableOffsets[id];
  return {gen::kSyllableBlob + begin, gen::kSyllableOffsets[id + 1] - begin};
}

bool InTable(char32_t cp) { return cp >= gen::kFirstCodePoint && cp <= gen::kLastCodePoint; }

bool IsLowerAsciiWord(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

void AppendToken(std::string_view token, std::string* out) {
  if (token.empty()) return;
  if (!out->empty()) out->push_back(' ');
  out->append(token);
}

// Return the compound surname `name` starts with when a Han character follows it.
const CompoundSurname* MatchCompound(std::string_view name) {
  // Every compound surname is at least two 3-byte characters followed by a Han one.
  if (name.size() < 9 || static_cast<unsigned char>(name[0]) < 0xE4) return nullptr;
  for (const CompoundSurname& c : kCompoundSurnames) {
    if (name.size() <= c.surname.size() || name.substr(0, c.surname.size()) != c.surname) continue;
    size_t pos = c.surname.size();
    char32_t next = 0;
    if (NextCodePoint(name, pos, next) && IsHanCodePoint(next)) return &c;
  }
  return nullptr;
}

// Apply `fold` to every space-separated token of `key`.
template <typename Fold>
std::string MapTokens(std::string_view key, Fold fold) {
  std::string out;
  out.reserve(key.size());
  size_t start = 0;
  while (start < key.size()) {
    size_t end = key.find(' ', start);
    if (end == std::string_view::npos) end = key.size();
    fold(key.substr(start, end - start), &out);
    start = end + 1;
  }
  return out;
}

}  // namespace

PinyinTable::PinyinTable()
    : surname_ids_(gen::kNamesSyllable, gen::kNamesSyllable + (gen::kLastCodePoint -
                                                                gen::kFirstCodePoint + 1)) {
  for (const SurnameReading& r : kSurnameOverrides) {
    VL_CHECK(InTable(r.cp));
    uint16_t id = 0;
    for (uint32_t i = 1; i < gen::kSyllableCount && id == 0; ++i) {
      if (SyllableById(static_cast<uint16_t>(i)) == r.syllable) id = static_cast<uint16_t>(i);
    }
    VL_CHECK(id != 0);  // every override is a syllable ICU uses somewhere
    surname_ids_[r.cp - gen::kFirstCodePoint] = id;
  }
}

const PinyinTable& PinyinTable::Get() {
  static const PinyinTable* const table = new PinyinTable();
  return *table;
}

std::string_view PinyinTable::Syllable(char32_t cp) const {
  if (!InTable(cp)) return {};
  return SyllableById(gen::kCommonSyllable[cp - gen::kFirstCodePoint]);
}

std::string_view PinyinTable::SurnameSyllable(char32_t cp) const {
  if (!InTable(cp)) return {};
  return SyllableById(surname_ids_[cp - gen::kFirstCodePoint]);
}

std::pair<std::string_view, std::string_view> PinyinTable::SplitSurname(
    std::string_view name) const {
  if (name.empty()) return {};
  const size_t dot = name.rfind(kDotUtf8);
  if (dot != std::string_view::npos) {
    return {name.substr(dot + kDotUtf8.size()), name.substr(0, dot)};
  }
  if (const CompoundSurname* c = MatchCompound(name)) {
    return {name.substr(0, c->surname.size()), name.substr(c->surname.size())};
  }
  size_t pos = 0;
  char32_t first = 0;
  NextCodePoint(name, pos, first);
  if (IsHanCodePoint(first)) return {name.substr(0, pos), name.substr(pos)};
  const size_t space = name.find(' ');
  if (space == std::string_view::npos) return {name, {}};
  return {name.substr(0, space), name.substr(space + 1)};
}

void PinyinTable::AppendTokens(std::string_view text, bool surname_readings,
                               std::string* tokens) const {
  std::string word;
  size_t pos = 0;
  char32_t cp = 0;
  while (true) {
    const size_t start = pos;
    const bool more = NextCodePoint(text, pos, cp);
    if (more && ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))) {
      word.push_back(static_cast<char>(cp | 0x20));
      continue;
    }
    AppendToken(word, tokens);
    word.clear();
    if (!more) break;
    if (IsHanCodePoint(cp)) {
      const std::string_view syllable = surname_readings ? SurnameSyllable(cp) : Syllable(cp);
      AppendToken(syllable.empty() ? text.substr(start, pos - start) : syllable, tokens);
    }
  }
}

std::string PinyinTable::NameKey(std::string_view name) const {
  std::string key;
  key.reserve(name.size() * 2);
  if (name.find(kDotUtf8) != std::string_view::npos) {
    AppendTokens(name, false, &key);
    return key;
  }
  if (const CompoundSurname* compound = MatchCompound(name)) {
    AppendToken(compound->reading, &key);
    AppendTokens(name.substr(compound->surname.size()), false, &key);
    return key;
  }
  const auto [surname, given] = SplitSurname(name);
  AppendTokens(surname, true, &key);
  AppendTokens(given, false, &key);
  return key;
}

std::string PinyinTable::SurnameKey(std::string_view name) const {
  std::string key;
  if (name.find(kDotUtf8) != std::string_view::npos) {
    AppendTokens(SplitSurname(name).first, false, &key);
  } else if (const CompoundSurname* compound = MatchCompound(name)) {
    key = compound->reading;
  } else {
    AppendTokens(SplitSurname(name).first, true, &key);
  }
  std::erase(key, ' ');
  return key;
}

std::string PinyinTable::FuzzySyllable(std::string_view syllable) {
  if (!IsLowerAsciiWord(syllable)) return std::string(syllable);
  std::string s;
  s.reserve(syllable.size());
  std::string_view rest = syllable;
  if (rest.size() >= 2 && rest[1] == 'h' && (rest[0] == 'z' || rest[0] == 'c' || rest[0] == 's')) {
    s.push_back(rest[0]);
    rest.remove_prefix(2);
  } else if (rest[0] == 'l') {
    s.push_back('n');
    rest.remove_prefix(1);
  } else if (rest[0] == 'h') {
    s.push_back('f');
    rest.remove_prefix(1);
    // Southern speakers say fa for hua, fei for hui: the medial u goes with the h.
    if (rest.size() >= 2 && rest[0] == 'u' &&
        (rest[1] == 'a' || rest[1] == 'o' || rest[1] == 'e' || rest[1] == 'i')) {
      rest.remove_prefix(1);
      if (rest == "i") rest = "ei";
    }
  }
  s.append(rest);
  if (s.size() >= 3 && s.ends_with("ng")) {
    const char v = s[s.size() - 3];
    if (v == 'a' || v == 'e' || v == 'i') s.pop_back();
  }
  return s;
}

std::string PinyinTable::FuzzyKey(std::string_view name) const {
  return MapTokens(NameKey(name), [](std::string_view token, std::string* out) {
    AppendToken(FuzzySyllable(token), out);
  });
}

std::string PinyinTable::InitialsKey(std::string_view name) const {
  std::string out;
  const std::string fuzzy = FuzzyKey(name);
  size_t start = 0;
  while (start < fuzzy.size()) {
    size_t end = fuzzy.find(' ', start);
    if (end == std::string::npos) end = fuzzy.size();
    // A kept Han character (no reading) is one UTF-8 sequence: keep it whole.
    const auto lead = static_cast<unsigned char>(fuzzy[start]);
    out.append(fuzzy, start, lead < 0x80 ? 1 : end - start);
    start = end + 1;
  }
  return out;
}

std::span<const SurnameReading> PinyinTable::SurnameOverrides() { return kSurnameOverrides; }

std::span<const CompoundSurname> PinyinTable::CompoundSurnames() { return kCompoundSurnames; }

std::string_view PinyinTable::IcuVersion() { return gen::kIcuVersion; }

}  // namespace vitalink::ingest
