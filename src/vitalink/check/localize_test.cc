// Fellegi–Holt localization on small hand-made tables. Every expectation is
// computed by hand in the comments (errorlocate-vignette style cases are our own).
#include "vitalink/check/localize.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "vitalink/check/program.h"
#include "vitalink/check/testing_internal.h"

namespace vitalink::check {
namespace {

using testing::ColumnSpec;
using testing::MakeTable;

using Fields = std::vector<std::string>;

class Fixture {
 public:
  Fixture(const std::vector<ColumnSpec>& columns, const std::vector<std::string>& exprs)
      : pool_(std::make_shared<StringPool>()), table_(MakeTable(pool_, columns)) {
    for (size_t i = 0; i < exprs.size(); ++i) {
      rules_.rules.push_back(MakeRule("R" + std::to_string(i + 1), exprs[i]).value());
    }
    auto compiled = CompiledRules::Compile(rules_, table_, BindOptions{});
    EXPECT_TRUE(compiled.ok()) << compiled.status().message();
    compiled_ = std::make_unique<CompiledRules>(std::move(compiled).value());
    auto result = compiled_->Evaluate({1, 2048});
    EXPECT_TRUE(result.ok());
    result_ = std::move(result).value();
  }

  /// Localizations by row.
  std::map<int64_t, Localization> Localize(const LocalizeOptions& options = {}) const {
    auto loc = LocalizeErrors(*compiled_, result_, options);
    EXPECT_TRUE(loc.ok()) << loc.status().message();
    std::map<int64_t, Localization> out;
    if (!loc.ok()) return out;
    for (const Localization& l : *loc) out[l.row] = l;
    return out;
  }

  const CompiledRules& compiled() const { return *compiled_; }
  const CheckResult& result() const { return result_; }

