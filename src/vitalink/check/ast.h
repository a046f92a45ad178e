// The untyped syntax tree of a rule expression, as the parser produces it.
//
// Every node remembers the byte span it came from, so the binder and the rule
// file loader can point at the exact character of an error. Trees are
// immutable once parsed and shared between copies of a Rule.
//
//   VL_ASSIGN_OR_RETURN(ExprPtr e, ParseExpression("age_at(birth_date, today()) <= 120"));
//   std::string s = ToDebugString(*e);   // "(<= (age_at birth_date (today)) 120)"
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vitalink::check {

/// Deepest nesting the parser accepts; keeps every recursive walk (binder,
/// printer, destructor) far from the stack limit, whatever the input.
inline constexpr int kMaxExprDepth = 128;

enum class ExprKind {
  kNumber,  // 12, 0.99
  kString,  // 'abc' or "abc"
  kBool,    // true, false
  kField,   // birth_date, or l.birth_date / r.birth_date in pair expressions
  kUnary,   // not x, -x
  kBinary,  // a + b, a == b, a and b
  kIn,      // x in [..], x not in [..]; args[0] = x, args[1..] = list items
  kIf,      // if a then b
  kCall,    // f(a, b)
};

enum class Op { kNone, kEq, kNe, kLt, kLe, kGt, kGe, kAdd, kSub, kMul, kDiv, kAnd, kOr, kNot, kNeg };

/// Return the operator's spelling ("==", "and", "-").
std::string_view OpName(Op op);

/// A byte range [offset, offset + length) of the expression text.
struct Span {
  int32_t offset = 0;
  int32_t length = 0;
};

struct Expr {
  ExprKind kind = ExprKind::kNumber;
  Op op = Op::kNone;
  Span span;           // the whole node
  Span name_span;      // the field or function name, or the operator token
  std::string text;    // field or function name; string literal value; number spelling
  std::string qualifier;  // kField: the record of a pair expression, "l" in l.name (else empty)
  bool is_integer = false;  // kNumber: no fraction part
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  bool negated = false;  // kIn: `not in`
  int depth = 1;         // 1 for leaves
  std::vector<std::unique_ptr<const Expr>> args;
};

using ExprPtr = std::unique_ptr<const Expr>;

/// Return a Lisp-like rendering of `e` ("(and (== sex '1') (in x '1' '2'))"), for tests and logs.
std::string ToDebugString(const Expr& e);

/// 1-based line and column (in code points) of a byte offset of a text.
struct TextPosition {
  int line = 1;
  int column = 1;
};

/// Return the line and column of byte `offset` in `text` (columns count code points).
TextPosition PositionOf(std::string_view text, int32_t offset);

/// A problem found at a byte offset of an expression: what and a hint.
struct ExprError {
  int32_t offset = 0;
  std::string message;  // "unknown field 'birthdate'"
  std::string hint;     // "did you mean 'birth_date'?" (may be empty)

  /// Return "message, hint" (or just the message).
  std::string Text() const;
};

}  // namespace vitalink::check
