#include "vitalink/common/citizen_id.h"

#include <gtest/gtest.h>

#include "vitalink/common/date.h"

namespace vitalink {
namespace {

// The worked example of GB 11643-1999 (appendix): 11010519491231002X.
TEST(CitizenIdTest, StandardExample) {
  EXPECT_EQ(CitizenIdCheckChar("11010519491231002"), 'X');
  const CitizenIdInfo info = ParseCitizenId("11010519491231002X");
  EXPECT_EQ(info.status, IdStatus::kValid);
  EXPECT_EQ(info.area_code, 110105);
  EXPECT_EQ(info.birth_days, DaysFromCivil({1949, 12, 31}));
  EXPECT_EQ(info.sex, 2);  // sequence 002 is even
}

TEST(CitizenIdTest, SecondStandardExample) {
  // 440524188001010014: born 1880-01-01, sequence 001 (male), check 4.
  const CitizenIdInfo info = ParseCitizenId("440524188001010014");
  EXPECT_EQ(info.status, IdStatus::kValid);
  EXPECT_EQ(info.sex, 1);
}

TEST(CitizenIdTest, Errors) {
  EXPECT_EQ(ParseCitizenId("11010519491231002").status, IdStatus::kWrongLength);
  EXPECT_EQ(ParseCitizenId("1101051949123100A9").status, IdStatus::kBadCharacter);
  EXPECT_EQ(ParseCitizenId("110105194902300021").status, IdStatus::kBadDate);
  EXPECT_EQ(ParseCitizenId("110105194912310021").status, IdStatus::kBadChecksum);
  EXPECT_EQ(ParseCitizenId("").status, IdStatus::kWrongLength);
  EXPECT_EQ(IdStatusName(IdStatus::kBadChecksum), "bad_checksum");
}

TEST(CitizenIdTest, EverySingleDigitErrorIsCaught) {
  const std::string good = "430182201101130025";
  ASSERT_EQ(ParseCitizenId(good).status, IdStatus::kValid);
  for (size_t pos = 0; pos < 17; ++pos) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[pos]) continue;
      std::string bad = good;
      bad[pos] = d;
      EXPECT_NE(ParseCitizenId(bad).status, IdStatus::kValid) << bad;
    }
  }
}

TEST(CitizenIdTest, FifteenDigitUpgrade) {
  const auto id18 = UpgradeId15("110105491231002");
  ASSERT_TRUE(id18.has_value());
  EXPECT_EQ(*id18, "11010519491231002X");
  EXPECT_FALSE(UpgradeId15("110105491331002").has_value());  // month 13
  EXPECT_EQ(ParseCitizenId("110105491231002").status, IdStatus::kValid);
}

TEST(CitizenIdTest, MakeRoundTrips) {
  const int32_t born = DaysFromCivil({2011, 1, 13});
  const std::string id = MakeCitizenId(430182, born, 37);
  EXPECT_EQ(id.size(), 18u);
  const CitizenIdInfo info = ParseCitizenId(id);
  EXPECT_EQ(info.status, IdStatus::kValid);
  EXPECT_EQ(info.birth_days, born);
  EXPECT_EQ(info.sex, 1);
  EXPECT_EQ(info.area_code, 430182);
}

}  // namespace
}  // namespace vitalink
