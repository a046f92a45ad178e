#include "vitalink/ingest/encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "vitalink/common/utf8.h"

namespace vitalink::ingest {
namespace {

constexpr char kZhangWeiGbk[] = "\xD5\xC5\xCE\xB0";  // 张伟 in GBK
constexpr char kFffdUtf8[] = "\xEF\xBF\xBD";

DecodedText Decode(std::string bytes, Encoding encoding = Encoding::kAuto) {
  auto decoded = DecodeToUtf8(std::move(bytes), encoding);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? std::move(decoded).value() : DecodedText{};
}

TEST(EncodingTest, NamesAreCanonical) {
  EXPECT_EQ(EncodingName(Encoding::kAuto), "auto");
  EXPECT_EQ(EncodingName(Encoding::kUtf8), "utf-8");
  EXPECT_EQ(EncodingName(Encoding::kGb18030), "gb18030");
  for (Encoding e : {Encoding::kAuto, Encoding::kUtf8, Encoding::kGb18030}) {
    auto parsed = ParseEncodingName(EncodingName(e));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, e);
  }
}

TEST(EncodingTest, ParseAcceptsAliasesCaseInsensitively) {
  for (const char* name : {"utf-8", "utf8", "UTF-8", "Utf8"}) {
    auto e = ParseEncodingName(name);
    ASSERT_TRUE(e.ok()) << name;
    EXPECT_EQ(*e, Encoding::kUtf8) << name;
  }
  for (const char* name : {"gb18030", "GB18030", "gbk", "GBK", "gb2312", "GB2312"}) {
    auto e = ParseEncodingName(name);
    ASSERT_TRUE(e.ok()) << name;
    EXPECT_EQ(*e, Encoding::kGb18030) << name;
  }
}

TEST(EncodingTest, ParseRejectsUnknownNames) {
  for (const char* name : {"", "latin1", "utf-16", "gb", "utf-8 "}) {
    auto e = ParseEncodingName(name);
    ASSERT_FALSE(e.ok()) << name;
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(e.status().message().find("unknown encoding"), std::string::npos);
  }
}

TEST(EncodingTest, ValidUtf8IsKeptAsIs) {
  const std::string text = "id,姓名\n1,张伟\n" + std::string(1000, 'x');
  DecodedText out = Decode(text);
  EXPECT_EQ(out.encoding, Encoding::kUtf8);
  EXPECT_EQ(out.utf8, text);
  EXPECT_FALSE(out.had_bom);
  EXPECT_TRUE(out.invalid_offsets.empty());
}

TEST(EncodingTest, StripsUtf8Bom) {
  DecodedText out = Decode("\xEF\xBB\xBFid,name\n");
  EXPECT_TRUE(out.had_bom);
  EXPECT_EQ(out.encoding, Encoding::kUtf8);
  EXPECT_EQ(out.utf8, "id,name\n");
}

TEST(EncodingTest, DetectsGbkChineseNames) {
  const std::string gbk = std::string("id,name\n1,") + kZhangWeiGbk + "\n";
  EncodingGuess guess = GuessEncoding(gbk);
  EXPECT_EQ(guess.encoding, Encoding::kGb18030);
  EXPECT_EQ(guess.gb18030_invalid, 0);
  EXPECT_EQ(guess.gb18030_multibyte, 2);
  EXPECT_GT(guess.utf8_invalid, 0);
  DecodedText out = Decode(gbk);
  EXPECT_EQ(out.encoding, Encoding::kGb18030);
  EXPECT_EQ(out.utf8, "id,name\n1,张伟\n");
  EXPECT_TRUE(out.invalid_offsets.empty());
}

TEST(EncodingTest, Gb18030FourByteSequencesAndBom) {
  // GB18030 BOM (84 31 95 33), 𠀀 (95 32 82 36), € (A2 E3).
  DecodedText out = Decode(
      "\x84\x31\x95\x33"
      "a\x95\x32\x82\x36\xA2\xE3",
      Encoding::kGb18030);
  EXPECT_TRUE(out.had_bom);
  EXPECT_EQ(out.utf8, "a𠀀€");
  EXPECT_TRUE(out.invalid_offsets.empty());
}

TEST(EncodingTest, Gb18030BadBytesBecomeRecordedReplacements) {
  // 0xFF is never valid; a lead byte before a comma or newline is cut short:
  // neither may swallow the ASCII byte after it.
  DecodedText out = Decode(std::string("a\xFF"
                                       "b,\xD5,\xD5\nc") +
                               kZhangWeiGbk,
                           Encoding::kGb18030);
  EXPECT_EQ(out.utf8, "a\uFFFDb,\uFFFD,\uFFFD\nc张伟");
  ASSERT_EQ(out.invalid_offsets.size(), 3u);
  for (int64_t off : out.invalid_offsets) {
    EXPECT_EQ(out.utf8.substr(static_cast<size_t>(off), 3), kFffdUtf8);
  }
  EXPECT_EQ(out.invalid_offsets[0], 1);
  EXPECT_TRUE(IsValidUtf8(out.utf8));
}

TEST(EncodingTest, GenuineReplacementCharacterIsNotRecorded) {
  DecodedText utf8 = Decode("x\uFFFDy");
  EXPECT_EQ(utf8.utf8, "x\uFFFDy");
  EXPECT_TRUE(utf8.invalid_offsets.empty());
  // U+FFFD is 84 31 A4 37 in GB18030.
  DecodedText gb = Decode(std::string("x\x84\x31\xA4\x37y") + kZhangWeiGbk, Encoding::kGb18030);
  EXPECT_EQ(gb.utf8, "x\uFFFDy张伟");
  EXPECT_TRUE(gb.invalid_offsets.empty());
}

TEST(EncodingTest, MostlyValidUtf8StaysUtf8WithBadBytesRecorded) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "张伟,李娜\n";
  text += "Jos\xE9\n";  // one Latin-1 byte
  EncodingGuess guess = GuessEncoding(text);
  EXPECT_EQ(guess.encoding, Encoding::kUtf8);
  EXPECT_EQ(guess.utf8_invalid, 1);
  EXPECT_EQ(guess.utf8_multibyte, 800);
  DecodedText out = Decode(text);
  EXPECT_EQ(out.encoding, Encoding::kUtf8);
  ASSERT_EQ(out.invalid_offsets.size(), 1u);
  EXPECT_EQ(out.utf8.substr(static_cast<size_t>(out.invalid_offsets[0]) - 3), "Jos\uFFFD\n");
}

