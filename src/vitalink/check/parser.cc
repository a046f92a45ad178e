#include "vitalink/check/parser.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "vitalink/check/lexer.h"

namespace vitalink::check {
namespace {

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  bool Parse(ExprPtr* out, ExprError* error) {
    *out = ParseImplication();
    if (*out != nullptr && Peek().kind != TokenKind::kEnd) {
      const Token& t = Peek();
      std::string hint;
      if (t.kind == TokenKind::kIdent || t.kind == TokenKind::kString || t.kind == TokenKind::kNumber) {
        hint = "join conditions with 'and' or 'or'";
      } else if (t.kind == TokenKind::kRParen) {
        hint = "unbalanced ')'";
      } else if (t.kind == TokenKind::kOperator && IsComparison(t.text)) {
        hint = "comparisons do not chain: write 'a < b and b < c'";
      }
      Fail(t.span.offset, "unexpected " + Describe(t), hint);
      out->reset();
    }
    if (*out == nullptr) {
      *error = error_;
      return false;
    }
    return true;
  }

 private:
  using Node = std::unique_ptr<Expr>;

  static bool IsComparison(std::string_view op) {
    return op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
  }

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsKeyword(std::string_view k) const {
    return Peek().kind == TokenKind::kKeyword && Peek().text == k;
  }
  bool IsOperator(std::string_view op) const {
    return Peek().kind == TokenKind::kOperator && Peek().text == op;
  }

  std::string Describe(const Token& t) const {
    switch (t.kind) {
      case TokenKind::kEnd: return "end of expression";
      case TokenKind::kString: return "string '" + t.text + "'";
      default: return "'" + t.text + "'";
    }
  }
  std::string DescribePeek() const {
    const Token& t = Peek();
    if (t.kind == TokenKind::kLParen) return "'('";
    if (t.kind == TokenKind::kRParen) return "')'";
    if (t.kind == TokenKind::kLBracket) return "'['";
    if (t.kind == TokenKind::kRBracket) return "']'";
    if (t.kind == TokenKind::kComma) return "','";
    if (t.kind == TokenKind::kDot) return "'.'";
    return Describe(t);
  }

  std::nullptr_t Fail(int32_t offset, std::string message, std::string hint = "") {
    if (!failed_) {
      failed_ = true;
      error_ = {offset, std::move(message), std::move(hint)};
    }
    return nullptr;
  }

  // Depth guard: every recursive descent passes through Enter().
  struct DepthGuard {
    explicit DepthGuard(Parser* p) : parser(p) { ++parser->depth_; }
    ~DepthGuard() { --parser->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser* parser;
  };
  bool TooDeep() {
    // Each nesting level passes through three guarded functions.
    if (depth_ > 3 * kMaxExprDepth) {
      Fail(Peek().span.offset, "expression nested too deeply",
           "at most " + std::to_string(kMaxExprDepth) + " levels");
      return true;
    }
    return false;
  }

  Node Finish(Node n, int32_t begin, int32_t end) {
    n->span = {begin, end - begin};
    int depth = 0;
    for (const auto& a : n->args) depth = std::max(depth, a->depth);
    n->depth = depth + 1;
    if (n->depth > kMaxExprDepth) {
      return Fail(begin, "expression nested too deeply",
                  "at most " + std::to_string(kMaxExprDepth) + " levels; split the rule");
    }
    return n;
  }
  int32_t End(const Expr& e) const { return e.span.offset + e.span.length; }
  int32_t PrevEnd() const {
    const Token& t = tokens_[pos_ == 0 ? 0 : pos_ - 1];
    return t.span.offset + t.span.length;
  }

  Node Binary(Op op, Span op_span, Node lhs, Node rhs) {
    auto n = std::make_unique<Expr>();
    n->kind = ExprKind::kBinary;
    n->op = op;
    n->name_span = op_span;
    const int32_t begin = lhs->span.offset;
    const int32_t end = End(*rhs);
    n->args.push_back(std::move(lhs));
    n->args.push_back(std::move(rhs));
    return Finish(std::move(n), begin, end);
  }

  // implication := 'if' or 'then' implication | or
  Node ParseImplication() {
    DepthGuard guard(this);
    if (TooDeep()) return nullptr;
    if (!IsKeyword("if")) return ParseOr();
    const Token if_tok = Next();
    Node cond = ParseOr();
    if (cond == nullptr) return nullptr;
    if (!IsKeyword("then")) {
      std::string hint = "write 'if A then B'";
      if (IsKeyword("else")) hint = "there is no 'else': write two rules";
      return Fail(Peek().span.offset, "expected 'then', found " + DescribePeek(), hint);
    }
    Next();
    Node then = ParseImplication();
    if (then == nullptr) return nullptr;
    auto n = std::make_unique<Expr>();
    n->kind = ExprKind::kIf;
    n->name_span = if_tok.span;
    const int32_t end = End(*then);
    n->args.push_back(std::move(cond));
    n->args.push_back(std::move(then));
    return Finish(std::move(n), if_tok.span.offset, end);
  }

