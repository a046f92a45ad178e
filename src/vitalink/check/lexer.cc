#include "vitalink/check/lexer.h"

#include <array>

namespace vitalink::check {
namespace {

constexpr std::array<std::string_view, 7> kKeywords = {"and", "or", "not", "if", "then", "in",
                                                       "true"};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsKeyword(std::string_view word) {
  if (word == "false") return true;
  for (std::string_view k : kKeywords) {
    if (word == k) return true;
  }
  return false;
}

Span MakeSpan(size_t begin, size_t end) {
  return {static_cast<int32_t>(begin), static_cast<int32_t>(end - begin)};
}

}  // namespace

bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error) {
  tokens->clear();
  // Expressions live in rule files; anything larger is not a rule.
  if (text.size() > (1u << 20)) {
    *error = {0, "expression longer than 1 MiB", ""};
    return false;
  }
  size_t i = 0;
  const size_t n = text.size();
  auto fail = [&](size_t at, std::string message, std::string hint) {
    *error = {static_cast<int32_t>(at), std::move(message), std::move(hint)};
    return false;
  };
  while (i < n) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const size_t begin = i;
    Token t;
    if (IsIdentStart(c)) {
      while (i < n && (IsIdentStart(text[i]) || IsDigit(text[i]))) ++i;
      t.text = std::string(text.substr(begin, i - begin));
      t.kind = IsKeyword(t.text) ? TokenKind::kKeyword : TokenKind::kIdent;
    } else if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(text[i + 1]))) {
      while (i < n && IsDigit(text[i])) ++i;
      if (i < n && text[i] == '.') {
        ++i;
        while (i < n && IsDigit(text[i])) ++i;
      }
      if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < n && IsDigit(text[j])) {
          i = j;
          while (i < n && IsDigit(text[i])) ++i;
        }
      }
      if (i < n && IsIdentStart(text[i])) {
        return fail(begin, "malformed number '" + std::string(text.substr(begin, i + 1 - begin)) + "'",
                    "a field name cannot start with a digit");
      }
      t.kind = TokenKind::kNumber;
      t.text = std::string(text.substr(begin, i - begin));
    } else if (c == '\'' || c == '"') {
      const char quote = c;
      ++i;
      bool closed = false;
      while (i < n) {
        const char d = text[i];
        if (d == quote) {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < n && (text[i + 1] == quote || text[i + 1] == '\\')) {
          t.text += text[i + 1];
          i += 2;
          continue;
        }
        if (d == '\n') break;
        t.text += d;
        ++i;
      }
      if (!closed) {
        return fail(begin, "unterminated string", std::string("close it with ") + quote);
      }
      t.kind = TokenKind::kString;
    } else {
      t.kind = TokenKind::kOperator;
      const char next = i + 1 < n ? text[i + 1] : '\0';
      switch (c) {
        case '(': t.kind = TokenKind::kLParen; ++i; break;
        case ')': t.kind = TokenKind::kRParen; ++i; break;
        case '[': t.kind = TokenKind::kLBracket; ++i; break;
        case ']': t.kind = TokenKind::kRBracket; ++i; break;
        case ',': t.kind = TokenKind::kComma; ++i; break;
        case '.': t.kind = TokenKind::kDot; ++i; break;
        case '+': case '-': case '*': case '/': ++i; break;
        case '=':
          if (next != '=') return fail(begin, "unexpected '='", "use '==' to compare");
          i += 2;
          break;
        case '!':
          if (next != '=') return fail(begin, "unexpected '!'", "use 'not' to negate");
          i += 2;
          break;
        case '<':
          if (next == '>') return fail(begin, "unexpected '<>'", "use '!=' for 'not equal'");
          i += next == '=' ? 2 : 1;
          break;
        case '>': i += next == '=' ? 2 : 1; break;
        case '&':
          return fail(begin, "unexpected '&'", "use 'and'");
        case '|':
          return fail(begin, "unexpected '|'", "use 'or'");
        default: {
          std::string what = (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                                 ? "unexpected character"
                                 : std::string("unexpected character '") + c + "'";
          std::string hint;
          if (static_cast<unsigned char>(c) >= 0x80) hint = "quote text values: '男'";
          return fail(begin, what, hint);
        }
      }
      if (t.kind == TokenKind::kOperator) t.text = std::string(text.substr(begin, i - begin));
    }
    t.span = MakeSpan(begin, i);
    tokens->push_back(std::move(t));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.span = MakeSpan(n, n);
  tokens->push_back(std::move(end));
  return true;
}

}  // namespace vitalink::check
