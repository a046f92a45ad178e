#include "vitalink/synth/errors.h"

#include <gtest/gtest.h>

#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"
#include "vitalink/synth/rng.h"

namespace vitalink::synth {
namespace {

ErrorRates Only(double ErrorRates::*rate, double value = 1.0) {
  ErrorRates r = ErrorRates{}.Scaled(0);
  r.*rate = value;
  return r;
}

class ErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = NameModel::Make();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    names_ = std::make_unique<NameModel>(std::move(m).value());
  }
  std::unique_ptr<NameModel> names_;
  ErrorTallies tallies_{};
};

TEST(RngTest, DeterministicAndInRange) {
  Rng a(42, 3), b(42, 3), c(42, 4);
  bool differs = false;
  for (int draw_idx = 0; draw_idx < 1000; ++draw_idx) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
  int64_t counts[7] = {};
  for (int draw_idx = 0; draw_idx < 70000; ++draw_idx) {
    const int64_t v = a.UniformInt(3, 9);
    ASSERT_GE(v, 3);
    ASSERT_LE(v, 9);
    ++counts[v - 3];
  }
  for (int64_t n : counts) EXPECT_NEAR(static_cast<double>(n), 10000, 500);
  WeightedPicker picker({1, 0, 3});
  int64_t picked[3] = {};
  for (int draw_idx = 0; draw_idx < 40000; ++draw_idx) ++picked[picker.Pick(a)];
  EXPECT_EQ(picked[1], 0);
  EXPECT_NEAR(static_cast<double>(picked[2]) / static_cast<double>(picked[0]), 3.0, 0.2);
}

TEST(FormatTest, DatesAndSexCodes) {
  std::string s;
  AppendDate(2011, 1, 13, DateFormat::kIso, s);
  EXPECT_EQ(s, "2011-01-13");
  s.clear();
  AppendDate(2011, 1, 13, DateFormat::kSlash, s);
  EXPECT_EQ(s, "2011/1/13");
  s.clear();
  AppendDate(2011, 1, 13, DateFormat::kCompact, s);
  EXPECT_EQ(s, "20110113");
  s.clear();
  AppendDate(2011, 1, 13, DateFormat::kChinese, s);
  EXPECT_EQ(s, "2011年1月13日");
  s.clear();
  AppendSex(1, SexFormat::kChinese, s);
  AppendSex(2, SexFormat::kDigit, s);
  AppendSex(2, SexFormat::kLetter, s);
  EXPECT_EQ(s, "男2F");
}

TEST_F(ErrorsTest, DayMonthSwapOnlyWhenBothAtMostTwelve) {
  const ErrorRates rates = Only(&ErrorRates::date_day_month_swap);
  ErrorInjector inj(*names_, rates, Rng(1), &tallies_);
  std::string out;
  inj.BeginRecord();
  inj.Date("birth_date", DaysFromCivil({2011, 3, 13}), DateFormat::kIso, out);
  EXPECT_EQ(out, "2011-03-13");
  EXPECT_EQ(inj.errors(), "");
  inj.Date("birth_date", DaysFromCivil({2011, 3, 3}), DateFormat::kIso, out);
  EXPECT_EQ(out, "2011-03-03");  // swapping equal day and month changes nothing: not eligible
  inj.Date("birth_date", DaysFromCivil({2011, 1, 12}), DateFormat::kIso, out);
  EXPECT_EQ(out, "2011-12-01");
  EXPECT_EQ(inj.errors(), "birth_date:day_month_swap");
}

TEST_F(ErrorsTest, ImpossibleDatesAreImpossible) {
  const ErrorRates rates = Only(&ErrorRates::date_impossible);
  ErrorInjector inj(*names_, rates, Rng(2), &tallies_);
  std::string out;
  for (int day = 1; day <= 28; ++day) {
    inj.Date("birth_date", DaysFromCivil({2011, 2, day}), DateFormat::kIso, out);
    EXPECT_EQ(out.substr(0, 8), "2011-02-");
    EXPECT_GT(std::stoi(out.substr(8)), 28);
    EXPECT_FALSE(ParseIsoDate(out).has_value()) << out;
  }
  inj.Date("birth_date", DaysFromCivil({2011, 1, 5}), DateFormat::kIso, out);
  EXPECT_EQ(out, "2011-01-05");  // 31-day months are not eligible
}

