#include "vitalink/check/parser.h"

#include <gtest/gtest.h>

#include "vitalink/check/lexer.h"

namespace vitalink::check {
namespace {

std::string Parse(std::string_view text) {
  auto r = ParseExpression(text);
  return r.ok() ? ToDebugString(**r) : "ERROR " + r.status().message();
}

ExprError ParseError(std::string_view text) {
  ExprError err;
  auto r = ParseExpression(text, &err);
  EXPECT_FALSE(r.ok()) << text;
  return err;
}

TEST(LexerTest, TokensAndSpans) {
  std::vector<Token> tokens;
  ExprError err;
  ASSERT_TRUE(Lex("age_at(birth_date, today()) <= 120", &tokens, &err));
  ASSERT_EQ(tokens.size(), 11u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdent);
  EXPECT_EQ(tokens[0].text, "age_at");
  EXPECT_EQ(tokens[8].text, "<=");
  EXPECT_EQ(tokens[8].span.offset, 28);
  EXPECT_EQ(tokens[9].kind, TokenKind::kNumber);
  EXPECT_EQ(tokens[10].kind, TokenKind::kEnd);
}

TEST(LexerTest, StringsKeepRegexEscapes) {
  std::vector<Token> tokens;
  ExprError err;
  ASSERT_TRUE(Lex(R"('\d{6}' "it\"s" 'a\\b' '中文')", &tokens, &err));
  EXPECT_EQ(tokens[0].text, R"(\d{6})");
  EXPECT_EQ(tokens[1].text, "it\"s");
  EXPECT_EQ(tokens[2].text, R"(a\b)");
  EXPECT_EQ(tokens[3].text, "中文");
}

TEST(LexerTest, ErrorsWithHints) {
  EXPECT_EQ(ParseError("sex = '1'").hint, "use '==' to compare");
  EXPECT_EQ(ParseError("sex = '1'").offset, 4);
  EXPECT_EQ(ParseError("a && b").hint, "use 'and'");
  EXPECT_EQ(ParseError("a <> b").hint, "use '!=' for 'not equal'");
  EXPECT_EQ(ParseError("!a").hint, "use 'not' to negate");
  EXPECT_EQ(ParseError("name == 'abc").message, "unterminated string");
  EXPECT_EQ(ParseError("name == 'abc").offset, 8);
  EXPECT_EQ(ParseError("name == 男").hint, "quote text values: '男'");
  EXPECT_EQ(ParseError("12abc > 1").message, "malformed number '12a'");
}

TEST(ParserTest, Precedence) {
  EXPECT_EQ(Parse("a + b * c == d"), "(== (+ a (* b c)) d)");
  EXPECT_EQ(Parse("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(Parse("-a * b"), "(* (- a) b)");
  EXPECT_EQ(Parse("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(Parse("not a and b"), "(and (not a) b)");
  EXPECT_EQ(Parse("not a == b"), "(not (== a b))");
  EXPECT_EQ(Parse("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(Parse("if a then b and c"), "(if a (and b c))");
  EXPECT_EQ(Parse("if a or b then if c then d"), "(if (or a b) (if c d))");
  EXPECT_EQ(Parse("x and if a then b"), "(and x (if a b))");
  EXPECT_EQ(Parse("sex in ['1', '2']"), "(in sex '1' '2')");
  EXPECT_EQ(Parse("sex not in ['0']"), "(not-in sex '0')");
  EXPECT_EQ(Parse("x in []"), "(in x)");
  EXPECT_EQ(Parse("x in [1, -2]"), "(in x 1 (- 2))");
  EXPECT_EQ(Parse("f()"), "(f)");
  EXPECT_EQ(Parse("lookup('register', 'id_number', mother_id_number, 'birth_date')"),
            "(lookup 'register' 'id_number' mother_id_number 'birth_date')");
  EXPECT_EQ(Parse("true or false"), "(or true false)");
  EXPECT_EQ(Parse("w >= 0.5e3"), "(>= w 0.5e3)");
}

TEST(ParserTest, Spans) {
  auto r = ParseExpression("  a  ==  'xy' ");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->span.offset, 2);
  EXPECT_EQ((*r)->span.length, 11);
  EXPECT_EQ((*r)->name_span.offset, 5);
  EXPECT_EQ((*r)->args[1]->span.offset, 9);
}

TEST(ParserTest, ErrorsWithPositions) {
  auto r = ParseExpression("a < b < c");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  EXPECT_EQ(r.status().message(), "expr:1:7: unexpected '<', comparisons do not chain: write 'a < b and b < c'");
  EXPECT_EQ(ParseError("a and").message, "unexpected end of expression");
  EXPECT_EQ(ParseError("a and").offset, 5);
  EXPECT_EQ(ParseError("f(a b)").message, "expected ',' or ')' in call of f, found 'b'");
  EXPECT_EQ(ParseError("(a").message, "expected ')', found end of expression");
  EXPECT_EQ(ParseError("a b").hint, "join conditions with 'and' or 'or'");
  EXPECT_EQ(ParseError("if a b").message, "expected 'then', found 'b'");
  EXPECT_EQ(ParseError("x in '1'").message, "expected '[' after 'in', found string '1'");
  EXPECT_EQ(ParseError("x == then").hint, "'then' is a keyword");
  EXPECT_EQ(ParseError("99999999999999999999 > 1").message, "integer '99999999999999999999' out of range");
  auto multi = ParseExpression("a ==\n  'x' and\n  b c");
  ASSERT_FALSE(multi.ok());
  EXPECT_EQ(multi.status().message(), "expr:3:5: unexpected 'c', join conditions with 'and' or 'or'");
  auto wide = ParseExpression("name == '张三' b");
  EXPECT_EQ(wide.status().message(), "expr:1:14: unexpected 'b', join conditions with 'and' or 'or'");
}

TEST(ParserTest, QualifiedFields) {
  // Pair expressions (link comparisons) name the record: l.x, r.x.
  EXPECT_EQ(Parse("l.mother_id_number == r.mother_id_number"), "(== l.mother_id_number r.mother_id_number)");
  EXPECT_EQ(Parse("abs(l.w - r.w) <= 100"), "(<= (abs (- l.w r.w)) 100)");
  EXPECT_EQ(Parse("l . name"), "l.name");  // tokens, so blanks are allowed
  EXPECT_EQ(Parse("x < .5"), "(< x .5)");  // a leading dot still starts a number
  auto e = ParseExpression("l.name");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->kind, ExprKind::kField);
  EXPECT_EQ((*e)->qualifier, "l");
  EXPECT_EQ((*e)->text, "name");
  EXPECT_EQ((*e)->span.offset, 0);
  EXPECT_EQ((*e)->span.length, 6);
  EXPECT_EQ(ParseError("l. == 1").offset, 3);
  EXPECT_EQ(ParseError("l.").offset, 2);
  EXPECT_EQ(ParseError("l.year(d)").offset, 2);
  EXPECT_EQ(ParseError("name.").offset, 5);
}

TEST(ParserTest, DepthIsBounded) {
  std::string deep(5000, '(');
  deep += "a";
  deep += std::string(5000, ')');
  EXPECT_EQ(ParseError(deep).message, "expression nested too deeply");
  std::string chain = "a";
  for (int i = 0; i < 5000; ++i) chain += " + a";
  EXPECT_EQ(ParseError(chain).message, "expression nested too deeply");
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_EQ(ParseError(nots + "a").message, "expression nested too deeply");
  std::string ok = "a";
  for (int i = 0; i < 100; ++i) ok += " and a";
  EXPECT_TRUE(ParseExpression(ok).ok());
}

}  // namespace
}  // namespace vitalink::check
