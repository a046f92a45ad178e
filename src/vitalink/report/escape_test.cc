#include "vitalink/report/escape.h"

#include <gtest/gtest.h>

#include "vitalink/common/utf8.h"

namespace vitalink::report {
namespace {

TEST(EscapeHtml, EscapesTheFiveCharacters) {
  EXPECT_EQ(EscapeHtml("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(EscapeHtml("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(EscapeHtml("&amp;"), "&amp;amp;");  // already-escaped text is escaped again, never trusted
}

TEST(EscapeHtml, KeepsChineseAndPlainText) {
  EXPECT_EQ(EscapeHtml("玉潭街道 430182001"), "玉潭街道 430182001");
  EXPECT_EQ(EscapeHtml("阿依古丽·买买提"), "阿依古丽·买买提");
  EXPECT_EQ(EscapeHtml(""), "");
}

TEST(EscapeHtml, RemovesBidiControls) {
  // U+202E RIGHT-TO-LEFT OVERRIDE would reverse the rest of the line on screen.
  EXPECT_EQ(EscapeHtml("abc\u202Edef"), "abcdef");
  EXPECT_EQ(EscapeHtml("\u2066x\u2069\u200Fy\u200E\u061C"), "xy");
  EXPECT_EQ(EscapeHtml("\u202A\u202B\u202C\u202D"), "");
}

TEST(EscapeHtml, ReplacesControlsAndInvalidUtf8) {
  EXPECT_EQ(EscapeHtml(std::string("a\0b", 3)), "a\uFFFDb");
  EXPECT_EQ(EscapeHtml("a\x1b[31mb"), "a\uFFFD[31mb");
  EXPECT_EQ(EscapeHtml("tab\there\nline"), "tab\there\nline");
  EXPECT_EQ(EscapeHtml("\xC2\x85"), "\uFFFD");  // C1 control NEL
  EXPECT_EQ(EscapeHtml("x\xFFy"), "x\uFFFDy");
  EXPECT_EQ(EscapeHtml("\xE7\x8E"), "\uFFFD\uFFFD");  // truncated 玉
  EXPECT_EQ(EscapeHtml("\xC0\xBC"), "\uFFFD");        // overlong '<'
  EXPECT_EQ(EscapeHtml("\xED\xA0\x80"), "\uFFFD");    // surrogate
  EXPECT_TRUE(IsValidUtf8(EscapeHtml("\x80\xBF\xF8\x88\x80\x80\x80 ok \xF4\x90\x80\x80")));
}

TEST(EscapeHtml, HostileStringsNeverSurviveRaw) {
  const std::string hostile[] = {
      "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' onmouseover='alert(1)",
      "</title><svg onload=alert(1)>", "]]><!--", "&lt;script&gt;",
  };
  for (const std::string& h : hostile) {
    const std::string e = EscapeHtml(h);
    EXPECT_EQ(e.find('<'), std::string::npos) << h;
    EXPECT_EQ(e.find('>'), std::string::npos) << h;
    EXPECT_EQ(e.find('"'), std::string::npos) << h;
    EXPECT_EQ(e.find('\''), std::string::npos) << h;
  }
}

TEST(EscapeHtml, VeryLongNameIsLinear) {
  std::string name;
  for (int rep = 0; rep < 20000; ++rep) name += "长<";
  const std::string e = EscapeHtml(name);
  EXPECT_EQ(e.size(), 20000u * (3 + 4));
}

TEST(TruncateForDisplay, CutsOnCodePoints) {
  EXPECT_EQ(TruncateForDisplay("玉潭街道", 4), "玉潭街道");
  EXPECT_EQ(TruncateForDisplay("玉潭街道", 5), "玉潭街道");
  EXPECT_EQ(TruncateForDisplay("玉潭街道", 3), "玉潭…");
  EXPECT_EQ(TruncateForDisplay("abcdef", 1), "…");
  EXPECT_EQ(TruncateForDisplay("abcdef", 0), "");
  EXPECT_EQ(TruncateForDisplay("", 3), "");
  EXPECT_TRUE(IsValidUtf8(TruncateForDisplay("宁乡市玉潭街道枫林社区", 6)));
}

}  // namespace
}  // namespace vitalink::report
