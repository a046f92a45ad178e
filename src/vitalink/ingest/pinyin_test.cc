#include "vitalink/ingest/pinyin.h"

#include <gtest/gtest.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "vitalink/common/utf8.h"

namespace vitalink::ingest {
namespace {

// The naive twin: run an ICU transliterator on the text directly, and keep the
// output only when it is plain lower-case ASCII syllables.
class IcuTwin {
 public:
  explicit IcuTwin(const char* id) {
    UErrorCode status = U_ZERO_ERROR;
    t_.reset(icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
    ok_ = U_SUCCESS(status) && t_ != nullptr;
  }
  bool ok() const { return ok_; }
  std::string Transliterate(std::string_view text) const {
    icu::UnicodeString u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    t_->transliterate(u);
    std::string out;
    u.toUTF8String(out);
    for (const char c : out) {
      if (!((c >= 'a' && c <= 'z') || c == ' ')) return "";
    }
    return out;
  }
  std::string OfCodePoint(char32_t cp) const {
    std::string s;
    AppendUtf8(cp, s);
    return Transliterate(s);
  }

 private:
  std::unique_ptr<icu::Transliterator> t_;
  bool ok_ = false;
};

std::string Utf8(char32_t cp) {
  std::string s;
  AppendUtf8(cp, s);
  return s;
}

// The table writes ü as v; ICU's Latin-ASCII writes it as u.
std::string VToU(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), 'v', 'u');
  return out;
}

TEST(PinyinTableTest, Syllables) {
  const PinyinTable& py = PinyinTable::Get();
  EXPECT_EQ(py.Syllable(U'张'), "zhang");
  EXPECT_EQ(py.Syllable(U'伟'), "wei");
  EXPECT_EQ(py.Syllable(U'曾'), "ceng");
  EXPECT_EQ(py.Syllable(U'单'), "dan");
  EXPECT_EQ(py.Syllable(U'吕'), "lv");
  EXPECT_EQ(py.Syllable(U'卢'), "lu");
  EXPECT_EQ(py.Syllable(U'女'), "nv");
  EXPECT_EQ(py.Syllable(U'略'), "lve");
  EXPECT_EQ(py.Syllable(0x3400), "qiu");  // first code point of Extension A
  EXPECT_EQ(py.Syllable(U'a'), "");
  EXPECT_EQ(py.Syllable(0x00B7), "");
  EXPECT_EQ(py.Syllable(0x4DC0), "");    // Yijing hexagram, between the two blocks
  EXPECT_EQ(py.Syllable(0x20000), "");   // Extension B: outside the table
  EXPECT_EQ(PinyinTable::IcuVersion().empty(), false);
}

TEST(PinyinTableTest, SurnameSyllables) {
  const PinyinTable& py = PinyinTable::Get();
  const std::vector<std::pair<char32_t, std::string>> cases = {
      {U'曾', "zeng"}, {U'单', "shan"}, {U'解', "xie"},  {U'朴', "piao"}, {U'仇', "qiu"},
      {U'区', "ou"},   {U'查', "zha"},  {U'盖', "ge"},   {U'覃', "qin"},  {U'尉', "wei"},
      {U'乐', "yue"},  {U'缪', "miao"}, {U'翟', "zhai"}, {U'员', "yun"},  {U'召', "shao"},
      {U'张', "zhang"}, {U'王', "wang"}, {U'长', "chang"}, {U'重', "chong"}, {U'牟', "mou"},
  };
  for (const auto& [cp, syllable] : cases) {
    EXPECT_EQ(py.SurnameSyllable(cp), syllable) << Utf8(cp);
  }
  EXPECT_EQ(py.SurnameSyllable(U'a'), "");
}

TEST(PinyinTableTest, SplitSurname) {
  const PinyinTable& py = PinyinTable::Get();
  using Split = std::pair<std::string_view, std::string_view>;
  EXPECT_EQ(py.SplitSurname("张伟"), Split("张", "伟"));
  EXPECT_EQ(py.SplitSurname("欧阳修"), Split("欧阳", "修"));
  EXPECT_EQ(py.SplitSurname("诸葛亮"), Split("诸葛", "亮"));
  EXPECT_EQ(py.SplitSurname("司马光"), Split("司马", "光"));
  EXPECT_EQ(py.SplitSurname("爱新觉罗溥仪"), Split("爱新觉罗", "溥仪"));
  EXPECT_EQ(py.SplitSurname("钟离"), Split("钟", "离"));  // two characters: not the compound
  EXPECT_EQ(py.SplitSurname("单于波"), Split("单", "于波"));
  EXPECT_EQ(py.SplitSurname("阿依古丽·买买提"), Split("买买提", "阿依古丽"));
  EXPECT_EQ(py.SplitSurname("A·B·C"), Split("C", "A·B"));
  EXPECT_EQ(py.SplitSurname("Zhang Wei"), Split("Zhang", "Wei"));
  EXPECT_EQ(py.SplitSurname("Zhang"), Split("Zhang", ""));
  EXPECT_EQ(py.SplitSurname("张"), Split("张", ""));
  EXPECT_EQ(py.SplitSurname(""), Split("", ""));
}

TEST(PinyinKeyTest, NameKeys) {
  const PinyinTable& py = PinyinTable::Get();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"张伟", "zhang wei"},
      {"曾小单", "zeng xiao dan"},
      {"单田芳", "shan tian fang"},
      {"解放", "xie fang"},
      {"欧阳修", "ou yang xiu"},
      {"朴树", "piao shu"},
      {"诸葛亮", "zhu ge liang"},
      {"司马光", "si ma guang"},
      {"区志强", "ou zhi qiang"},
      {"尉迟恭", "yu chi gong"},
      {"尉缭", "wei liao"},
      {"万俟卨", "mo qi xie"},
      {"长孙无忌", "zhang sun wu ji"},
      {"覃美", "qin mei"},
      {"仇曾", "qiu ceng"},  // 曾 in the given name takes its common reading
      {"吕女", "lv nv"},
      {"阿依古丽·买买提", "a yi gu li mai mai ti"},
      {"Zhang Wei", "zhang wei"},
      {"张David", "zhang david"},
      {"张伟2", "zhang wei"},
      {"张\U00020000", "zhang \U00020000"},  // no reading: the character is kept
      {"", ""},
  };
  for (const auto& [name, key] : cases) {
    EXPECT_EQ(py.NameKey(name), key) << name;
  }
}

