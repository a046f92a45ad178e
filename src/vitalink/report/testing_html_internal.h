// Test-only HTML checks shared by the report tests (report stage only).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace vitalink::report::internal {

/// Return "" when every element the bulletin emits is closed in order (void
/// elements and "/>" excepted; <style> content and <!...> skipped), else the first
/// problem.
inline std::string CheckBalancedTags(std::string_view html) {
  static const std::vector<std::string_view> kVoid = {"meta", "br", "link", "img", "hr", "input", "col"};
  std::vector<std::string> stack;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    if (html.substr(pos, 2) == "<!") {
      pos = html.find('>', pos);
      if (pos == std::string_view::npos) return "unterminated <!";
      continue;
    }
    const size_t end = html.find('>', pos);
    if (end == std::string_view::npos) return "unterminated tag at " + std::to_string(pos);
    std::string_view tag = html.substr(pos + 1, end - pos - 1);
    const bool closing = !tag.empty() && tag[0] == '/';
    if (closing) tag.remove_prefix(1);
    const bool self_closing = !tag.empty() && tag.back() == '/';
    const size_t name_end = tag.find_first_of(" \t\n/");
    const std::string name(tag.substr(0, name_end));
    if (name.empty()) return "empty tag name at " + std::to_string(pos);
    if (closing) {
      if (stack.empty() || stack.back() != name) {
        return "</" + name + "> at " + std::to_string(pos) + " closes <" + (stack.empty() ? "" : stack.back()) + ">";
      }
      stack.pop_back();
    } else if (!self_closing && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      stack.push_back(name);
      if (name == "style") {
        const size_t close = html.find("</style>", end);
        if (close == std::string_view::npos) return "unterminated <style>";
        pos = close;
        continue;
      }
    }
    pos = end + 1;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  return "";
}

/// Split CSV text (RFC 4180, '\n' line ends) into rows of fields.
inline std::vector<std::vector<std::string>> ParseCsvForTest(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') {
        field += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  return rows;
}

}  // namespace vitalink::report::internal
