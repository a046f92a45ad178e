// Cross-checks in the style of the R validate / errorlocate vignettes: a small
// business-survey-like table with balance, sign and conditional rules. The
// data and every expectation are our own, computed by hand in the comments.
#include <gtest/gtest.h>

#include "vitalink/check/program.h"
#include "vitalink/check/testing_internal.h"

namespace vitalink::check {
namespace {

using testing::MakeTable;

class VignetteTest : public ::testing::Test {
 protected:
  // row  staff turnover other total costs profit
  //  0     3     100      5    105    90     15   all consistent
  //  1     0      80     10     95    20     75   turnover+other = 90 != 95; 95-20 = 75 ok
  //  2    -1      50      .     50    60    -10   staff < 0; other missing; profit ok
  //  3     2       .      0     40    45     -5   turnover missing; profit ok
  //  4     0      30      0     30     0     30   staff 0 and costs 0: consistent
  //  5     4      60      0     60     0     60   staff > 0 but staff costs 0
  VignetteTest()
      : pool_(std::make_shared<StringPool>()),
        table_(MakeTable(pool_, {{"staff", FieldType::kInteger, {"3", "0", "-1", "2", "0", "4"}},
                                 {"turnover", FieldType::kInteger, {"100", "80", "50", "", "30", "60"}},
                                 {"other_rev", FieldType::kInteger, {"5", "10", "", "0", "0", "0"}},
                                 {"total_rev", FieldType::kInteger, {"105", "95", "50", "40", "30", "60"}},
                                 {"staff_costs", FieldType::kInteger, {"90", "20", "60", "45", "0", "0"}},
                                 {"profit", FieldType::kInteger, {"15", "75", "-10", "-5", "30", "60"}}})) {
    for (const auto& [id, expr] : std::vector<std::pair<std::string, std::string>>{
             {"V1", "turnover + other_rev == total_rev"},
             {"V2", "total_rev - staff_costs == profit"},
             {"V3", "staff >= 0"},
             {"V4", "if staff > 0 then staff_costs > 0"},
             {"V5", "turnover >= 0 and other_rev >= 0"},
             {"V6", "is_present(turnover)"},
         }) {
      rules_.rules.push_back(MakeRule(id, expr, Severity::kError, 0.8).value());
    }
  }

  std::shared_ptr<StringPool> pool_;
  Table table_;
  RuleSet rules_;
};

TEST_F(VignetteTest, SummaryMatchesHandCount) {
  auto result = RunChecks(rules_, table_, BindOptions{});
  ASSERT_TRUE(result.ok()) << result.status().message();
  struct Expected {
    int64_t passes, fails, missing;
  };
  // V1: rows 0,4,5 pass; 1 fails; 2,3 missing.
  // V2: all six balance (105-90=15, 95-20=75, 50-60=-10, 40-45=-5, 30-0=30, 60-0=60).
  // V3: row 2 fails.
  // V4: staff>0 in rows 0,3,5; row 5 has costs 0 -> fails; others pass.
  // V5: row 2 (other missing, turnover ok) -> missing; row 3 (turnover missing, other ok) -> missing.
  // V6: row 3 fails.
  const Expected expected[] = {{3, 1, 2}, {6, 0, 0}, {5, 1, 0}, {5, 1, 0}, {4, 0, 2}, {5, 1, 0}};
  for (size_t i = 0; i < 6; ++i) {
    const RuleSummary& s = result->summaries[i];
    EXPECT_EQ(s.passes, expected[i].passes) << s.rule_id;
    EXPECT_EQ(s.fails, expected[i].fails) << s.rule_id;
    EXPECT_EQ(s.missing, expected[i].missing) << s.rule_id;
    EXPECT_EQ(s.items, 6);
  }
  // V1 pass rate 3/4 is under the 0.8 tolerance; V3 5/6 is within it.
  EXPECT_FALSE(result->summaries[0].within_tolerance);
  EXPECT_TRUE(result->summaries[2].within_tolerance);
  EXPECT_EQ(result->summaries[5].kind, RuleKind::kMissing);
  // Records with a failure: 1 (V1), 2 (V3), 3 (V6), 5 (V4).
  const std::vector<Finding> findings = {{1, 3, 0}, {2, 4, 2}, {3, 5, 5}, {5, 7, 3}};
  EXPECT_EQ(result->findings, findings);
}

TEST_F(VignetteTest, BoundRulesAreReadyForLocalization) {
  auto compiled = CompiledRules::Compile(rules_, table_, BindOptions{});
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled->rule(0).form, RuleForm::kLinear);
  EXPECT_EQ(compiled->rule(0).fields, (std::vector<std::string>{"other_rev", "total_rev", "turnover"}));
  EXPECT_EQ(compiled->rule(1).form, RuleForm::kLinear);
  EXPECT_EQ(compiled->rule(2).form, RuleForm::kLinear);
  EXPECT_EQ(compiled->rule(3).form, RuleForm::kConditional);
  EXPECT_EQ(compiled->rule(3).fields, (std::vector<std::string>{"staff", "staff_costs"}));
  EXPECT_EQ(compiled->rule(4).form, RuleForm::kLinear);
  EXPECT_EQ(compiled->rule(5).form, RuleForm::kCategorical);
  // The localizer walks the graph: V1's root is (== (+ turnover other_rev) total_rev).
  EXPECT_EQ(compiled->NodeToString(compiled->rule(0).root), "(== (+ turnover other_rev) total_rev)");
}

}  // namespace
}  // namespace vitalink::check