TEST(PinyinKeyTest, SurnameKeys) {
  const PinyinTable& py = PinyinTable::Get();
  EXPECT_EQ(py.SurnameKey("欧阳修"), "ouyang");
  EXPECT_EQ(py.SurnameKey("曾小单"), "zeng");
  EXPECT_EQ(py.SurnameKey("单田芳"), "shan");
  EXPECT_EQ(py.SurnameKey("诸葛亮"), "zhuge");
  EXPECT_EQ(py.SurnameKey("尉迟恭"), "yuchi");
  EXPECT_EQ(py.SurnameKey("区"), "ou");
  EXPECT_EQ(py.SurnameKey("阿依古丽·买买提"), "maimaiti");
  EXPECT_EQ(py.SurnameKey("Zhang Wei"), "zhang");
  EXPECT_EQ(py.SurnameKey(""), "");
}

TEST(PinyinKeyTest, FuzzySyllables) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"zhang", "zan"}, {"zang", "zan"}, {"chen", "cen"}, {"cheng", "cen"}, {"shi", "si"},
      {"liu", "niu"},   {"niu", "niu"},  {"lin", "nin"},  {"ling", "nin"},  {"huang", "fan"},
      {"fang", "fan"},  {"hua", "fa"},   {"hui", "fei"},  {"hu", "fu"},     {"hen", "fen"},
      {"hun", "fun"},   {"xiang", "xian"}, {"zhuang", "zuan"}, {"dong", "dong"}, {"a", "a"},
      {"lv", "nv"},     {"", ""},        {"张", "张"},
  };
  for (const auto& [in, out] : cases) {
    const std::string folded = PinyinTable::FuzzySyllable(in);
    EXPECT_EQ(folded, out) << in;
    EXPECT_EQ(PinyinTable::FuzzySyllable(folded), folded) << in;  // folding is stable
  }
}

