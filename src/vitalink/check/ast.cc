#include "vitalink/check/ast.h"

#include "vitalink/common/utf8.h"

namespace vitalink::check {

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kNone: return "";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kAnd: return "and";
    case Op::kOr: return "or";
    case Op::kNot: return "not";
    case Op::kNeg: return "-";
  }
  return "";
}

std::string ToDebugString(const Expr& e) {
  std::string out;
  switch (e.kind) {
    case ExprKind::kNumber: return e.text;
    case ExprKind::kString: return "'" + e.text + "'";
    case ExprKind::kBool: return e.bool_value ? "true" : "false";
    case ExprKind::kField: return e.qualifier.empty() ? e.text : e.qualifier + "." + e.text;
    case ExprKind::kUnary:
    case ExprKind::kBinary: out = "(" + std::string(OpName(e.op)); break;
    case ExprKind::kIn: out = e.negated ? "(not-in" : "(in"; break;
    case ExprKind::kIf: out = "(if"; break;
    case ExprKind::kCall: out = "(" + e.text; break;
  }
  for (const auto& a : e.args) out += " " + ToDebugString(*a);
  return out + ")";
}

TextPosition PositionOf(std::string_view text, int32_t offset) {
  TextPosition p;
  const size_t end = std::min(text.size(), static_cast<size_t>(offset < 0 ? 0 : offset));
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < end && NextCodePoint(text, pos, cp)) {
    if (cp == U'\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::string ExprError::Text() const { return hint.empty() ? message : message + ", " + hint; }

}  // namespace vitalink::check