TEST_F(ErrorsTest, IdErrorsBreakTheCheckAndAreRecorded) {
  const std::string id = MakeCitizenId(430182, DaysFromCivil({1985, 6, 7}), 123);
  ASSERT_EQ(ParseCitizenId(id).status, IdStatus::kValid);
  for (double ErrorRates::*rate : {&ErrorRates::id_digit, &ErrorRates::id_transpose}) {
    const ErrorRates rates = Only(rate);
    ErrorInjector inj(*names_, rates, Rng(3), &tallies_);
    for (int rep = 0; rep < 50; ++rep) {
      std::string out;
      inj.Id("id_number", id, 1985, out);
      EXPECT_NE(ParseCitizenId(out).status, IdStatus::kValid) << out;
      EXPECT_EQ(out.size(), 18u);
    }
  }
  {
    const ErrorRates rates = Only(&ErrorRates::id_fullwidth);
    ErrorInjector inj(*names_, rates, Rng(4), &tallies_);
    std::string out;
    inj.BeginRecord();
    inj.Id("mother_id_number", id, 1985, out);
    EXPECT_EQ(CodePointCount(out), 18u);
    EXPECT_EQ(out.substr(0, 3), "\xEF\xBC\x94");  // U+FF14 FULLWIDTH DIGIT FOUR
    EXPECT_EQ(inj.errors(), "mother_id_number:fullwidth");
  }
  {
    const std::string old = MakeCitizenId(430182, DaysFromCivil({1950, 6, 7}), 124);
    const ErrorRates rates = Only(&ErrorRates::id_old15);
    ErrorInjector inj(*names_, rates, Rng(5), &tallies_);
    std::string out;
    inj.Id("id_number", old, 1950, out);
    EXPECT_EQ(out.size(), 15u);
    EXPECT_EQ(ParseCitizenId(out).status, IdStatus::kValid);
    EXPECT_EQ(UpgradeId15(out).value(), old);
    inj.Id("id_number", id, 1985, out);
    EXPECT_EQ(out, id);  // younger people hold 18-digit IDs
  }
}

TEST_F(ErrorsTest, ZeroRatesLeaveValuesAlone) {
  const ErrorRates rates = ErrorRates{}.Scaled(0);
  ErrorInjector inj(*names_, rates, Rng(6), &tallies_);
  std::string out;
  inj.BeginRecord();
  inj.Name("name", "刘伟", out);
  EXPECT_EQ(out, "刘伟");
  inj.Sex("sex", 2, SexFormat::kDigit, out);
  EXPECT_EQ(out, "2");
  inj.Date("birth_date", DaysFromCivil({2001, 2, 3}), DateFormat::kChinese, out);
  EXPECT_EQ(out, "2001年2月3日");
  EXPECT_EQ(inj.errors(), "");
  for (const ErrorTally& t : tallies_) EXPECT_EQ(t.injected, 0);
}

TEST_F(ErrorsTest, NameEdits) {
  Rng rng(7);
  std::string name = "刘伟";
  ASSERT_TRUE(names_->HasHomophone(name));
  ASSERT_TRUE(names_->ReplaceHomophone(rng, name));
  EXPECT_NE(name, "刘伟");
  EXPECT_EQ(CodePointCount(name), 2u);
  std::string t = "刘伟";
  ASSERT_TRUE(names_->HasTraditional(t));
  names_->ToTraditional(t);
  EXPECT_EQ(t, "劉偉");
  std::string typo = "欧阳明";
  names_->ReplaceTypo(rng, typo);
  EXPECT_NE(typo, "欧阳明");
  EXPECT_EQ(CodePointCount(typo), 3u);
  std::string uyghur = "阿依古丽·买买提";
  names_->ReplaceTypo(rng, uyghur);
  EXPECT_NE(uyghur.find("·"), std::string::npos);
}

TEST_F(ErrorsTest, GivenNamesHaveOneOrTwoCharacters) {
  Rng rng(8);
  for (int rep = 0; rep < 2000; ++rep) {
    const int sex = rep % 2 + 1;
    const std::string given = names_->MakeGivenName(rng, sex, 1940 + rep % 86);
    const size_t n = CodePointCount(given);
    EXPECT_TRUE(n == 1 || n == 2) << given;
    EXPECT_FALSE(names_->PickSurname(rng).empty());
  }
}

TEST(ErrorRatesTest, ScaledMultipliesAndCaps) {
  const ErrorRates r = ErrorRates{}.Scaled(10);
  EXPECT_DOUBLE_EQ(r.name_homophone, 0.2);
  EXPECT_DOUBLE_EQ(r.id_lower_x, 1.0);
  const ErrorRates zero = ErrorRates{}.Scaled(0);
  for (const ErrorKindInfo& info : ErrorKinds()) EXPECT_EQ(zero.*info.rate, 0.0) << info.rate_name;
  for (size_t idx = 0; idx < kErrorKindCount; ++idx) EXPECT_EQ(static_cast<size_t>(ErrorKinds()[idx].kind), idx);
}

}  // namespace
}  // namespace vitalink::synth