TEST(PinyinKeyTest, FuzzyKeyEqualities) {
  const PinyinTable& py = PinyinTable::Get();
  EXPECT_EQ(py.FuzzyKey("张伟"), py.FuzzyKey("章伟"));
  EXPECT_EQ(py.FuzzyKey("陈立"), py.FuzzyKey("程力"));
  EXPECT_EQ(py.FuzzyKey("刘洋"), py.FuzzyKey("牛杨"));
  EXPECT_EQ(py.FuzzyKey("黄明"), py.FuzzyKey("方明"));
  EXPECT_EQ(py.FuzzyKey("沈星"), py.FuzzyKey("森新"));
  EXPECT_EQ(py.FuzzyKey("陈立"), "cen ni");
  EXPECT_NE(py.FuzzyKey("张伟"), py.FuzzyKey("王伟"));
  EXPECT_NE(py.FuzzyKey("吕明"), py.FuzzyKey("卢明"));
  EXPECT_EQ(py.InitialsKey("张伟"), "zw");
  EXPECT_EQ(py.InitialsKey("欧阳修"), "oyx");
}

// Differential test: the generated table agrees with ICU run directly on each
// character, for 2,000 code points spread over both blocks.
TEST(PinyinTableTest, AgreesWithIcuTransliteration) {
  const IcuTwin common("Han-Latin; Latin-ASCII");
  const IcuTwin names("Han-Latin/Names; Latin-ASCII");
  ASSERT_TRUE(common.ok() && names.ok());
  const PinyinTable& py = PinyinTable::Get();
  std::set<char32_t> overridden;
  for (const SurnameReading& r : PinyinTable::SurnameOverrides()) overridden.insert(r.cp);
  constexpr char32_t kFirst = 0x3400;
  constexpr char32_t kCount = 0x9FFF - 0x3400 + 1;
  constexpr int kSamples = 2000;
  int readable = 0;
  int checked_surnames = 0;
  for (int i = 0; i < kSamples; ++i) {
    const char32_t cp = kFirst + static_cast<char32_t>(static_cast<uint64_t>(i) * kCount / kSamples);
    const std::string expected = common.OfCodePoint(cp);
    EXPECT_EQ(VToU(py.Syllable(cp)), expected) << "U+" << std::hex << static_cast<uint32_t>(cp);
    readable += !expected.empty();
    if (!overridden.count(cp)) {
      EXPECT_EQ(VToU(py.SurnameSyllable(cp)), names.OfCodePoint(cp))
          << "U+" << std::hex << static_cast<uint32_t>(cp);
      ++checked_surnames;
    }
  }
  EXPECT_GT(readable, kSamples * 9 / 10);
  EXPECT_GT(checked_surnames, kSamples - 10);
  // Every override agrees with ICU's Han-Latin/Names except the documented ones.
  const std::set<char32_t> intended = {U'刀', U'句', U'尉', U'朴', U'洗', U'牟',
                                       U'缪', U'莘', U'薄', U'覃', U'都', U'阚'};
  for (const SurnameReading& r : PinyinTable::SurnameOverrides()) {
    const std::string icu = names.OfCodePoint(r.cp);
    if (intended.count(r.cp)) {
      EXPECT_NE(icu, r.syllable) << Utf8(r.cp) << ": ICU now agrees, drop it from the list";
    } else {
      EXPECT_EQ(icu, r.syllable) << Utf8(r.cp);
    }
  }
}

TEST(PinyinTableTest, CompoundSurnamesAgreeWithIcu) {
  const IcuTwin names("Han-Latin/Names; Latin-ASCII");
  ASSERT_TRUE(names.ok());
  std::set<std::string_view> seen;
  for (const CompoundSurname& c : PinyinTable::CompoundSurnames()) {
    EXPECT_TRUE(seen.insert(c.surname).second) << c.surname;
    if (c.surname == "拓跋") {
      EXPECT_EQ(names.Transliterate(c.surname), "ta ba");  // ICU's reading; Tuòbá is right
      continue;
    }
    EXPECT_EQ(names.Transliterate(c.surname), VToU(c.reading)) << c.surname;
  }
}

TEST(PinyinTableTest, KeysAgreeWithIcuOnWholeNames) {
  // For names without polyphonic characters the key is what ICU gives for the
  // whole name (the twin sees the name as a string, not character by character).
  const IcuTwin names("Han-Latin/Names; Latin-ASCII");
  ASSERT_TRUE(names.ok());
  const PinyinTable& py = PinyinTable::Get();
  for (const char* name : {"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "黄敏", "周杰",
                           "吴婷", "徐明", "孙丽", "马超", "朱琳", "胡军", "郭强", "何平",
                           "高峰", "林涛", "罗兰", "郑爽", "梁晨", "谢娜", "宋佳", "唐嫣"}) {
    EXPECT_EQ(VToU(py.NameKey(name)), names.Transliterate(name)) << name;
  }
}

}  // namespace
}  // namespace vitalink::ingest