TEST(EncodingTest, Latin1ByteInAsciiStaysUtf8) {
  EXPECT_EQ(GuessEncoding("name\nJos\xE9\n").encoding, Encoding::kUtf8);
}

TEST(EncodingTest, ExplicitEncodingOverridesDetection) {
  const std::string gbk = std::string("1,") + kZhangWeiGbk + "\n";
  DecodedText as_utf8 = Decode(gbk, Encoding::kUtf8);
  EXPECT_EQ(as_utf8.encoding, Encoding::kUtf8);
  EXPECT_FALSE(as_utf8.invalid_offsets.empty());
  EXPECT_TRUE(IsValidUtf8(as_utf8.utf8));
  // Valid UTF-8 forced through GB18030 reads as (valid) mojibake.
  DecodedText as_gb = Decode("1,张\n", Encoding::kGb18030);
  EXPECT_EQ(as_gb.encoding, Encoding::kGb18030);
  EXPECT_NE(as_gb.utf8, "1,张\n");
  EXPECT_TRUE(IsValidUtf8(as_gb.utf8));
}

TEST(EncodingTest, InvalidUtf8IsRepairedByteByByte) {
  DecodedText out = Decode(
      "a\xE5\xBC"
      "b\xC0\x80",
      Encoding::kUtf8);
  EXPECT_EQ(out.utf8, "a\uFFFD\uFFFDb\uFFFD\uFFFD");
  EXPECT_EQ(out.invalid_offsets, (std::vector<int64_t>{1, 4, 8, 11}));
}

TEST(EncodingTest, EveryByteStringDecodesToValidUtf8) {
  std::string junk;
  for (int round = 0; round < 3; ++round) {
    for (int b = 255; b >= 0; --b) junk.push_back(static_cast<char>(b ^ (round * 37)));
  }
  for (Encoding e : {Encoding::kAuto, Encoding::kUtf8, Encoding::kGb18030}) {
    DecodedText out = Decode(junk, e);
    EXPECT_TRUE(IsValidUtf8(out.utf8)) << EncodingName(e);
    EXPECT_FALSE(out.invalid_offsets.empty()) << EncodingName(e);
    EXPECT_TRUE(std::is_sorted(out.invalid_offsets.begin(), out.invalid_offsets.end()));
    for (int64_t off : out.invalid_offsets) {
      EXPECT_EQ(out.utf8.substr(static_cast<size_t>(off), 3), kFffdUtf8);
    }
  }
}

TEST(EncodingTest, LargeGb18030InputCrossesChunks) {
  // Over several 64 KiB conversion chunks, with one bad byte far in.
  std::string gbk;
  std::string expected;
  for (int i = 0; i < 30000; ++i) {
    gbk += std::string(kZhangWeiGbk) + ",";
    expected += "张伟,";
    if (i % 7 == 0) {
      gbk += "\n";
      expected += "\n";
    }
    if (i == 25000) {
      gbk += "\x80";
      expected += "\uFFFD";
    }
  }
  DecodedText out = Decode(gbk);
  EXPECT_EQ(out.encoding, Encoding::kGb18030);
  EXPECT_EQ(out.utf8, expected);
  ASSERT_EQ(out.invalid_offsets.size(), 1u);
  EXPECT_EQ(out.utf8.substr(static_cast<size_t>(out.invalid_offsets[0]), 3), kFffdUtf8);
}

