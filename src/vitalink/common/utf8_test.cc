#include "vitalink/common/utf8.h"

#include <gtest/gtest.h>

namespace vitalink {
namespace {

TEST(Utf8Test, Validity) {
  EXPECT_TRUE(IsValidUtf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("张伟·阿不都"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));              // U+1F600
  EXPECT_EQ(FindInvalidUtf8("ab\xFFz"), 2u);                  // stray byte
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);                 // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);             // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);         // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("abcdefgh\xE5\xBC"), 8u);         // truncated
  EXPECT_EQ(FindInvalidUtf8(std::string_view("\xD5\xC5\xCE\xB0", 4)), 0u);  // GBK 张伟
}

TEST(Utf8Test, DecodeEncodeRoundTrip) {
  const std::string s = "a张·\xF0\x9F\x98\x80";
  std::string out;
  size_t pos = 0;
  char32_t cp;
  std::u32string cps;
  while (NextCodePoint(s, pos, cp)) {
    cps.push_back(cp);
    AppendUtf8(cp, out);
  }
  EXPECT_EQ(out, s);
  EXPECT_EQ(cps, (std::u32string{U'a', U'张', U'\u00B7', U'\U0001F600'}));
  EXPECT_EQ(CodePointCount(s), 4u);
}

}  // namespace
}  // namespace vitalink
