// Pair expressions (BindOptions::pair_fields): conditions over two records,
// l.x and r.x, as link comparisons use them. EvaluatePair runs the column
// evaluator's kernels on one value each; the differential test below checks
// it against Evaluate over a table whose rows hold both records' values.
#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "vitalink/check/program.h"
#include "vitalink/check/testing_internal.h"

namespace vitalink::check {
namespace {

using testing::ColumnSpec;
using testing::MakeTable;

Result<CompiledRules> CompilePair(const std::vector<std::string>& exprs, const Table& table) {
  RuleSet rules;
  for (size_t idx = 0; idx < exprs.size(); ++idx) {
    VL_ASSIGN_OR_RETURN(Rule rule, MakeRule("c" + std::to_string(idx), exprs[idx]));
    rules.rules.push_back(std::move(rule));
  }
  BindOptions options;
  options.source_name = "pairs";
  options.pair_fields = true;
  return CompiledRules::Compile(rules, table, options);
}

char Letter(Outcome o) { return o == Outcome::kPass ? 'P' : o == Outcome::kFail ? 'F' : 'M'; }

// Return the outcome of `expr` for rows (l, r) as P, F, M, or "ERROR message".
std::string PairOutcome(const std::string& expr, const Table& table, int64_t l, int64_t r) {
  Result<CompiledRules> c = CompilePair({expr}, table);
  if (!c.ok()) return "ERROR " + c.status().message();
  Outcome out = Outcome::kFail;
  c->EvaluatePair(l, r, &out);
  return std::string(1, Letter(out));
}

class PairExpressionTest : public ::testing::Test {
 protected:
  PairExpressionTest()
      : pool_(std::make_shared<StringPool>()),
        table_(MakeTable(pool_, {{"mid", FieldType::kCode, {"M1", "M1", "M1", "M2", ""}},
                                 {"w", FieldType::kInteger, {"3200", "3250", "3400", "", "3200"}},
                                 {"name", FieldType::kText, {"张伟", "张伟", "", "张卫", "张伟"}},
                                 {"d",
                                  FieldType::kDate,
                                  {"2020-01-01", "2020-01-02", "2020-01-01", "", "2020-01-01"}}})) {
  }

