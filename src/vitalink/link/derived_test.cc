#include "vitalink/link/derived.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/link/test_records.h"

namespace vitalink::link {
namespace {

using testing::MakeTestRecordSet;
using testing::MakeTestSource;

TEST(KeyExprTest, ParsesColumnsFunctionsAndNesting) {
  Result<KeyExpr> col = ParseKeyExpr("name");
  ASSERT_TRUE(col.ok());
  EXPECT_EQ(col->fn, DerivedFn::kColumn);
  EXPECT_EQ(col->column, "name");

  Result<KeyExpr> sur = ParseKeyExpr(" surname_pinyin( name ) ");
  ASSERT_TRUE(sur.ok()) << sur.status().ToString();
  EXPECT_EQ(sur->fn, DerivedFn::kSurnamePinyin);
  EXPECT_EQ(sur->ToString(), "surname_pinyin(name)");

  Result<KeyExpr> pre = ParseKeyExpr("prefix(area_code,6)");
  ASSERT_TRUE(pre.ok());
  EXPECT_EQ(pre->n, 6);
  EXPECT_EQ(pre->ToString(), "prefix(area_code, 6)");

  Result<KeyExpr> nested = ParseKeyExpr("prefix(pinyin(name), 1)");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->ToString(), "prefix(pinyin(name), 1)");
  EXPECT_EQ(nested->arg->fn, DerivedFn::kPinyin);
}

TEST(KeyExprTest, ErrorsNameTheExpressionAndTheProblem) {
  struct Case {
    const char* text;
    const char* message_part;
  };
  for (const Case& c : {Case{"prefix(area_code)", "needs a length"}, Case{"soundx(name)", "unknown function 'soundx'"},
                        Case{"pinyin(name", "expected ')'"}, Case{"", "expected a column"},
                        Case{"prefix(area_code, 0)", "length must be"}, Case{"year(birth_date) x", "unexpected"},
                        Case{"year(birth_date, 2)", "takes one argument"}}) {
    Result<KeyExpr> e = ParseKeyExpr(c.text);
    ASSERT_FALSE(e.ok()) << c.text;
    EXPECT_NE(e.status().message().find(c.message_part), std::string::npos) << e.status().message();
    EXPECT_NE(e.status().message().find(std::string("'") + c.text + "'"), std::string::npos)
        << e.status().message();
  }
}

class DerivedColumnTest : public ::testing::Test {
 protected:
  DerivedColumnTest()
      : pool_(std::make_shared<StringPool>()),
        src_(MakeTestSource(pool_, "register",
                            {{"name", FieldType::kText},
                             {"birth_date", FieldType::kDate},
                             {"id_number", FieldType::kCode},
                             {"area_code", FieldType::kCode}},
                            {
                                {"曾小单", "1990-03-15", "43018219900315002X", "430182101001"},
                                {"欧阳修", "1985-12-01", "430182851201003", "430182101002"},
                                {"曾小单", "", "4301821990", "430182102001"},
                                {"", "2001-01-09", "", ""},
                                {"陈立", "1990-03-15", "43018219900315002X", "430182101001"},
                                {"程力", "1990-05-03", "X3018219900503002X", "430182101001"},
                            })),
        rs_(MakeTestRecordSet({&src_})) {}

  std::string Value(int col, int64_t row) const { return rs_.table().ValueAsString(row, col); }

  std::shared_ptr<StringPool> pool_;
  ingest::SourceData src_;
  RecordSet rs_;
};

TEST_F(DerivedColumnTest, PlainColumnIsTheColumnItself) {
  Result<int> col = AddDerivedColumn(rs_, "name");
  ASSERT_TRUE(col.ok());
  EXPECT_EQ(*col, rs_.table().FindColumn("name"));
}

TEST_F(DerivedColumnTest, DateParts) {
  const int before = rs_.table().num_columns();
  Result<int> year = AddDerivedColumn(rs_, "year(birth_date)");
  Result<int> month = AddDerivedColumn(rs_, "month(birth_date)");
  Result<int> day_month = AddDerivedColumn(rs_, "day_month(birth_date)");
  ASSERT_TRUE(year.ok() && month.ok() && day_month.ok());
  EXPECT_EQ(rs_.table().num_columns(), before + 3);
  const Column& y = rs_.table().column(*year);
  EXPECT_EQ(y.name(), "year(birth_date)");
  EXPECT_EQ(y.type(), FieldType::kInteger);
  EXPECT_EQ(y.integer(0), 1990);
  EXPECT_EQ(y.integer(1), 1985);
  EXPECT_TRUE(y.IsNull(2));
  EXPECT_EQ(rs_.table().column(*month).integer(0), 199003);
  EXPECT_EQ(rs_.table().column(*day_month).integer(1), 1201);
  EXPECT_TRUE(rs_.table().column(*day_month).IsNull(2));
  // Asking again reuses the column.
  Result<int> again = AddDerivedColumn(rs_, "year( birth_date )");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *year);
  EXPECT_EQ(rs_.table().num_columns(), before + 3);
}

