// CSV output: quoting, and text made safe for spreadsheets and read back.
#include "vitalink/common/csv_writer.h"

#include <gtest/gtest.h>

namespace vitalink {
namespace {

TEST(CsvWriterTest, QuotesOnlyWhatNeedsIt) {
  std::string out;
  AppendCsvRow(out, {"张伟", "张伟, Jr.", "say \"hi\"", " padded", "two\nlines"});
  EXPECT_EQ(out, "张伟,\"张伟, Jr.\",\"say \"\"hi\"\"\",\" padded\",\"two\nlines\"\n");
}

TEST(CsvWriterTest, FormulaLikeTextStaysTextAndComesBack) {
  for (const char* hostile : {"=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"}) {
    const std::string safe = SpreadsheetText(hostile);
    EXPECT_EQ(safe, std::string("'") + hostile);
    EXPECT_EQ(FromSpreadsheetText(safe), hostile);
  }
  for (const char* plain : {"王芳", "", "'quoted already", "2026-05-01"}) {
    EXPECT_EQ(SpreadsheetText(plain), plain);
    EXPECT_EQ(FromSpreadsheetText(plain), plain);
  }
}

}  // namespace
}  // namespace vitalink