  std::shared_ptr<StringPool> pool_;
  Table table_;
};

TEST_F(PairExpressionTest, TableOfCases) {
  struct Case {
    const char* expr;
    int64_t l, r;
    const char* want;
  };
  const Case cases[] = {
      {"l.mid == r.mid and abs(l.w - r.w) <= 100", 0, 1, "P"},
      {"l.mid == r.mid and abs(l.w - r.w) <= 100", 0, 2, "F"},  // 200 g apart
      {"l.mid == r.mid and abs(l.w - r.w) <= 100", 0, 3,
       "F"},  // mothers differ: fail and missing = fail
      {"l.mid == r.mid and abs(l.w - r.w) <= 100", 0, 4, "M"},  // no mother on the right
      {"l.mid == r.mid and abs(l.w - r.w) <= 100", 3, 3, "M"},  // same mother, weight missing
      {"l.mid == r.mid", 0, 2, "P"},
      {"is_missing(r.name)", 0, 2, "P"},
      {"is_missing(r.name)", 2, 0, "F"},
      {"days_between(l.d, r.d) == 1", 0, 1, "P"},
      {"days_between(l.d, r.d) == 1", 1, 0, "F"},  // -1: the order of l and r matters
      {"days_between(l.d, r.d) == 1", 0, 3, "M"},
      {"l.name == r.name or l.d == r.d", 0, 2, "P"},  // missing or pass = pass
      {"l.name == r.name or l.d == r.d", 0, 3, "M"},  // fail or missing = missing
      {"abs(l.w * 1.0 - r.w) < 50.5", 0, 1, "P"},     // number (float) path
      {"abs(l.w - r.w) > 0", 4, 0, "F"},
      {"abs(r.w - l.w) == 50", 0, 1, "P"},
      {"l.name in ['张伟', '李娜'] and not (r.name == l.name)", 0, 3, "P"},
      {"if is_present(l.mid) then l.mid == r.mid", 4, 0, "P"},
      {"true", 0, 0, "P"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PairOutcome(c.expr, table_, c.l, c.r), c.want)
        << c.expr << " on (" << c.l << ", " << c.r << ")";
  }
}

TEST_F(PairExpressionTest, SharedSubexpressionsAcrossRules) {
  // Levels of a comparison share nodes; each rule still gets its own outcome.
  Result<CompiledRules> c = CompilePair(
      {"l.mid == r.mid and abs(l.w - r.w) <= 100", "l.mid == r.mid", "l.name == r.name"}, table_);
  ASSERT_TRUE(c.ok()) << c.status().message();
  Outcome out[3];
  c->EvaluatePair(0, 2, out);
  EXPECT_EQ(std::string({Letter(out[0]), Letter(out[1]), Letter(out[2])}), "FPM");
  c->EvaluatePair(0, 1, out);
  EXPECT_EQ(std::string({Letter(out[0]), Letter(out[1]), Letter(out[2])}), "PPP");
}

TEST_F(PairExpressionTest, BindingErrors) {
  EXPECT_NE(PairOutcome("mid == r.mid", table_, 0, 1).find("say which record 'mid' is from"),
            std::string::npos);
  EXPECT_NE(PairOutcome("x.mid == r.mid", table_, 0, 1).find("unknown record 'x'"),
            std::string::npos);
  EXPECT_NE(PairOutcome("l.mother == r.mid", table_, 0, 1).find("unknown field 'mother'"),
            std::string::npos);
  EXPECT_NE(PairOutcome("abs(l.name) > 1", table_, 0, 1)
                .find("abs(): argument 1 must be integer or number"),
            std::string::npos);
  EXPECT_NE(PairOutcome("l.w - r.w", table_, 0, 1).find("must be a condition"), std::string::npos);
  // Rules read one record: a qualified field is an error there.
  EXPECT_NE(
      testing::Outcomes("l.mid == 'M1'", table_).find("qualified fields are for link comparisons"),
      std::string::npos);
  // Pair rules are not evaluated row by row.
  Result<CompiledRules> c = CompilePair({"l.mid == r.mid"}, table_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Evaluate().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(PairExpressionTest, AbsInRules) {
  const Table t = MakeTable(pool_, {{"n", FieldType::kInteger, {"-5", "5", "0", ""}}});
  EXPECT_EQ(testing::Outcomes("abs(n) == 5", t), "PPFM");
  EXPECT_EQ(testing::Outcomes("abs(n / 2) == 2.5", t), "PPFM");
  EXPECT_EQ(testing::Outcomes("abs(-n) >= 0", t), "PPPM");
}

// EvaluatePair(i, j) must equal Evaluate on a table whose row (i, j) holds
// row i's values as x and row j's as x_r — every kernel, nulls included.
TEST(PairExpressionDifferentialTest, AgreesWithColumnEvaluator) {
  auto pool = std::make_shared<StringPool>();
  std::mt19937 rng(7);
  const int n = 14;
  const std::vector<std::string> names = {"张伟", "张卫", "李娜", "王芳", "阿依古丽·买买提", ""};
  std::vector<std::string> w, s, d;
  for (int row = 0; row < n; ++row) {
    w.push_back(rng() % 5 == 0 ? "" : std::to_string(3000 + static_cast<int>(rng() % 400) - 200));
    s.push_back(names[rng() % names.size()]);
    d.push_back(rng() % 5 == 0 ? ""
                               : FormatDate(DaysFromCivil({2020, 1 + static_cast<int>(rng() % 3),
                                                           1 + static_cast<int>(rng() % 28)})));
  }
  const Table narrow = MakeTable(
      pool,
      {{"w", FieldType::kInteger, w}, {"s", FieldType::kText, s}, {"d", FieldType::kDate, d}});
  std::vector<std::string> wl, sl, dl, wr, sr, dr;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      wl.push_back(w[i]), sl.push_back(s[i]), dl.push_back(d[i]);
      wr.push_back(w[j]), sr.push_back(s[j]), dr.push_back(d[j]);
    }
  }
  const Table wide = MakeTable(pool, {{"w", FieldType::kInteger, wl},
                                      {"s", FieldType::kText, sl},
                                      {"d", FieldType::kDate, dl},
                                      {"w_r", FieldType::kInteger, wr},
                                      {"s_r", FieldType::kText, sr},
                                      {"d_r", FieldType::kDate, dr}});
  // @x is the left record's x, #x the right one's.
  const std::vector<std::string> templates = {
      "abs(@w - #w) <= 50",
      "@s == #s and @d != #d",
      "if is_present(@s) then @s == #s",
      "days_between(@d, #d) > -30 or length(#s) >= 3",
      "(@w - #w) in [0, 100, -100]",
      "matches(#s, '^张') and not starts_with(@s, '李')",
      "year(@d) == year(#d) and month(@d) < month(#d) + 1",
      "abs(@w / 3.0 - #w / 3.0) < 10 or is_missing(#w)",
      "#s not in ['王芳'] and @d + 3 >= #d",
  };
  for (const std::string& tmpl : templates) {
    const std::string pair_expr =
        std::regex_replace(std::regex_replace(tmpl, std::regex("@"), "l."), std::regex("#"), "r.");
    const std::string wide_expr = std::regex_replace(
        std::regex_replace(tmpl, std::regex("#(\\w+)"), "$1_r"), std::regex("@"), "");
    const std::string want = testing::Outcomes(wide_expr, wide);
    ASSERT_EQ(want.size(), static_cast<size_t>(n * n)) << wide_expr << ": " << want;
    Result<CompiledRules> c = CompilePair({pair_expr}, narrow);
    ASSERT_TRUE(c.ok()) << pair_expr << ": " << c.status().message();
    std::string got;
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        Outcome o = Outcome::kFail;
        c->EvaluatePair(i, j, &o);
        got += Letter(o);
      }
    }
    EXPECT_EQ(got, want) << pair_expr;
    EXPECT_NE(want.find('P'), std::string::npos)
        << "a template that never passes tests little: " << tmpl;
  }
  // Left-only expressions equal the rule on the left row, is_unique included.
  for (const std::string expr : {"is_unique(s)", "length(s) == 2 and w > 3000", "is_missing(d)"}) {
    const std::string want = testing::Outcomes(expr, narrow);
    const std::string pair_expr = std::regex_replace(expr, std::regex("\\b(s|w|d)\\b"), "l.$1");
    Result<CompiledRules> c = CompilePair({pair_expr}, narrow);
    ASSERT_TRUE(c.ok()) << pair_expr << ": " << c.status().message();
    for (int i = 0; i < n; ++i) {
      Outcome o = Outcome::kFail;
      c->EvaluatePair(i, (i * 5) % n, &o);
      EXPECT_EQ(Letter(o), want[static_cast<size_t>(i)]) << pair_expr << " row " << i;
    }
  }
}

}  // namespace
}  // namespace vitalink::check