 private:
  std::shared_ptr<StringPool> pool_;
  Table table_;
  RuleSet rules_;
  std::unique_ptr<CompiledRules> compiled_;
  CheckResult result_;
};

TEST(LocalizeTest, SingleFieldFailuresNeedNoMip) {
  // row 0 passes; row 1: sex '3' fails R1; row 2: name missing fails R2;
  // row 3 fails both, two independent fields.
  Fixture fx({{"sex", FieldType::kCode, {"1", "3", "2", "9"}},
              {"name", FieldType::kText, {"张三", "李四", "", ""}}},
             {"sex in ['1', '2']", "is_present(name)"});
  auto loc = fx.Localize();
  ASSERT_EQ(loc.size(), 3u);
  EXPECT_EQ(loc.count(0), 0u);  // a record satisfying all rules gets no localization
  EXPECT_EQ(loc[1].fields, Fields{"sex"});
  EXPECT_FALSE(loc[1].solved_by_mip);
  EXPECT_EQ(loc[1].status, "ok");
  EXPECT_EQ(loc[2].fields, Fields{"name"});
  EXPECT_EQ(loc[3].fields, (Fields{"name", "sex"}));
  EXPECT_DOUBLE_EQ(loc[3].weight, 2);
}

// The errorlocate-style business record: R1 age >= 0, R2 if married then age
// >= 16, R3 turnover - cost == profit, R4 profit <= 0.6 * turnover,
// R5 is_present(turnover).
class VignetteLocalizeTest : public ::testing::Test {
 protected:
  // row age married turnover cost profit
  //  0   30  yes     1000    600   400   all rules pass
  //  1   30  yes     1000    600  4000   profit wrong: R3 (400 != 4000), R4 (4000 > 600)
  //  2   -5  no      1000    600   400   R1
  //  3   10  yes     1000    600   400   R2: age or married (a tie)
  //  4   -1  no      1000    600  4000   R1, R3, R4: age and profit
  //  5   40  no         .    600   400   R5 (R3, R4 missing): turnover = 1000 fits
  //  6   40  no      1000      .   400   R3 missing, nothing fails
  VignetteLocalizeTest()
      : fx_({{"age", FieldType::kInteger, {"30", "30", "-5", "10", "-1", "40", "40"}},
             {"married", FieldType::kCode, {"yes", "yes", "no", "yes", "no", "no", "no"}},
             {"turnover", FieldType::kInteger, {"1000", "1000", "1000", "1000", "1000", "", "1000"}},
             {"cost", FieldType::kInteger, {"600", "600", "600", "600", "600", "600", ""}},
             {"profit", FieldType::kInteger, {"400", "4000", "400", "400", "4000", "400", "400"}}},
            {"age >= 0", "if married == 'yes' then age >= 16", "turnover - cost == profit",
             "profit <= 0.6 * turnover", "is_present(turnover)"}) {}
  Fixture fx_;
};

TEST_F(VignetteLocalizeTest, AllRulesTakePartInTheMip) {
  EXPECT_EQ(LocalizableRules(fx_.compiled()), std::vector<bool>(5, true));
}

TEST_F(VignetteLocalizeTest, WrongProfitIsLocalized) {
  auto loc = fx_.Localize();
  EXPECT_EQ(loc.count(0), 0u);
  EXPECT_EQ(loc.count(6), 0u);
  // {profit} and {turnover} both hit R3 and R4, but turnover alone cannot
  // work: turnover = 4600 balances R3 and then 4000 > 0.6 × 4600 = 2760.
  EXPECT_EQ(loc[1].fields, Fields{"profit"});
  EXPECT_EQ(loc[1].status, "ok");
  EXPECT_EQ(loc[2].fields, Fields{"age"});
  EXPECT_EQ(loc[4].fields, (Fields{"age", "profit"}));
  EXPECT_DOUBLE_EQ(loc[4].weight, 2);
  // Missing turnover: changing it (to 1000) satisfies R3, R4 and R5.
  EXPECT_EQ(loc[5].fields, Fields{"turnover"});
}

TEST_F(VignetteLocalizeTest, WeightsChangeTheAnswer) {
  // Profit weighs 3: turnover + cost (2) beats profit; turnover alone is
  // infeasible (above), cost alone: 1000 - c = 4000 gives c = -3000 with R4
  // still failing (4000 > 600). So {cost, turnover}: e.g. turnover 7000, cost 3000.
  LocalizeOptions opt;
  opt.weights = {{"profit", 3.0}};
  auto loc = fx_.Localize(opt);
  EXPECT_EQ(loc[1].fields, (Fields{"cost", "turnover"}));
  EXPECT_DOUBLE_EQ(loc[1].weight, 2);
}

TEST_F(VignetteLocalizeTest, TiesBreakDeterministicallyBySeed) {
  // Row 3 (married, age 10): {age} (age 16) and {married} (not 'yes') both
  // weigh 1. The same seed always gives the same answer; over seeds both occur.
  std::set<Fields> seen;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    LocalizeOptions opt;
    opt.seed = seed;
    const Fields first = fx_.Localize(opt)[3].fields;
    EXPECT_EQ(first.size(), 1u);
    EXPECT_EQ(fx_.Localize(opt)[3].fields, first);
    seen.insert(first);
  }
  EXPECT_EQ(seen, (std::set<Fields>{{"age"}, {"married"}}));
  // A weight settles the tie whatever the seed.
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    LocalizeOptions opt;
    opt.seed = seed;
    opt.weights = {{"age", 1.5}};
    EXPECT_EQ(fx_.Localize(opt)[3].fields, Fields{"married"});
  }
}

TEST(LocalizeTest, ConditionalAndCategoricalRules) {
  // R1 relation in [...]; R2 if relation == '子' then sex == '1';
  // R3 if relation == '女' then sex == '2'; R4 sex in ['1', '2'].
  // row relation sex
  //  0   子       1    passes
  //  1   子       3    R2 and R4 fail: sex alone (to '1') hits both
  //  2   某某     1    R1 fails: relation to e.g. '户主' (R2, R3 then hold)
  //  3   女       1    R3: relation or sex, a tie; weights decide
  //  4   子       .    R2 missing, R4 missing: nothing fails
  Fixture fx({{"relation", FieldType::kText, {"子", "子", "某某", "女", "子"}},
              {"sex", FieldType::kCode, {"1", "3", "1", "1", ""}}},
             {"relation in ['户主', '配偶', '子', '女']", "if relation == '子' then sex == '1'",
              "if relation == '女' then sex == '2'", "sex in ['1', '2']"});
  EXPECT_EQ(LocalizableRules(fx.compiled()), std::vector<bool>(4, true));
  EXPECT_EQ(fx.compiled().rule(1).form, RuleForm::kConditional);
  auto loc = fx.Localize();
  EXPECT_EQ(loc.count(0), 0u);
  EXPECT_EQ(loc.count(4), 0u);
  EXPECT_EQ(loc[1].fields, Fields{"sex"});
  EXPECT_EQ(loc[2].fields, Fields{"relation"});
  // Relation alone: some code (户主, 配偶) satisfies R1–R3 with sex '1' kept,
  // found by the one-field test without a MIP.
  EXPECT_FALSE(loc[2].solved_by_mip);
  EXPECT_EQ(loc[3].fields.size(), 1u);
  LocalizeOptions opt;
  opt.weights = {{"relation", 2.0}};
  EXPECT_EQ(fx.Localize(opt)[3].fields, Fields{"sex"});
  opt.weights = {{"sex", 2.0}};
  EXPECT_EQ(fx.Localize(opt)[3].fields, Fields{"relation"});
}

