// Small, fast UTF-8 helpers: validation, decoding and encoding of code points.
//
//   if (!IsValidUtf8(bytes)) reject();
//   size_t pos = 0; char32_t cp;
//   while (NextCodePoint(text, pos, cp)) { ... }
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vitalink {

/// Return the length (2–4) of the well-formed multibyte UTF-8 sequence starting
/// at `p` (whose first byte is ≥ 0x80) with `avail` bytes available, or 0 when
/// it is ill-formed (overlong, surrogate, above U+10FFFF, truncated). The one
/// definition of well-formedness every UTF-8 scanner here shares.
inline size_t WellFormedUtf8Length(const unsigned char* p, size_t avail) {
  const unsigned char c = p[0];
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (len > avail || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
  }
  return len;
}

/// Return the offset of the first byte that is not well-formed UTF-8
/// (overlongs, surrogates and values above U+10FFFF are ill-formed), or
/// std::string_view::npos when all of `s` is valid.
size_t FindInvalidUtf8(std::string_view s);

/// Return true when all of `s` is well-formed UTF-8.
inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

/// Return true when every byte of `s` is ASCII.
bool IsAscii(std::string_view s);

/// Decode the code point at `pos` of valid UTF-8 `s` into `cp` and advance
/// `pos`; return false at the end. On an ill-formed byte, yield U+FFFD and skip it.
bool NextCodePoint(std::string_view s, size_t& pos, char32_t& cp);

/// Append the UTF-8 encoding of `cp` to `out`.
void AppendUtf8(char32_t cp, std::string& out);

/// Return the number of code points in valid UTF-8 `s`.
size_t CodePointCount(std::string_view s);

}  // namespace vitalink
