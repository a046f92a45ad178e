#include "vitalink/ingest/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"

namespace vitalink::ingest {
namespace {

struct TextCase {
  std::string input;
  std::string expected;
};

// ---------------------------------------------------------------------------
// NormalizeText

TEST(NormalizeTextTest, Table) {
  const std::vector<TextCase> cases = {
      {"", ""},
      {"hello", "hello"},
      {"  hello   world  ", "hello world"},
      {"a\tb\r\nc", "a b c"},
      {"a\x01" "b\x7F", "ab"},
      {"１２３ＡＢＣ", "123ABC"},
      {"ｈｅｌｌｏ\u00A0ｗｏｒｌｄ", "hello world"},
      {"长沙县\u3000星沙街道", "长沙县 星沙街道"},
      {"\u3000\u3000张伟\u3000", "张伟"},
      {"湖南省\u2002\u2003长沙市", "湖南省 长沙市"},
      {"张\u200B伟", "张伟"},
      {"\uFEFF张伟", "张伟"},
      {"\u200E李\u200F\u00AD", "李"},
      {"张\u200D\u2060伟", "张伟"},
      {"阿依古丽•买买提", "阿依古丽·买买提"},
      {"阿依古丽・买买提", "阿依古丽·买买提"},
      {"阿依古丽･买买提", "阿依古丽·买买提"},
      {"阿依古丽‧买买提", "阿依古丽·买买提"},
      {"阿依古丽∙买买提", "阿依古丽·买买提"},
      {"阿依古丽⋅买买提", "阿依古丽·买买提"},
      {"阿依古丽.买买提", "阿依古丽·买买提"},
      {"阿依古丽．买买提", "阿依古丽·买买提"},
      {"阿依古丽·买买提", "阿依古丽·买买提"},
      {"J.Smith", "J.Smith"},
      {"身高１.７５米", "身高1.75米"},
      {"①号楼", "1号楼"},
      {"Ⅻ", "XII"},
      {"e\u0301", "\u00E9"},
      {"e\u200B\u0301", "\u00E9"},
      {"\uF9D1", "\u516D"},
      {"\xFF张", "\uFFFD张"},
  };
  for (const TextCase& c : cases) {
    EXPECT_EQ(NormalizeText(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

TEST(NormalizeTextTest, IsIdempotent) {
  for (const char* s : {"  ＡＢＣ\u3000张\u200B伟 ", "阿依古丽・买买提", "e\u0301x", "a  b"}) {
    const std::string once = NormalizeText(s);
    EXPECT_EQ(NormalizeText(once), once);
  }
}

TEST(NormalizeTextTest, HanAndDots) {
  EXPECT_TRUE(IsHanCodePoint(U'张'));
  EXPECT_TRUE(IsHanCodePoint(0x3400));
  EXPECT_TRUE(IsHanCodePoint(0x20000));
  EXPECT_TRUE(IsHanCodePoint(0x3007));
  EXPECT_FALSE(IsHanCodePoint(U'a'));
  EXPECT_FALSE(IsHanCodePoint(0x3000));
  EXPECT_FALSE(IsHanCodePoint(0x00B7));
  EXPECT_TRUE(IsMiddleDotVariant(0x30FB));
  EXPECT_FALSE(IsMiddleDotVariant('.'));
}

// ---------------------------------------------------------------------------
// NameNormalizer

class NormalizeNameTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto made = NameNormalizer::Make();
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    names_ = new NameNormalizer(std::move(made).value());
  }
  static void TearDownTestSuite() {
    delete names_;
    names_ = nullptr;
  }
  static const NameNormalizer* names_;
};

const NameNormalizer* NormalizeNameTest::names_ = nullptr;

TEST_F(NormalizeNameTest, Table) {
  const std::vector<TextCase> cases = {
      {"", ""},
      {"   ", ""},
      {"张伟", "张伟"},
      {"張偉", "张伟"},
      {"歐陽修", "欧阳修"},
      {"司馬光", "司马光"},
      {"黃曉明", "黄晓明"},
      {"鍾漢良", "钟汉良"},
      {" 劉德華 ", "刘德华"},
      {"张 伟", "张伟"},
      {"张\u3000伟", "张伟"},
      {"张\u200B伟", "张伟"},
      {"欧阳 修", "欧阳修"},
      {"阿依古丽•买买提", "阿依古丽·买买提"},
      {"阿依古丽・买买提", "阿依古丽·买买提"},
      {"阿依古丽 · 买买提", "阿依古丽·买买提"},
      {"阿依古丽··买买提", "阿依古丽·买买提"},
      {"·买买提·", "买买提"},
      {"阿依古麗.買買提", "阿依古丽·买买提"},
      {"Zhang Wei", "Zhang Wei"},
      {"ＺＨＡＮＧ\u3000Ｗｅｉ", "ZHANG Wei"},
      {"张 David", "张 David"},
      {"张乾", "张乾"},
      {"乾隆", "乾隆"},
      {"於梨华", "於梨华"},
      {"蕭亞軒", "萧亚轩"},
  };
  for (const TextCase& c : cases) {
    EXPECT_EQ(names_->Normalize(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

TEST_F(NormalizeNameTest, CopiesShareTheConverter) {
  const NameNormalizer copy = *names_;
  EXPECT_EQ(copy.Normalize("張偉"), "张伟");
}

// OpenCC's converter is used from several threads without a lock.
TEST_F(NormalizeNameTest, Threads) {
  const std::vector<TextCase> cases = {
      {"張偉", "张伟"}, {"歐陽修", "欧阳修"}, {"劉德華", "刘德华"}, {"蕭亞軒", "萧亚轩"}};
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int iter = 0; iter < 2000; ++iter) {
        const TextCase& c = cases[(t + static_cast<size_t>(iter)) % cases.size()];
        if (names_->Normalize(c.input) != c.expected) ++failures[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const int f : failures) EXPECT_EQ(f, 0);
}

// ---------------------------------------------------------------------------
// ParseSex

TEST(SexTest, Table) {
  struct Case {
    std::string input;
    std::optional<int> expected;
  };
  const std::vector<Case> cases = {
      {"男", 1},        {"女", 2},     {"男性", 1},   {"女性", 2},       {"1", 1},
      {"2", 2},         {"0", 0},      {"9", 0},      {"１", 1},         {"２", 2},
      {"M", 1},         {"F", 2},      {"m", 1},      {"f", 2},          {"male", 1},
      {"Female", 2},    {"MALE", 1},   {" 男 ", 1},   {"\u3000女\u3000", 2}, {"未知", 0},
      {"未说明的性别", 0}, {"不详", 0}, {"unknown", 0}, {"", std::nullopt}, {"3", std::nullopt},
      {"男女", std::nullopt}, {"x", std::nullopt}, {"12", std::nullopt},
      {"boy", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseSex(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

// ---------------------------------------------------------------------------
// ParseDate

TEST(DateParseTest, AcceptedForms) {
  const int32_t jan13 = DaysFromCivil({2011, 1, 13});
  const std::vector<std::string> forms = {
      "2011-01-13",
      "2011-1-13",
      "2011/1/13",
      "2011/01/13",
      "20110113",
      "2011年1月13日",
      "2011年01月13日",
      "2011年1月13号",
      "2011年1月13",
      "2011 年 1 月 13 日",
      "2011.1.13",
      "2011.01.13",
      "２０１１－０１－１３",
      "２０１１年１月１３日",
      "  2011-01-13  ",
      "\u30002011/1/13\u3000",
      "2011-01-13 00:00:00",
      "2011-01-13T08:30",
      "2011-01-13T08:30:00Z",
      "2011-01-13T08:30:00+08:00",
      "2011/1/13 8:30:00.000",
      "20110113 12:00",
  };
  for (const std::string& s : forms) {
    const DateParse d = ParseDate(s);
    EXPECT_EQ(d.days, jan13) << "input: '" << s << "' error: " << d.error;
    EXPECT_TRUE(d.error.empty()) << s;
  }
  EXPECT_EQ(ParseDate("2012-02-29").days, DaysFromCivil({2012, 2, 29}));
  EXPECT_EQ(ParseDate("2000-02-29").days, DaysFromCivil({2000, 2, 29}));
  EXPECT_EQ(ParseDate("1949-10-01").days, DaysFromCivil({1949, 10, 1}));
}

TEST(DateParseTest, Errors) {
  struct Case {
    std::string input;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"2011-02-29", "impossible date 2011-02-29 (February 2011 has 28 days)"},
      {"2011-02-30", "impossible date 2011-02-30 (February 2011 has 28 days)"},
      {"20110230", "impossible date 2011-02-30 (February 2011 has 28 days)"},
      {"2011年2月30日", "impossible date 2011-02-30 (February 2011 has 28 days)"},
      {"1900-02-29", "impossible date 1900-02-29 (February 1900 has 28 days)"},
      {"2011-04-31", "impossible date 2011-04-31 (April 2011 has 30 days)"},
      {"2011-13-01", "month 13 out of range"},
      {"2011-00-10", "month 0 out of range"},
      {"2011-01-32", "day 32 out of range"},
      {"2011-01-00", "day 0 out of range"},
      {"0011-01-13", "year 0011 out of range"},
      {"13/01/2011", "unrecognised date format '13/01/2011'"},
      {"01/13/2011", "unrecognised date format '01/13/2011'"},
      {"13-01-2011", "unrecognised date format '13-01-2011'"},
      {"2011-01/13", "unrecognised date format '2011-01/13'"},
      {"2011-001-13", "unrecognised date format '2011-001-13'"},
      {"11-1-13", "unrecognised date format '11-1-13'"},
      {"2011113", "unrecognised date format '2011113'"},
      {"abc", "unrecognised date format 'abc'"},
      {"2011-01-13 abc", "unrecognised date format '2011-01-13 abc'"},
      {"2011-01-13x", "unrecognised date format '2011-01-13x'"},
      {"2011-01-13 25:00", "invalid time '25:00' after the date"},
      {"40556", "unrecognised date format '40556'"},
      {"", "empty date"},
      {"  ", "empty date"},
  };
  for (const Case& c : cases) {
    const DateParse d = ParseDate(c.input);
    EXPECT_FALSE(d.days.has_value()) << c.input;
    EXPECT_EQ(d.error, c.error) << "input: '" << c.input << "'";
  }
}

// ---------------------------------------------------------------------------
// NormalizeCitizenId

TEST(CitizenIdNormalizeTest, Table) {
  const std::string valid = "11010519491231002X";
  ASSERT_EQ(ParseCitizenId(valid).status, IdStatus::kValid);
  ASSERT_EQ(UpgradeId15("110105491231002").value_or(""), valid);
  const std::vector<TextCase> cases = {
      {"11010519491231002X", valid},
      {"11010519491231002x", valid},
      {" 11010519491231002X\t", valid},
      {"110105 19491231 002X", valid},
      {"110105-19491231-002X", valid},
      {"110105\u201319491231\u2013002x", valid},
      {"１１０１０５１９４９１２３１００２Ｘ", valid},
      {"１１０１０５１９４９１２３１００２ｘ", valid},
      {"１１０１０５\u3000１９４９１２３１\u3000００２Ｘ", valid},
      {"1101051949\u200B1231002X", valid},
      {"'11010519491231002X", valid},
      {"110105491231002", valid},
      {"110105 491231 002", valid},
      {"１１０１０５４９１２３１００２", valid},
      {"110105491332002", "110105491332002"},
      {"110105194912310021", "110105194912310021"},
      {"11010519491231002", "11010519491231002"},
      {"11010519491231002xx", "11010519491231002XX"},
      {"abc", "ABC"},
      {"", ""},
  };
  for (const TextCase& c : cases) {
    EXPECT_EQ(NormalizeCitizenId(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

}  // namespace
}  // namespace vitalink::ingest