// Differential tests: the table-driven GB18030 decoder against ICU's
// streaming converter (its naive twin).
void ExpectSameAsIcu(const std::string& gb, const std::string& what) {
  auto fast = DecodeToUtf8(gb, Encoding::kGb18030);
  auto slow = DecodeGb18030WithIcu(gb);
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  EXPECT_EQ(fast->utf8.size(), slow->utf8.size()) << what;
  EXPECT_TRUE(fast->utf8 == slow->utf8) << what;
  EXPECT_EQ(fast->invalid_offsets, slow->invalid_offsets) << what;
  EXPECT_EQ(fast->had_bom, slow->had_bom) << what;
}

TEST(EncodingTest, Gb18030MatchesIcuOnEveryTwoByteCode) {
  std::string gb;
  for (int lead = 0x81; lead <= 0xFE; ++lead) {
    for (int trail = 0x40; trail <= 0xFE; ++trail) {
      if (trail == 0x7F) continue;
      gb.push_back(static_cast<char>(lead));
      gb.push_back(static_cast<char>(trail));
      if (trail % 16 == 0) gb += ",\n";
    }
  }
  ExpectSameAsIcu(gb, "two-byte plane");
}

TEST(EncodingTest, Gb18030MatchesIcuOnFourByteCodes) {
  std::string gb = "\x84\x31\x95\x33";  // BOM first
  auto add_range = [&gb](int b1_lo, int b1_hi) {
    for (int b1 = b1_lo; b1 <= b1_hi; ++b1) {
      for (int b2 = 0x30; b2 <= 0x39; ++b2) {
        for (int b3 = 0x81; b3 <= 0xFE; ++b3) {
          for (int b4 = 0x30; b4 <= 0x39; ++b4) {
            // Stop at U+FFFF (84 31 A4 39): the rest of 84-8F is unassigned.
            if (b1 == 0x84 &&
                (b2 > 0x31 || (b2 == 0x31 && (b3 > 0xA4 || (b3 == 0xA4 && b4 > 0x39))))) {
              continue;
            }
            gb += {static_cast<char>(b1), static_cast<char>(b2), static_cast<char>(b3),
                   static_cast<char>(b4)};
          }
        }
        gb += '\n';
      }
    }
  };
  add_range(0x81, 0x84);  // BMP
  add_range(0x90, 0x90);  // supplementary planes
  add_range(0xA0, 0xA0);
  ExpectSameAsIcu(gb, "four-byte codes");
}

TEST(EncodingTest, Gb18030MatchesIcuOnRandomWellFormedText) {
  uint32_t state = 12345;
  auto next = [&state](uint32_t n) {
    state = state * 1103515245u + 12345u;
    return (state >> 8) % n;
  };
  std::string gb;
  for (int i = 0; i < 50000; ++i) {
    switch (next(4)) {
      case 0: gb.push_back(static_cast<char>(next(0x80))); break;
      case 1:
      case 2: {
        const auto lead = static_cast<char>(0x81 + next(126));
        auto trail = static_cast<char>(0x40 + next(191));
        if (trail == 0x7F) trail = 0x40;
        gb += {lead, trail};
        break;
      }
      default:
        gb += {static_cast<char>(0x81 + next(3)), static_cast<char>(0x30 + next(10)),
               static_cast<char>(0x81 + next(126)), static_cast<char>(0x30 + next(10))};
    }
  }
  ExpectSameAsIcu(gb, "random well-formed");
}

TEST(EncodingTest, Gb18030IllFormedInputKeepsAsciiBytes) {
  // ICU may fold a bad lead and its bad trail into one U+FFFD; the fast
  // decoder never consumes an ASCII byte into a replacement.
  uint32_t state = 777;
  std::string junk;
  for (int i = 0; i < 20000; ++i) {
    state = state * 1103515245u + 12345u;
    junk.push_back(static_cast<char>(state >> 16));
  }
  auto fast = DecodeToUtf8(junk, Encoding::kGb18030);
  ASSERT_TRUE(fast.ok());
  EXPECT_TRUE(IsValidUtf8(fast->utf8));
  for (int64_t off : fast->invalid_offsets) {
    EXPECT_EQ(fast->utf8.substr(static_cast<size_t>(off), 3), kFffdUtf8);
  }
  auto count = [](const std::string& s, char c) { return std::count(s.begin(), s.end(), c); };
  for (char c : {'\n', '\r', ',', '"', '\t', ';'}) {
    EXPECT_EQ(count(fast->utf8, c), count(junk, c)) << static_cast<int>(c);
  }
}

}  // namespace
}  // namespace vitalink::ingest
