// Minimal RFC 4180 CSV output: quote a field only when it needs it.
//
//   std::string line;
//   AppendCsvField(line, "张伟, Jr.");  // "\"张伟, Jr.\""
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace vitalink {

/// Append `field` to `out`, quoted (with doubled quotes) when it holds a comma,
/// quote, CR or LF, or starts/ends with a space.
void AppendCsvField(std::string& out, std::string_view field);

/// Append the fields joined by commas and a final '\n'.
void AppendCsvRow(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace vitalink
