// Golden bulletins: testdata/report/<case>/input.json is read, scored and rendered;
// the outputs must equal the committed files byte for byte. VL_UPDATE_GOLDEN=1
// rewrites them (and the small case's input from MakeSmallBulletin) for review.
//
// VL_REPORT_SAMPLE_DIR=/tmp/x also writes the 29-township sample there (HTML in both
// languages, CSV, JSON) for screenshots.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/common/file_io.h"
#include "vitalink/report/bulletin.h"
#include "vitalink/report/testing_sample.h"

namespace vitalink::report {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(VL_TESTDATA_DIR) / "report";

bool UpdateGolden() {
  const char* v = std::getenv("VL_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

void ExpectFileEquals(const fs::path& path, const std::string& actual) {
  if (UpdateGolden()) {
    ASSERT_TRUE(WriteFileAtomic(path.string(), actual).ok()) << path;
    return;
  }
  auto expected = ReadFile(path.string());
  ASSERT_TRUE(expected.ok()) << expected.status().ToString() << " (run with VL_UPDATE_GOLDEN=1 to create it)";
  EXPECT_TRUE(*expected == actual) << path << " differs; rerun with VL_UPDATE_GOLDEN=1 and review the diff";
}

std::vector<std::string> GoldenCases() {
  std::vector<std::string> cases;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kGoldenDir, ec)) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST(GoldenSmall, InputIsMakeSmallBulletin) {
  fs::create_directories(kGoldenDir / "small");
  ExpectFileEquals(kGoldenDir / "small" / "input.json", RenderJson(MakeSmallBulletin()));
}

class GoldenBulletin : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenBulletin, RendersAsCommitted) {
  const fs::path dir = kGoldenDir / GetParam();
  auto input = ReadFile((dir / "input.json").string());
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  auto parsed = ParseBulletinJson(*input);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  Bulletin b = std::move(*parsed);
  ScoreAndRank(b);
  ExpectFileEquals(dir / "bulletin.zh.html", RenderHtml(b, Lang::kZh));
  ExpectFileEquals(dir / "bulletin.en.html", RenderHtml(b, Lang::kEn));
  ExpectFileEquals(dir / "bulletin.zh.csv", RenderCsv(b, Lang::kZh));
  ExpectFileEquals(dir / "bulletin.en.csv", RenderCsv(b, Lang::kEn));
  ExpectFileEquals(dir / "bulletin.json", RenderJson(b));
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenBulletin, ::testing::ValuesIn(GoldenCases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenBulletin);

TEST(ToolSampleBulletin, WritesFilesWhenAsked) {
  const char* dir = std::getenv("VL_REPORT_SAMPLE_DIR");
  if (dir == nullptr) GTEST_SKIP() << "set VL_REPORT_SAMPLE_DIR to write the sample bulletin";
  ASSERT_TRUE(EnsureDirectory(dir).ok());
  const std::string base = std::string(dir) + "/";
  const Bulletin zh = MakeSampleBulletin();
  const Bulletin en = MakeSampleBulletin(20261031, Lang::kEn);
  ASSERT_TRUE(WriteFileAtomic(base + "sample.html", RenderHtml(zh, Lang::kZh)).ok());
  ASSERT_TRUE(WriteFileAtomic(base + "sample.en.html", RenderHtml(en, Lang::kEn)).ok());
  ASSERT_TRUE(WriteFileAtomic(base + "sample.csv", RenderCsv(zh, Lang::kZh)).ok());
  ASSERT_TRUE(WriteFileAtomic(base + "sample.json", RenderJson(zh)).ok());
}

}  // namespace
}  // namespace vitalink::report
