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
