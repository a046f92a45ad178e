#include "vitalink/common/date.h"

#include <gtest/gtest.h>

namespace vitalink {
namespace {

TEST(DateTest, KnownDays) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}), 11017);
  EXPECT_EQ(DaysFromCivil({1969, 12, 31}), -1);
  EXPECT_EQ(FormatDate(DaysFromCivil({2011, 1, 13})), "2011-01-13");
}

TEST(DateTest, RoundTripEveryDayOfFourCenturies) {
  int32_t expected = DaysFromCivil({1800, 1, 1});
  for (int y = 1800; y < 2200; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= DaysInMonth(y, m); ++d) {
        const int32_t days = DaysFromCivil({y, m, d});
        ASSERT_EQ(days, expected) << y << "-" << m << "-" << d;
        ASSERT_EQ(CivilFromDays(days), (CivilDate{y, m, d}));
        ++expected;
      }
    }
  }
}

TEST(DateTest, LeapYearsAndValidity) {
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsValidCivil(2024, 2, 29));
  EXPECT_FALSE(IsValidCivil(2023, 2, 29));
  EXPECT_FALSE(IsValidCivil(2023, 13, 1));
  EXPECT_FALSE(IsValidCivil(2023, 4, 31));
  EXPECT_FALSE(IsValidCivil(2023, 0, 10));
}

TEST(DateTest, ParseIsoDate) {
  EXPECT_EQ(ParseIsoDate("2011-01-13"), DaysFromCivil({2011, 1, 13}));
  EXPECT_FALSE(ParseIsoDate("2011-02-30"));
  EXPECT_FALSE(ParseIsoDate("2011-1-13"));
  EXPECT_FALSE(ParseIsoDate("2011/01/13"));
  EXPECT_FALSE(ParseIsoDate(""));
}

}  // namespace
}  // namespace vitalink