  Node ParseOr() {
    Node lhs = ParseAnd();
    while (lhs != nullptr && IsKeyword("or")) {
      const Span op = Next().span;
      Node rhs = IsKeyword("if") ? ParseImplication() : ParseAnd();
      if (rhs == nullptr) return nullptr;
      lhs = Binary(Op::kOr, op, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  Node ParseAnd() {
    Node lhs = ParseNot();
    while (lhs != nullptr && IsKeyword("and")) {
      const Span op = Next().span;
      Node rhs = IsKeyword("if") ? ParseImplication() : ParseNot();
      if (rhs == nullptr) return nullptr;
      lhs = Binary(Op::kAnd, op, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  Node ParseNot() {
    DepthGuard guard(this);
    if (TooDeep()) return nullptr;
    if (!IsKeyword("not")) return ParseComparison();
    const Token tok = Next();
    Node operand = ParseNot();
    if (operand == nullptr) return nullptr;
    auto n = std::make_unique<Expr>();
    n->kind = ExprKind::kUnary;
    n->op = Op::kNot;
    n->name_span = tok.span;
    const int32_t end = End(*operand);
    n->args.push_back(std::move(operand));
    return Finish(std::move(n), tok.span.offset, end);
  }

  static Op ComparisonOp(std::string_view s) {
    if (s == "==") return Op::kEq;
    if (s == "!=") return Op::kNe;
    if (s == "<") return Op::kLt;
    if (s == "<=") return Op::kLe;
    if (s == ">") return Op::kGt;
    return Op::kGe;
  }

  Node ParseComparison() {
    Node lhs = ParseAdditive();
    if (lhs == nullptr) return nullptr;
    if (Peek().kind == TokenKind::kOperator && IsComparison(Peek().text)) {
      const Token op = Next();
      Node rhs = ParseAdditive();
      if (rhs == nullptr) return nullptr;
      return Binary(ComparisonOp(op.text), op.span, std::move(lhs), std::move(rhs));
    }
    bool negated = false;
    if (IsKeyword("not") && pos_ + 1 < tokens_.size() && tokens_[pos_ + 1].kind == TokenKind::kKeyword &&
        tokens_[pos_ + 1].text == "in") {
      Next();
      negated = true;
    }
    if (!IsKeyword("in")) return lhs;
    const Token in_tok = Next();
    if (Peek().kind != TokenKind::kLBracket) {
      return Fail(Peek().span.offset, "expected '[' after 'in', found " + DescribePeek(),
                  "write x in ['1', '2']");
    }
    Next();
    auto n = std::make_unique<Expr>();
    n->kind = ExprKind::kIn;
    n->negated = negated;
    n->name_span = in_tok.span;
    const int32_t begin = lhs->span.offset;
    n->args.push_back(std::move(lhs));
    if (Peek().kind != TokenKind::kRBracket) {
      while (true) {
        Node item = ParseAdditive();
        if (item == nullptr) return nullptr;
        n->args.push_back(std::move(item));
        if (Peek().kind == TokenKind::kComma) {
          Next();
          continue;
        }
        if (Peek().kind == TokenKind::kRBracket) break;
        return Fail(Peek().span.offset, "expected ',' or ']' in list, found " + DescribePeek());
      }
    }
    Next();
    return Finish(std::move(n), begin, PrevEnd());
  }

  Node ParseAdditive() {
    Node lhs = ParseMultiplicative();
    while (lhs != nullptr && (IsOperator("+") || IsOperator("-"))) {
      const Token op = Next();
      Node rhs = ParseMultiplicative();
      if (rhs == nullptr) return nullptr;
      lhs = Binary(op.text == "+" ? Op::kAdd : Op::kSub, op.span, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  Node ParseMultiplicative() {
    Node lhs = ParseUnary();
    while (lhs != nullptr && (IsOperator("*") || IsOperator("/"))) {
      const Token op = Next();
      Node rhs = ParseUnary();
      if (rhs == nullptr) return nullptr;
      lhs = Binary(op.text == "*" ? Op::kMul : Op::kDiv, op.span, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  Node ParseUnary() {
    DepthGuard guard(this);
    if (TooDeep()) return nullptr;
    if (!IsOperator("-")) return ParsePrimary();
    const Token tok = Next();
    Node operand = ParseUnary();
    if (operand == nullptr) return nullptr;
    auto n = std::make_unique<Expr>();
    n->kind = ExprKind::kUnary;
    n->op = Op::kNeg;
    n->name_span = tok.span;
    const int32_t end = End(*operand);
    n->args.push_back(std::move(operand));
    return Finish(std::move(n), tok.span.offset, end);
  }

  Node ParseNumber(const Token& t) {
    auto n = std::make_unique<Expr>();
    n->kind = ExprKind::kNumber;
    n->text = t.text;
    n->span = n->name_span = t.span;
    const bool integral = t.text.find_first_of(".eE") == std::string::npos;
    if (integral) {
      auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), n->int_value);
      if (ec != std::errc() || p != t.text.data() + t.text.size()) {
        return Fail(t.span.offset, "integer '" + t.text + "' out of range");
      }
      n->is_integer = true;
      n->float_value = static_cast<double>(n->int_value);
    } else {
      n->float_value = std::strtod(t.text.c_str(), nullptr);
      if (!std::isfinite(n->float_value)) return Fail(t.span.offset, "number '" + t.text + "' out of range");
    }
    return n;
  }

  Node ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        const Token tok = Next();
        return ParseNumber(tok);
      }
      case TokenKind::kString: {
        const Token tok = Next();
        auto n = std::make_unique<Expr>();
        n->kind = ExprKind::kString;
        n->text = tok.text;
        n->span = n->name_span = tok.span;
        return n;
      }
      case TokenKind::kKeyword: {
        if (t.text == "true" || t.text == "false") {
          const Token tok = Next();
          auto n = std::make_unique<Expr>();
          n->kind = ExprKind::kBool;
          n->bool_value = tok.text == "true";
          n->text = tok.text;
          n->span = n->name_span = tok.span;
          return n;
        }
        if (t.text == "if") return ParseImplication();
        if (t.text == "not") return ParseNot();
        return Fail(t.span.offset, "expected a value, found '" + t.text + "'",
                    "'" + t.text + "' is a keyword");
      }
      case TokenKind::kIdent: {
        const Token tok = Next();
        if (Peek().kind == TokenKind::kDot) {
          // A qualified field of a pair expression: l.name, r.name.
          Next();
          if (Peek().kind != TokenKind::kIdent) {
            return Fail(Peek().span.offset, "expected a field name after '" + tok.text + ".', found " + DescribePeek(),
                        "write " + tok.text + ".name");
          }
          const Token field = Next();
          if (Peek().kind == TokenKind::kLParen) {
            return Fail(field.span.offset, "'" + tok.text + "." + field.text + "' is not a function",
                        "qualify the fields inside the call: f(" + tok.text + ".x)");
          }
          auto n = std::make_unique<Expr>();
          n->kind = ExprKind::kField;
          n->qualifier = tok.text;
          n->text = field.text;
          n->name_span = field.span;
          n->span = {tok.span.offset, field.span.offset + field.span.length - tok.span.offset};
          return n;
        }
        if (Peek().kind != TokenKind::kLParen) {
          auto n = std::make_unique<Expr>();
          n->kind = ExprKind::kField;
          n->text = tok.text;
          n->span = n->name_span = tok.span;
          return n;
        }
        Next();
        auto n = std::make_unique<Expr>();
        n->kind = ExprKind::kCall;
        n->text = tok.text;
        n->name_span = tok.span;
        if (Peek().kind != TokenKind::kRParen) {
          while (true) {
            Node arg = ParseImplication();
            if (arg == nullptr) return nullptr;
            n->args.push_back(std::move(arg));
            if (Peek().kind == TokenKind::kComma) {
              Next();
              continue;
            }
            if (Peek().kind == TokenKind::kRParen) break;
            return Fail(Peek().span.offset,
                        "expected ',' or ')' in call of " + tok.text + ", found " + DescribePeek());
          }
        }
        Next();
        return Finish(std::move(n), tok.span.offset, PrevEnd());
      }
      case TokenKind::kLParen: {
        Next();
        Node inner = ParseImplication();
        if (inner == nullptr) return nullptr;
        if (Peek().kind != TokenKind::kRParen) {
          return Fail(Peek().span.offset, "expected ')', found " + DescribePeek(),
                      "a '(' is not closed");
        }
        Next();
        return inner;
      }
      case TokenKind::kEnd:
        return Fail(t.span.offset, "unexpected end of expression", "an operand is missing");
      default:
        return Fail(t.span.offset, "expected a value, found " + DescribePeek());
    }
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  ExprError error_;
};

}  // namespace

Result<ExprPtr> ParseExpression(std::string_view text, ExprError* error) {
  ExprError local;
  ExprError* err = error != nullptr ? error : &local;
  std::vector<Token> tokens;
  ExprPtr out;
  bool ok = Lex(text, &tokens, err);
  if (ok) {
    Parser parser(text, std::move(tokens));
    ok = parser.Parse(&out, err);
  }
  if (!ok) {
    const TextPosition p = PositionOf(text, err->offset);
    return Status::ParseError("expr:" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " +
                              err->Text());
  }
  return out;
}

}  // namespace vitalink::check