TEST_F(DerivedColumnTest, PrefixSuffixAndIdBirth) {
  Result<int> pre = AddDerivedColumn(rs_, "prefix(area_code, 9)");
  Result<int> suf = AddDerivedColumn(rs_, "suffix(name, 2)");
  Result<int> one = AddDerivedColumn(rs_, "prefix(name, 1)");
  Result<int> birth = AddDerivedColumn(rs_, "id_birth(id_number)");
  ASSERT_TRUE(pre.ok() && suf.ok() && one.ok() && birth.ok());
  EXPECT_EQ(rs_.table().column(*pre).type(), FieldType::kCode);
  EXPECT_EQ(Value(*pre, 0), "430182101");
  EXPECT_EQ(Value(*pre, 2), "430182102");
  EXPECT_TRUE(rs_.table().column(*pre).IsNull(3));
  EXPECT_EQ(Value(*suf, 1), "阳修");  // code points, not bytes
  EXPECT_EQ(Value(*one, 1), "欧");
  EXPECT_EQ(Value(*birth, 0), "19900315");
  EXPECT_EQ(Value(*birth, 1), "19851201");  // 15-digit IDs: 19 + YYMMDD
  EXPECT_TRUE(rs_.table().column(*birth).IsNull(2));  // too short
  EXPECT_TRUE(rs_.table().column(*birth).IsNull(3));
  EXPECT_EQ(Value(*birth, 5), "19900503");
  // Equal inputs share one interned output id.
  EXPECT_EQ(rs_.table().column(*pre).string_id(0), rs_.table().column(*pre).string_id(4));
}

TEST_F(DerivedColumnTest, PinyinKeys) {
  Result<int> py = AddDerivedColumn(rs_, "pinyin(name)");
  Result<int> fuzzy = AddDerivedColumn(rs_, "pinyin_fuzzy(name)");
  Result<int> sur = AddDerivedColumn(rs_, "surname_pinyin(name)");
  Result<int> giv = AddDerivedColumn(rs_, "given_pinyin(name)");
  ASSERT_TRUE(py.ok() && fuzzy.ok() && sur.ok() && giv.ok()) << py.status().ToString();
  EXPECT_EQ(Value(*py, 0), "zeng xiao dan");
  EXPECT_EQ(Value(*sur, 0), "zeng");
  EXPECT_EQ(Value(*giv, 0), "xiao dan");
  EXPECT_EQ(Value(*sur, 1), "ouyang");
  EXPECT_EQ(Value(*giv, 1), "xiu");
  EXPECT_TRUE(rs_.table().column(*py).IsNull(3));
  // 陈立 / 程力: different pinyin, equal fuzzy pinyin.
  EXPECT_NE(Value(*py, 4), Value(*py, 5));
  EXPECT_EQ(rs_.table().column(*fuzzy).string_id(4), rs_.table().column(*fuzzy).string_id(5));
  EXPECT_EQ(rs_.table().column(*py).string_id(0), rs_.table().column(*py).string_id(2));
}

TEST_F(DerivedColumnTest, ErrorsNameTheExpression) {
  Result<int> missing = AddDerivedColumn(rs_, "pinyin(nmae)");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'nmae'"), std::string::npos) << missing.status().message();
  Result<int> wrong = AddDerivedColumn(rs_, "year(name)");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("year(name)"), std::string::npos);
  EXPECT_NE(wrong.status().message().find("needs a date"), std::string::npos);
  Result<int> wrong2 = AddDerivedColumn(rs_, "prefix(birth_date, 4)");
  ASSERT_FALSE(wrong2.ok());
  EXPECT_NE(wrong2.status().message().find("needs text"), std::string::npos);
}

TEST(SoundexTest, KnownCodes) {
  EXPECT_EQ(Soundex("Robert"), "R163");
  EXPECT_EQ(Soundex("Rupert"), "R163");
  EXPECT_EQ(Soundex("Tymczak"), "T522");
  EXPECT_EQ(Soundex("Pfister"), "P236");
  EXPECT_EQ(Soundex("Ashcraft"), "A261");
  EXPECT_EQ(Soundex("Lee"), "L000");
  EXPECT_EQ(Soundex("张伟"), "");
}

}  // namespace
}  // namespace vitalink::link