TEST(LocalizeTest, ChainedLinearRulesNeedTwoChanges) {
  // R1 a >= 0; R2 a <= b. Row 0: a = -3, b = -5: a must change (R1), and then
  // a <= -5 contradicts a >= 0, so b changes too. Row 1: a = -3, b = 7: a alone.
  Fixture fx({{"a", FieldType::kInteger, {"-3", "-3"}}, {"b", FieldType::kInteger, {"-5", "7"}}},
             {"a >= 0", "a <= b"});
  auto loc = fx.Localize();
  EXPECT_EQ(loc[0].fields, (Fields{"a", "b"}));
  EXPECT_TRUE(loc[0].solved_by_mip);
  EXPECT_EQ(loc[1].fields, Fields{"a"});
}

TEST(LocalizeTest, DatesStrictAndNotEqual) {
  // R1 registration_date >= birth_date; R2 birth_date < date('2024-01-01');
  // R3 a != b.
  // row 0: birth 2030-01-01 after registration 2020-01-01: birth alone
  //        (R2 fails too, only birth is in both).
  // row 1: a == b == 4: a or b (tie); with b weighing 2: a.
  Fixture fx({{"birth_date", FieldType::kDate, {"2030-01-01", "2000-01-01"}},
              {"registration_date", FieldType::kDate, {"2020-01-01", "2001-01-01"}},
              {"a", FieldType::kInteger, {"1", "4"}},
              {"b", FieldType::kInteger, {"2", "4"}}},
             {"registration_date >= birth_date", "birth_date < date('2024-01-01')", "a != b"});
  LocalizeOptions opt;
  opt.weights = {{"b", 2.0}};
  auto loc = fx.Localize(opt);
  EXPECT_EQ(loc[0].fields, Fields{"birth_date"});
  EXPECT_FALSE(loc[0].solved_by_mip);  // birth_date in [.., 2020-01-01]: one field, intervals
  EXPECT_EQ(loc[1].fields, Fields{"a"});
}

TEST(LocalizeTest, OnlyCheckedRulesNameTheirFields) {
  // R1 id_valid(id_number): only checked, one field: the ID must change.
  // R2 id_sex(id_number) == sex: only checked, two fields: one must change.
  // row 0: valid ID of a man, sex '2': R2 fails: id_number or sex; ID weighs 2: sex.
  // row 1: bad check digit: R1 fails (R2 missing): id_number.
  Fixture fx({{"id_number", FieldType::kCode, {"430182199005170115", "430182199005170116"}},
              {"sex", FieldType::kCode, {"2", "1"}}},
             {"id_valid(id_number)", "id_sex(id_number) == sex", "sex in ['1', '2']"});
  EXPECT_EQ(LocalizableRules(fx.compiled()), (std::vector<bool>{false, false, true}));
  LocalizeOptions opt;
  opt.weights = {{"id_number", 2.0}};
  auto loc = fx.Localize(opt);
  EXPECT_EQ(loc[0].fields, Fields{"sex"});
  EXPECT_FALSE(loc[0].solved_by_mip);
  EXPECT_EQ(loc[1].fields, Fields{"id_number"});
  EXPECT_DOUBLE_EQ(loc[1].weight, 2);
}

TEST(LocalizeTest, MixedOnlyCheckedAndMipRules) {
  // R1 matches(code, '^[0-9]+$') (only checked); R2 if code == 'A' then n > 0.
  // row 0: code 'A', n = -1: R1 fails (code must change) and R2 fails; changing
  // code (to anything but 'A') fixes both: {code}.
  Fixture fx({{"code", FieldType::kCode, {"A"}}, {"n", FieldType::kInteger, {"-1"}}},
             {"matches(code, '^[0-9]+$')", "if code == 'A' then n > 0"});
  auto loc = fx.Localize();
  EXPECT_EQ(loc[0].fields, Fields{"code"});
  LocalizeOptions mip_only;
  mip_only.fast_path = false;
  auto by_mip = fx.Localize(mip_only);
  EXPECT_EQ(by_mip[0].fields, Fields{"code"});
  EXPECT_TRUE(by_mip[0].solved_by_mip);
}

