// Tokens of the rule expression language.
//
//   std::vector<Token> tokens;
//   ExprError err;
//   if (!Lex("age_at(birth_date, today()) <= 120", &tokens, &err)) report(err);
//
// Strings take '...' or "..."; inside them a backslash escapes only the quote
// and the backslash itself, so regular expressions keep their own escapes ('\d').
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/check/ast.h"

namespace vitalink::check {

enum class TokenKind {
  kEnd,
  kIdent,     // field or function name
  kKeyword,   // and or not if then in true false
  kNumber,
  kString,    // text holds the unescaped value
  kOperator,  // == != < <= > >= + - * /
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,       // the '.' of a qualified field (l.name, r.name)
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier, keyword, operator or number spelling; string value
  Span span;
};

/// Split `text` into tokens ending with one kEnd token. On a lexical error
/// return false and describe it in `error` (offset, message, hint).
bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error);

}  // namespace vitalink::check
