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

/// Return `text` safe to open in a spreadsheet: a cell starting with = + - @ (or a tab or
/// CR) would run as a formula, so such text gets a leading apostrophe and stays text.
/// For text from data (names!) in files staff open in Excel or WPS.
std::string SpreadsheetText(std::string_view text);

/// Undo SpreadsheetText on a field read back: drop the apostrophe it added.
std::string_view FromSpreadsheetText(std::string_view text);

/// Append the fields joined by commas and a final '\n'.
void AppendCsvRow(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace vitalink