TEST(LocalizeTest, WarningsCanBeLeftOut) {
  Fixture fx({{"x", FieldType::kInteger, {"-1"}}}, {"x >= 0"});
  LocalizeOptions opt;
  opt.include_warnings = false;
  EXPECT_EQ(fx.Localize(opt).size(), 1u);  // MakeRule makes errors
}

TEST(LocalizeTest, RejectsBadWeightsAndForeignResults) {
  Fixture fx({{"x", FieldType::kInteger, {"-1"}}}, {"x >= 0"});
  LocalizeOptions opt;
  opt.weights = {{"x", 0.0}};
  EXPECT_FALSE(LocalizeErrors(fx.compiled(), fx.result(), opt).ok());
  CheckResult other = fx.result();
  other.summaries.clear();
  EXPECT_FALSE(LocalizeErrors(fx.compiled(), other, {}).ok());
}

TEST(LocalizeTest, DeterministicAcrossThreadCounts) {
  // 3,000 random records over the vignette rules plus categorical ones; about
  // half fail something and many need a MIP.
  std::mt19937_64 rng(7);
  std::vector<std::string> age, married, turnover, cost, profit, sex, relation;
  const char* relations[] = {"子", "女", "户主", "xx"};
  for (int i = 0; i < 3000; ++i) {
    const int64_t t = static_cast<int64_t>(rng() % 1000);
    const int64_t c = static_cast<int64_t>(rng() % 1000);
    age.push_back(std::to_string(static_cast<int64_t>(rng() % 90) - 5));
    married.push_back(rng() % 2 ? "yes" : "no");
    turnover.push_back(rng() % 50 == 0 ? "" : std::to_string(t));
    cost.push_back(std::to_string(c));
    profit.push_back(std::to_string(rng() % 4 == 0 ? t - c + 7 : t - c));
    sex.push_back(std::to_string(rng() % 3 + 1));
    relation.push_back(relations[rng() % 4]);
  }
  Fixture fx({{"age", FieldType::kInteger, age},
              {"married", FieldType::kCode, married},
              {"turnover", FieldType::kInteger, turnover},
              {"cost", FieldType::kInteger, cost},
              {"profit", FieldType::kInteger, profit},
              {"sex", FieldType::kCode, sex},
              {"relation", FieldType::kText, relation}},
             {"age >= 0", "if married == 'yes' then age >= 16", "turnover - cost == profit",
              "profit <= 0.6 * turnover", "is_present(turnover)", "sex in ['1', '2']",
              "if relation == '子' then sex == '1'", "relation in ['子', '女', '户主']"});
  auto run = [&](int threads) {
    LocalizeOptions opt;
    opt.num_threads = threads;
    opt.seed = 42;
    return LocalizeErrors(fx.compiled(), fx.result(), opt).value();
  };
  const std::vector<Localization> one = run(1);
  EXPECT_GT(one.size(), 1000u);
  int64_t by_mip = 0;
  for (const Localization& l : one) {
    by_mip += l.solved_by_mip;
    EXPECT_EQ(l.status, "ok") << l.row;
    EXPECT_FALSE(l.fields.empty());
  }
  EXPECT_GT(by_mip, 100);
  EXPECT_EQ(run(2), one);
  EXPECT_EQ(run(3), one);

  // Differential: the fast path (hitting sets, one-field intervals and codes)
  // against one MIP per record. Same minimum weight everywhere; the same
  // fields except where GLPK's tolerance blurs a near-tie of the perturbation.
  LocalizeOptions mip_only;
  mip_only.seed = 42;
  mip_only.fast_path = false;
  const std::vector<Localization> all_mip = LocalizeErrors(fx.compiled(), fx.result(), mip_only).value();
  ASSERT_EQ(all_mip.size(), one.size());
  int64_t differ = 0;
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_TRUE(all_mip[i].solved_by_mip);
    EXPECT_NEAR(all_mip[i].weight, one[i].weight, 1e-9) << "row " << one[i].row;
    differ += all_mip[i].fields != one[i].fields;
  }
  EXPECT_LE(differ, static_cast<int64_t>(one.size()) / 100);
}

}  // namespace
}  // namespace vitalink::check
