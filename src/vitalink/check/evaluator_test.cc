#include <gtest/gtest.h>

#include <random>

#include "vitalink/check/program.h"
#include "vitalink/check/testing_internal.h"
#include "vitalink/common/citizen_id.h"

namespace vitalink::check {
namespace {

using testing::MakeTable;
using testing::Outcomes;

class EvaluatorTest : public ::testing::Test {
 protected:
  EvaluatorTest()
      : pool_(std::make_shared<StringPool>()),
        table_(MakeTable(pool_, {
                                    {"id_number",
                                     FieldType::kCode,
                                     {"430182199005170115", "430182199203010227", "430182199005170116", "", "12345"}},
                                    {"sex", FieldType::kCode, {"1", "1", "1", "2", ""}},
                                    {"birth_date",
                                     FieldType::kDate,
                                     {"1990-05-17", "1992-03-02", "1990-05-17", "2000-01-01", ""}},
                                    {"name", FieldType::kText, {"张三", "李", "阿依古丽·买买提", "", "Li Lei"}},
                                    {"weight", FieldType::kInteger, {"3200", "450", "", "7000", "6000"}},
                                    {"area_code",
                                     FieldType::kCode,
                                     {"430182001001", "430182001002", "999999999999", "", "4301"}},
                                    {"registration_date",
                                     FieldType::kDate,
                                     {"2020-01-01", "1990-01-01", "", "2020-01-01", "2020-01-01"}},
                                })),
        areas_(AreaTable::FromRows({{"43", "湖南省", AreaLevel::kProvince},
                                    {"4301", "长沙市", AreaLevel::kCity},
                                    {"430182", "宁乡市", AreaLevel::kCounty},
                                    {"430182001", "某街道", AreaLevel::kTownship},
                                    {"430182001001", "某社区", AreaLevel::kVillage}})) {
    options_.source_name = "register";
    options_.areas = &areas_;
    options_.run_date = DaysFromCivil({2021, 1, 1});
  }

  std::string Eval(const std::string& expr) { return Outcomes(expr, table_, options_); }

