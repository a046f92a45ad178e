#include "vitalink/common/csv_writer.h"

namespace vitalink {

void AppendCsvField(std::string& out, std::string_view field) {
  bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ');
  for (char c : field) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

namespace {
bool StartsLikeAFormula(std::string_view text) {
  if (text.empty()) return false;
  const char c = text.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}
}  // namespace

std::string SpreadsheetText(std::string_view text) {
  return StartsLikeAFormula(text) ? "'" + std::string(text) : std::string(text);
}

std::string_view FromSpreadsheetText(std::string_view text) {
  if (text.size() >= 2 && text.front() == '\'' && StartsLikeAFormula(text.substr(1))) text.remove_prefix(1);
  return text;
}

void AppendCsvRow(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out.push_back(',');
    first = false;
    AppendCsvField(out, f);
  }
  out.push_back('\n');
}

}  // namespace vitalink
