// HTML escaping for every string that comes from data (names, codes, labels, notes).
//
//   out += "<td>" + EscapeHtml(row.name) + "</td>";
//   out += "<text>" + EscapeHtml(TruncateForDisplay(row.name, 8)) + "</text>";
//
// The result is safe in HTML text, in double- or single-quoted attribute values and
// in inline SVG text. It is also cleaned for display, so one hostile name cannot
// garble the rest of the page: invalid UTF-8 and control characters become U+FFFD,
// and bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069, U+200E,
// U+200F, U+061C), which could reverse the text shown after them, are removed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vitalink::report {

/// Return `text` with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;, invalid
/// UTF-8 and C0/C1 control characters (other than tab and line feed) replaced by
/// U+FFFD, and bidirectional formatting characters removed. O(n).
std::string EscapeHtml(std::string_view text);

/// Return `text` cut to at most `max_code_points` code points, the last being "…"
/// when cut. Never splits a UTF-8 sequence. Does not escape.
std::string TruncateForDisplay(std::string_view text, size_t max_code_points);

}  // namespace vitalink::report
