// Text encodings of input files: names, detection and conversion to UTF-8.
//
// Register extracts arrive as UTF-8 (with or without a BOM) or as GB18030 and
// its subsets GBK/GB2312. DecodeToUtf8 turns any byte string into valid UTF-8:
// bytes that cannot be decoded become U+FFFD and their output offsets are
// recorded, so a reader can flag exactly the rows that contained them (a
// genuine U+FFFD in the input is never recorded).
//
//   VL_ASSIGN_OR_RETURN(Encoding enc, ParseEncodingName(config_value));
//   VL_ASSIGN_OR_RETURN(DecodedText text, DecodeToUtf8(std::move(bytes), enc));
//   for (int64_t off : text.invalid_offsets) { ... text.utf8[off..off+3) is U+FFFD ... }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"

namespace vitalink::ingest {

enum class Encoding { kAuto, kUtf8, kGb18030 };

/// Return the canonical name: "auto", "utf-8" or "gb18030".
std::string_view EncodingName(Encoding encoding);

/// Parse an encoding name, case-insensitively: "auto"; "utf-8", "utf8";
/// "gb18030", "gbk", "gb2312" (both subsets are decoded as GB18030).
/// Return InvalidArgument for anything else.
Result<Encoding> ParseEncodingName(std::string_view name);

/// Counts behind an automatic encoding decision (exposed for tests and logs).
struct EncodingGuess {
  Encoding encoding = Encoding::kUtf8;  ///< never kAuto
  int64_t utf8_invalid = 0;             ///< ill-formed UTF-8 bytes
  int64_t utf8_multibyte = 0;           ///< well-formed UTF-8 sequences of 2-4 bytes
  int64_t gb18030_invalid = 0;          ///< bytes that start no well-formed GB18030 sequence
  int64_t gb18030_multibyte = 0;        ///< well-formed GB18030 sequences of 2 or 4 bytes
};

/// Guess the encoding of `bytes` (BOM already removed). Valid UTF-8 is UTF-8;
/// text that is mostly valid UTF-8 (at most 20% of its non-ASCII sequences
/// ill-formed; GBK text scores about 90%) stays UTF-8 with those bytes
/// flagged; otherwise GB18030 is
/// chosen when it reads with at most 2% errors or with under a quarter of the
/// UTF-8 errors; anything else (binary junk) is read as UTF-8 and flagged.
/// Cost: one pass over the bytes when they are valid UTF-8, three otherwise.
EncodingGuess GuessEncoding(std::string_view bytes);

/// UTF-8 text produced by DecodeToUtf8.
struct DecodedText {
  std::string utf8;                     ///< always well-formed UTF-8
  Encoding encoding = Encoding::kUtf8;  ///< the encoding used, never kAuto
  bool had_bom = false;                 ///< a byte order mark was removed
  /// Sorted byte offsets into `utf8` of each U+FFFD that replaced undecodable input.
  std::vector<int64_t> invalid_offsets;
};

/// Convert `bytes` to UTF-8. Remove a leading BOM (EF BB BF for UTF-8; the
/// GB18030 BOM 84 31 95 33). With kAuto, a UTF-8 BOM means UTF-8, otherwise
/// GuessEncoding decides. Ill-formed UTF-8 bytes and undecodable GB18030
/// sequences become U+FFFD, recorded in `invalid_offsets`. Valid UTF-8 input is
/// moved, not copied. Return Internal only if ICU cannot open its converter.
Result<DecodedText> DecodeToUtf8(std::string bytes, Encoding encoding);

/// Convert GB18030 `bytes` to UTF-8 by streaming them through ICU's converter
/// (BOM removed, undecodable input recorded as U+FFFD). This is the slow
/// reference twin of the GB18030 path of DecodeToUtf8, which decodes two-byte
/// characters from a table: on well-formed input both agree exactly; on
/// ill-formed input ICU may fold a bad lead byte and its bad trail into one
/// U+FFFD where DecodeToUtf8 emits one per byte.
Result<DecodedText> DecodeGb18030WithIcu(std::string_view bytes);

}  // namespace vitalink::ingest
