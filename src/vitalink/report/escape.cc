#include "vitalink/report/escape.h"

#include "vitalink/common/utf8.h"

namespace vitalink::report {
namespace {

bool IsBidiControl(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

bool IsControl(char32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
}

// The minimum code point for each encoded length: anything below is an overlong form.
char32_t MinForLength(size_t len) {
  switch (len) {
    case 2: return 0x80;
    case 3: return 0x800;
    case 4: return 0x10000;
    default: return 0;
  }
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    NextCodePoint(text, pos, cp);
    const size_t len = pos - start;
    // NextCodePoint accepts overlongs, surrogates and values past U+10FFFF: treat them
    // as ill-formed too, so the page is always valid UTF-8.
    if (len > 1 && (cp < MinForLength(len) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)) {
      cp = 0xFFFD;
    }
    switch (cp) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&#39;"; continue;
      default: break;
    }
    if (IsBidiControl(cp)) continue;
    if (IsControl(cp)) cp = 0xFFFD;
    if (cp == 0xFFFD || len == 1) {
      AppendUtf8(cp, out);
    } else {
      out.append(text.substr(start, len));
    }
  }
  return out;
}

std::string TruncateForDisplay(std::string_view text, size_t max_code_points) {
  if (max_code_points == 0) return {};
  size_t pos = 0;
  size_t count = 0;
  size_t cut = 0;  // byte offset after max_code_points - 1 code points
  char32_t cp = 0;
  while (pos < text.size()) {
    if (count == max_code_points - 1) cut = pos;
    NextCodePoint(text, pos, cp);
    ++count;
    if (count > max_code_points) return std::string(text.substr(0, cut)) + "…";
  }
  return std::string(text);
}

}  // namespace vitalink::report