  std::shared_ptr<StringPool> pool_;
  Table table_;
  AreaTable areas_;
  BindOptions options_;
};

TEST_F(EvaluatorTest, IdFunctions) {
  EXPECT_EQ(Eval("id_valid(id_number)"), "PPFMF");
  EXPECT_EQ(Eval("id_sex(id_number) == sex"), "PFMMM");
  EXPECT_EQ(Eval("id_birth_date(id_number) == birth_date"), "PFMMM");
  EXPECT_EQ(Eval("id_area(id_number) == '430182'"), "PPMMM");
}

TEST_F(EvaluatorTest, PresenceNeverMissing) {
  EXPECT_EQ(Eval("is_missing(name)"), "FFFPF");
  EXPECT_EQ(Eval("is_present(name)"), "PPPFP");
  EXPECT_EQ(Eval("is_present(weight)"), "PPFPP");
  EXPECT_EQ(Eval("is_missing(birth_date)"), "FFFFP");
  EXPECT_EQ(Eval("is_present(id_sex(id_number))"), "PPFFF");
}

TEST_F(EvaluatorTest, TextFunctions) {
  EXPECT_EQ(Eval("length(name) >= 2 and length(name) <= 6 or matches(name, '·')"), "PFPMP");
  EXPECT_EQ(Eval("matches(id_number, '^[0-9]{17}[0-9X]$')"), "PPPMF");
  EXPECT_EQ(Eval("matches(name, '^[A-Za-z ]+$')"), "FFFMP");
  EXPECT_EQ(Eval("sex in ['1', '2']"), "PPPPM");
  EXPECT_EQ(Eval("sex not in ['1']"), "FFFPM");
  EXPECT_EQ(Eval("name in []"), "FFFMF");
  EXPECT_EQ(Eval("weight in [3200, 7000]"), "PFMPF");
  EXPECT_EQ(Eval("name < 'M' and name != 'Li Lei' or name == 'Li Lei'"), "FFFMP");
}

TEST_F(EvaluatorTest, AreaFunctions) {
  EXPECT_EQ(Eval("area_exists(area_code)"), "PFFMP");
  EXPECT_EQ(Eval("area_exists(id_area(id_number))"), "PPMMM");
  options_.params["county"] = "430182";
  EXPECT_EQ(Eval("starts_with(area_code, param('county'))"), "PPFMF");
  EXPECT_EQ(Eval("area_in(area_code, '4301')"), "PPFMP");
  options_.params.clear();
  EXPECT_EQ(Eval("starts_with(area_code, param('county'))"), "MMMMM");
}

TEST_F(EvaluatorTest, DateFunctions) {
  EXPECT_EQ(Eval("age_at(birth_date, date('2020-05-16')) == 29"), "PFPFM");
  EXPECT_EQ(Eval("age_at(birth_date, date('2020-05-17')) == 30"), "PFPFM");
  EXPECT_EQ(Eval("age_at(date('2016-02-29'), date('2017-02-28')) == 0"), "PPPPP");
  EXPECT_EQ(Eval("age_at(date('2016-02-29'), date('2017-03-01')) == 1"), "PPPPP");
  EXPECT_EQ(Eval("days_between(birth_date, registration_date) > 0"), "PFMPM");
  EXPECT_EQ(Eval("registration_date - birth_date == days_between(birth_date, registration_date)"), "PPMPM");
  EXPECT_EQ(Eval("year(birth_date) == 1990 and month(birth_date) == 5 and day(birth_date) == 17"), "PFPFM");
  EXPECT_EQ(Eval("birth_date <= today()"), "PPPPM");
  EXPECT_EQ(Eval("birth_date + 365 < registration_date"), "PFMPM");
  EXPECT_EQ(Eval("registration_date - 1 >= date('2019-12-31')"), "PFMPP");
  EXPECT_EQ(Eval("registration_date >= birth_date"), "PFMPM");
}

TEST_F(EvaluatorTest, Arithmetic) {
  EXPECT_EQ(Eval("weight >= 500 and weight <= 6000"), "PFMFP");
  EXPECT_EQ(Eval("weight * 2 - 1 == 6399"), "PFMFF");
  EXPECT_EQ(Eval("weight / 1000 > 3.1"), "PFMPP");
  EXPECT_EQ(Eval("weight / 0 > 1"), "MMMMM");
  EXPECT_EQ(Eval("-weight < -3199"), "PFMPP");
  EXPECT_EQ(Eval("9223372036854775807 + weight > 0"), "MMMMM");
}

TEST_F(EvaluatorTest, ConditionalRules) {
  EXPECT_EQ(Eval("if is_present(weight) then weight > 1000"), "PFPPP");
  EXPECT_EQ(Eval("if sex == '2' then weight < 5000"), "PPPFM");
  EXPECT_EQ(Eval("if sex == '1' then is_present(registration_date)"), "PPFPP");
}

TEST(ThreeValuedLogicTest, KleeneTables) {
  auto pool = std::make_shared<StringPool>();
  const Table t = MakeTable(pool, {{"a", FieldType::kCode, {"1", "1", "1", "0", "0", "0", "", "", ""}},
                                   {"b", FieldType::kCode, {"1", "0", "", "1", "0", "", "1", "0", ""}}});
  EXPECT_EQ(Outcomes("a == '1' and b == '1'", t), "PFMFFFMFM");
  EXPECT_EQ(Outcomes("a == '1' or b == '1'", t), "PPPPFMPMM");
  EXPECT_EQ(Outcomes("if a == '1' then b == '1'", t), "PFMPPPPMM");
  EXPECT_EQ(Outcomes("not a == '1'", t), "FFFPPPMMM");
  EXPECT_EQ(Outcomes("(a == '1') == (b == '1')", t), "PFMFPMMMM");
  EXPECT_EQ(Outcomes("true", t), "PPPPPPPPP");
}

TEST(DatasetRulesTest, IsUnique) {
  auto pool = std::make_shared<StringPool>();
  const Table t = MakeTable(pool, {{"id_number", FieldType::kCode, {"a", "b", "a", "", "c"}},
                                   {"n", FieldType::kInteger, {"1", "2", "1", "", "3"}},
                                   {"d", FieldType::kDate, {"2000-01-01", "2000-01-01", "2000-01-02", "", ""}}});
  EXPECT_EQ(Outcomes("is_unique(id_number)", t), "FPFMP");
  EXPECT_EQ(Outcomes("is_unique(n)", t), "FPFMP");
  EXPECT_EQ(Outcomes("is_unique(d)", t), "FFPMM");
  EXPECT_EQ(Outcomes("is_unique(id_number) or n == 1", t), "PPPMP");
}

TEST(LookupTest, AcrossTables) {
  auto pool = std::make_shared<StringPool>();
  const Table reg = MakeTable(pool, {{"id_number", FieldType::kCode, {"M1", "M2", "M3", "M3"}},
                                     {"birth_date",
                                      FieldType::kDate,
                                      {"1980-01-01", "2000-06-01", "1970-01-01", "1971-01-01"}},
                                     {"name", FieldType::kText, {"王芳", "", "李娜", "李娜"}}});
  const Table births = MakeTable(
      pool, {{"mother_id_number", FieldType::kCode, {"M1", "M2", "X", "", "M3"}},
             {"birth_date", FieldType::kDate, {"2010-01-01", "2010-01-01", "2010-01-01", "2010-01-01", "2010-01-01"}},
             {"mother_name", FieldType::kText, {"王芳", "张敏", "", "", "李娜"}}});
  BindOptions opt;
  opt.source_name = "births";
  opt.references = {{"register", &reg}};
  const std::string mother_birth = "lookup('register', 'id_number', mother_id_number, 'birth_date')";
  EXPECT_EQ(Outcomes("if is_present(mother_id_number) and is_present(" + mother_birth + ") then age_at(" +
                         mother_birth + ", birth_date) >= 12 and age_at(" + mother_birth + ", birth_date) <= 60",
                     births, opt),
            "PFPPP");
  // Not found, null key and an ambiguous key (M3 twice) are all missing.
  EXPECT_EQ(Outcomes(mother_birth + " < birth_date", births, opt), "PPMMM");
  EXPECT_EQ(Outcomes("lookup('register', 'id_number', mother_id_number, 'name') == mother_name", births, opt),
            "PMMMM");
  // A computed key goes through the pool.
  EXPECT_EQ(Outcomes("is_present(lookup('register', 'id_number', param('m'), 'name'))", births,
                     [&] {
                       BindOptions o = opt;
                       o.params["m"] = "M1";
                       return o;
                     }()),
            "PPPPP");

  // The three lookups of the mother rule share one row lookup.
  auto rule = MakeRule("mother", "age_at(" + mother_birth + ", birth_date) >= 12 and age_at(" + mother_birth +
                                     ", birth_date) <= 60");
  ASSERT_TRUE(rule.ok());
  RuleSet set;
  set.rules.push_back(*rule);
  auto compiled = CompiledRules::Compile(set, births, opt);
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  int row_lookups = 0;
  for (const Node& n : compiled->nodes()) row_lookups += n.op == NodeOp::kLookupRow ? 1 : 0;
  EXPECT_EQ(row_lookups, 1);
  EXPECT_EQ(compiled->rule(0).fields, (std::vector<std::string>{"birth_date", "mother_id_number"}));
  EXPECT_EQ(compiled->rule(0).foreign_fields, (std::vector<std::string>{"register.birth_date"}));

  // Tables from another pool cannot be referenced.
  auto other_pool = std::make_shared<StringPool>();
  const Table stranger = MakeTable(other_pool, {{"id_number", FieldType::kCode, {"M1"}}});
  BindOptions bad = opt;
  bad.references = {{"register", &stranger}};
  EXPECT_EQ(CompiledRules::Compile(set, births, bad).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(EvaluatorTest, SharedSubexpressions) {
  RuleSet set;
  for (const char* e : {"id_valid(id_number)", "id_sex(id_number) == sex", "id_birth_date(id_number) == birth_date"}) {
    set.rules.push_back(MakeRule(std::string("r") + std::to_string(set.rules.size()), e).value());
  }
  auto compiled = CompiledRules::Compile(set, table_, options_);
  ASSERT_TRUE(compiled.ok());
  int parses = 0;
  for (const Node& n : compiled->nodes()) parses += n.op == NodeOp::kIdParse ? 1 : 0;
  EXPECT_EQ(parses, 1);
  EXPECT_EQ(compiled->NodeToString(compiled->rule(1).root), "(== (id_sex (id_parse id_number)) sex)");
}

TEST_F(EvaluatorTest, RuleForms) {
  RuleSet set;
  const std::vector<std::pair<std::string, RuleForm>> cases = {
      {"weight >= 500", RuleForm::kLinear},
      {"weight * 2 + 1 <= weight - 3", RuleForm::kLinear},
      {"registration_date >= birth_date", RuleForm::kLinear},
      {"sex in ['1', '2']", RuleForm::kCategorical},
      {"sex == '1' or is_missing(name)", RuleForm::kCategorical},
      {"if sex == '2' then weight < 5000", RuleForm::kConditional},
      {"weight < 100 or weight > 200", RuleForm::kConditional},
      {"id_valid(id_number)", RuleForm::kOther},
      {"age_at(birth_date, today()) <= 120", RuleForm::kOther},
  };
  for (const auto& [expr, form] : cases) {
    set.rules.push_back(MakeRule("r" + std::to_string(set.rules.size()), expr).value());
  }
  auto compiled = CompiledRules::Compile(set, table_, options_);
  ASSERT_TRUE(compiled.ok());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(RuleFormName(compiled->rule(static_cast<int>(i)).form), RuleFormName(cases[i].second))
        << cases[i].first;
  }
}

TEST_F(EvaluatorTest, SummariesAndFindings) {
  RuleSet set;
  set.rules.push_back(MakeRule("weight", "weight >= 500 and weight <= 6000", Severity::kError, 0.5).value());
  set.rules.push_back(MakeRule("name", "is_present(name)", Severity::kWarning, 0.9).value());
  auto result = RunChecks(set, table_, options_);
  ASSERT_TRUE(result.ok());
  const RuleSummary& w = result->summaries[0];
  EXPECT_EQ(w.items, 5);
  EXPECT_EQ(w.passes, 2);
  EXPECT_EQ(w.fails, 2);
  EXPECT_EQ(w.missing, 1);
  EXPECT_DOUBLE_EQ(w.pass_rate, 0.5);
  EXPECT_TRUE(w.within_tolerance);
  EXPECT_EQ(w.kind, RuleKind::kWrong);
  const RuleSummary& n = result->summaries[1];
  EXPECT_EQ(n.kind, RuleKind::kMissing);
  EXPECT_DOUBLE_EQ(n.pass_rate, 0.8);
  EXPECT_FALSE(n.within_tolerance);
  EXPECT_EQ(n.fields, (std::vector<std::string>{"name"}));
  // Row 1 fails weight; row 3 fails weight and name.
  const std::vector<Finding> expected = {{1, 3, 0}, {3, 5, 0}, {3, 5, 1}};
  EXPECT_EQ(result->findings, expected);
}

TEST_F(EvaluatorTest, AreaSummary) {
  RuleSet set;
  set.rules.push_back(MakeRule("weight", "weight >= 500 and weight <= 6000").value());
  set.rules.push_back(MakeRule("name", "is_present(name)").value());
  set.rules.push_back(MakeRule("reg", "registration_date >= birth_date").value());
  auto result = RunChecks(set, table_, options_);
  ASSERT_TRUE(result.ok());
  // Failures: row1 weight + reg (area 430182001002), row3 weight (wrong) + name (missing) (area null).
  auto areas = SummarizeByArea(*result, table_);
  ASSERT_TRUE(areas.ok());
  ASSERT_EQ(areas->villages.size(), 4u);  // "", 430182001001, 430182001002, 999999999999 ("4301" -> "")
  EXPECT_EQ(areas->villages[0].code, "");
  EXPECT_EQ(areas->villages[0].records, 2);
  EXPECT_EQ(areas->villages[0].wrong_items, 1);
  EXPECT_EQ(areas->villages[0].missing_items, 1);
  EXPECT_DOUBLE_EQ(areas->villages[0].missing_per_100, 50.0);
  EXPECT_EQ(areas->villages[2].code, "430182001002");
  EXPECT_EQ(areas->villages[2].wrong_items, 2);
  EXPECT_DOUBLE_EQ(areas->villages[2].wrong_per_100, 200.0);
  ASSERT_EQ(areas->townships.size(), 3u);  // "", 430182001, 999999999
  EXPECT_EQ(areas->townships[1].code, "430182001");
  EXPECT_EQ(areas->townships[1].records, 2);
  EXPECT_EQ(areas->townships[1].wrong_items, 2);
  EXPECT_DOUBLE_EQ(areas->townships[1].wrong_per_100, 100.0);
  EXPECT_EQ(SummarizeByArea(*result, table_, "nope").status().code(), StatusCode::kInvalidArgument);
}

TEST(ThreadsTest, ResultsIndependentOfThreadsAndChunks) {
  auto pool = std::make_shared<StringPool>();
  Table t(pool);
  Column& id = t.AddColumn("id_number", FieldType::kCode);
  Column& sex = t.AddColumn("sex", FieldType::kCode);
  Column& birth = t.AddColumn("birth_date", FieldType::kDate);
  Column& w = t.AddColumn("weight", FieldType::kInteger);
  std::mt19937_64 rng(7);
  const int64_t rows = 20011;
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t days = static_cast<int32_t>(rng() % 30000) - 10000;
    std::string s = MakeCitizenId(430182, days, static_cast<int>(rng() % 1000));
    if (rng() % 10 == 0) s[5] = '9';
    if (rng() % 50 == 0) s = s.substr(0, 10);
    id.AppendString(rng() % 20 == 0 ? StringPool::kNull : pool->Intern(s));
    sex.AppendString(pool->Intern(rng() % 2 ? "1" : "2"));
    birth.AppendDate(rng() % 30 == 0 ? kNullDate : days + static_cast<int32_t>(rng() % 3));
    w.AppendInt(rng() % 25 == 0 ? kNullInt : static_cast<int64_t>(rng() % 7000));
    t.AppendRowOrigin(r + 2);
  }
  RuleSet set;
  for (const char* e : {"id_valid(id_number)", "id_sex(id_number) == sex", "id_birth_date(id_number) == birth_date",
                        "weight >= 500 and weight <= 6000", "is_unique(id_number)", "matches(id_number, '^43')",
                        "if sex == '2' then weight < 3000"}) {
    set.rules.push_back(MakeRule("r" + std::to_string(set.rules.size()), e).value());
  }
  BindOptions opt;
  auto compiled = CompiledRules::Compile(set, t, opt);
  ASSERT_TRUE(compiled.ok());
  auto base = compiled->Evaluate({1, 2048});
  ASSERT_TRUE(base.ok());
  EXPECT_GT(base->findings.size(), 1000u);
  for (const EvalOptions o : {EvalOptions{2, 2048}, EvalOptions{4, 100}, EvalOptions{3, 1}, EvalOptions{0, 100000}}) {
    auto other = compiled->Evaluate(o);
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other->findings, base->findings);
    EXPECT_EQ(other->outcomes, base->outcomes);
    for (size_t i = 0; i < set.rules.size(); ++i) {
      EXPECT_EQ(other->summaries[i].passes, base->summaries[i].passes);
      EXPECT_EQ(other->summaries[i].missing, base->summaries[i].missing);
    }
  }
}

TEST(EmptyTableTest, NoRows) {
  auto pool = std::make_shared<StringPool>();
  const Table t = MakeTable(pool, {{"x", FieldType::kInteger, {}}});
  EXPECT_EQ(Outcomes("x > 1", t), "");
}

}  // namespace
}  // namespace vitalink::check
