// Parse a rule expression into an untyped syntax tree (see docs/RULES.md).
//
//   ExprError err;
//   auto e = ParseExpression("if is_present(x) then x in ['1', '2']", &err);
//   if (!e.ok()) std::cerr << e.status().message();   // "expr:1:12: ..."
//
// Precedence, loosest first: `if A then B`; or; and; not; comparisons and
// `in` (non-associative); + -; * /; unary minus. A field may be qualified,
// `l.name` / `r.name` (Expr::qualifier), for pair expressions; the binder
// decides where qualified fields are allowed (BindOptions::pair_fields).
#pragma once

#include <string_view>

#include "vitalink/check/ast.h"
#include "vitalink/common/status.h"

namespace vitalink::check {

/// Parse `text` as one expression. On failure return ParseError
/// "expr:LINE:COL: message, hint" and, when `error` is non-null, fill it with
/// the byte offset so callers can map it to a file position. Never recurses
/// deeper than kMaxExprDepth; safe on arbitrary bytes.
Result<ExprPtr> ParseExpression(std::string_view text, ExprError* error = nullptr);

}  // namespace vitalink::check
