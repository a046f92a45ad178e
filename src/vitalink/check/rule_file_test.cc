#include "vitalink/check/rule_file.h"

#include <gtest/gtest.h>

#include "vitalink/check/program.h"
#include "vitalink/check/testing_internal.h"

namespace vitalink::check {
namespace {

using testing::MakeTable;

constexpr char kHead[] = "[[rule]]\nid = \"R1\"\nlabel_zh = \"规则\"\nlabel_en = \"rule\"\nseverity = \"error\"\n";

std::string ErrorOf(std::string_view text) {
  auto r = ParseRuleFile(text, "f.toml");
  return r.ok() ? "OK" : r.status().message();
}

TEST(RuleFileTest, ParsesRules) {
  auto r = ParseRuleFile(std::string(kHead) +
                             "tolerance = 0.99\nexpr = \"is_present(name)\"\n\n"
                             "[[rule]]\nid = \"R2\"\nlabel_zh = \"性别\"\nlabel_en = \"sex\"\nseverity = \"warning\"\n"
                             "kind = \"wrong\"\nexpr = '''\nsex in ['1', '2']'''\n",
                         "f.toml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rules.size(), 2u);
  EXPECT_EQ(r->rules[0].id, "R1");
  EXPECT_EQ(r->rules[0].label_zh, "规则");
  EXPECT_DOUBLE_EQ(r->rules[0].tolerance, 0.99);
  EXPECT_EQ(r->rules[0].kind, RuleKind::kMissing);  // inferred from is_present
  EXPECT_EQ(r->rules[1].severity, Severity::kWarning);
  EXPECT_EQ(r->rules[1].kind, RuleKind::kWrong);
  EXPECT_EQ(r->rules[1].expr_text, "sex in ['1', '2']");
  EXPECT_EQ(r->rules[1].line, 9);
  EXPECT_EQ(r->rules[1].Where(0), "f.toml:16:1");
}

TEST(RuleFileTest, ExpressionErrorsPointIntoTheFile) {
  // Line 6 is `expr = "..."`; its quote is column 8, so offset k is column 9 + k.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "expr = \"birth_date <= today() and sex = '1'\"\n"),
            "f.toml:6:39: rule 'R1': unexpected '=', use '==' to compare");
  // Escapes in a basic string shift the columns.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "expr = \"name == \\\"x\\\" and sex = '1'\"\n"),
            "f.toml:6:31: rule 'R1': unexpected '=', use '==' to compare");
  // Multi-line literal strings keep lines and columns.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "expr = '''\nif is_present(x)\n  then y ~ 1'''\n"),
            "f.toml:8:10: rule 'R1': unexpected character '~'");
  // Chinese text before the error counts one column per character.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "expr = \"name == '张三' b\"\n"),
            "f.toml:6:22: rule 'R1': unexpected 'b', join conditions with 'and' or 'or'");
}

TEST(RuleFileTest, FileErrors) {
  EXPECT_EQ(ErrorOf("[[rule]]\nid = \"R1\"\nseverty = \"error\"\n"),
            "f.toml:3:11: unknown rule key 'severty', did you mean 'severity'?");
  EXPECT_EQ(ErrorOf(std::string(kHead)), "f.toml:1:1: rule 'R1' has no 'expr'");
  EXPECT_EQ(ErrorOf("[[rule]]\nid = \"R1\"\nlabel_zh = \"a\"\nlabel_en = \"a\"\nseverity = \"fatal\"\nexpr = \"true\"\n"),
            "f.toml:5:12: severity must be \"error\" or \"warning\", got \"fatal\"");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "tolerance = 99\nexpr = \"true\"\n"),
            "f.toml:6:13: tolerance must be a number between 0 and 1 (0.99 = 99% must pass)");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "expr = \"true\"\n" + kHead + "expr = \"true\"\n"),
            "f.toml:7:1: duplicate rule id 'R1' (first defined at f.toml:1:1)");
  EXPECT_EQ(ErrorOf("[[rule]]\nid = \"a b\"\n"), "f.toml:2:6: bad rule id 'a b', use letters, digits, '_', '-' or '.'");
  EXPECT_EQ(ErrorOf("rules = 1\n"), "f.toml:1:9: unknown key 'rules', did you mean 'rule'?");
  EXPECT_EQ(ErrorOf("[[rule]\n").substr(0, 12), "f.toml:1:8: ");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "expr = 12\n"), "f.toml:6:8: 'expr' must be a string");
  EXPECT_EQ(ErrorOf("role = \"register\"\n"), "OK");
  EXPECT_EQ(LoadRuleFile("/nonexistent/rules.toml").status().code(), StatusCode::kNotFound);
}

TEST(RuleFileTest, BindErrorsPointIntoTheFile) {
  auto pool = std::make_shared<StringPool>();
  const Table t = MakeTable(pool, {{"birth_date", FieldType::kDate, {"2000-01-01"}},
                                   {"sex", FieldType::kCode, {"1"}},
                                   {"name", FieldType::kText, {"张三"}},
                                   {"weight", FieldType::kInteger, {"3000"}}});
  auto bind_error = [&](const std::string& expr) {
    auto rules = ParseRuleFile(std::string(kHead) + "expr = \"" + expr + "\"\n", "f.toml");
    if (!rules.ok()) return "PARSE " + rules.status().message();
    auto c = CompiledRules::Compile(*rules, t, BindOptions{});
    return c.ok() ? std::string("OK") : c.status().message();
  };
  EXPECT_EQ(bind_error("birthdate <= today()"),
            "f.toml:6:9: rule 'R1': unknown field 'birthdate', did you mean 'birth_date'?");
  EXPECT_EQ(bind_error("ageat(birth_date, today()) < 120"),
            "f.toml:6:9: rule 'R1': unknown function 'ageat', did you mean 'age_at'?");
  EXPECT_EQ(bind_error("sex == 1"), "f.toml:6:13: rule 'R1': cannot compare text with integer, codes are text: write '1'");
  EXPECT_EQ(bind_error("birth_date > '2000-01-01'"),
            "f.toml:6:20: rule 'R1': cannot compare date with text, write date('2000-01-01') for a date");
  EXPECT_EQ(bind_error("weight > '500'"),
            "f.toml:6:16: rule 'R1': cannot compare integer with text, numbers take no quotes: write 500");
  EXPECT_EQ(bind_error("weight + 1"),
            "f.toml:6:9: rule 'R1': a rule must be a condition (true or false), this is integer, compare it: e.g. "
            "'weight + 1 > 0'");
  EXPECT_EQ(bind_error("weight + name > 1"), "f.toml:6:16: rule 'R1': cannot apply '+' to integer and text");
  EXPECT_EQ(bind_error("age_at(birth_date) > 1"),
            "f.toml:6:9: rule 'R1': age_at() takes 2 arguments, got 1, write age_at(birth_date, date)");
  EXPECT_EQ(bind_error("age_at(birth_date, '2020-01-01') > 1"),
            "f.toml:6:28: rule 'R1': age_at(): argument 2 must be date, got text, write date('2020-01-01') for a date");
  EXPECT_EQ(bind_error("matches(name, '(')"),
            "f.toml:6:23: rule 'R1': bad regular expression: missing ): (, RE2 syntax, see docs/RULES.md");
  EXPECT_EQ(bind_error("matches(name, sex)"), "f.toml:6:23: rule 'R1': matches(): the pattern must be a quoted literal, write 'sex'");
  EXPECT_EQ(bind_error("area_exists(name)"),
            "f.toml:6:9: rule 'R1': area_exists() needs the GB/T 2260 area table, pass BindOptions::areas "
            "(scripts/install-deps builds areas.tsv)");
  EXPECT_EQ(bind_error("is_present(lookup('regster', 'id_number', name, 'name'))"),
            "f.toml:6:27: rule 'R1': unknown source 'regster', no sources were given for lookups");
  EXPECT_EQ(bind_error("is_unique(name + 1)"), "f.toml:6:19: rule 'R1': is_unique() takes a field name, write is_unique(id_number)");
  EXPECT_EQ(bind_error("today > birth_date"), "f.toml:6:9: rule 'R1': unknown field 'today', 'today' is a function: write today()");
  EXPECT_EQ(bind_error("date('2021-02-30') > birth_date"),
            "f.toml:6:14: rule 'R1': '2021-02-30' is not a date, write date('YYYY-MM-DD'), e.g. date('2011-01-13')");
  EXPECT_EQ(bind_error("sex in [1, 2]"), "f.toml:6:17: rule 'R1': list items must be quoted text like the field, codes are text: write '1'");
  EXPECT_EQ(bind_error("if weight then sex == '1'"),
            "f.toml:6:12: rule 'R1': the 'if' part must be a condition, got integer");
}

TEST(RuleFileTest, OptionalFieldsSkipRules) {
  auto pool = std::make_shared<StringPool>();
  const Table t = MakeTable(pool, {{"sex", FieldType::kCode, {"1", "3"}}});
  RuleSet set;
  set.rules.push_back(MakeRule("eth", "ethnicity in ['汉族']").value());
  set.rules.push_back(MakeRule("sex", "sex in ['1', '2']").value());
  BindOptions opt;
  opt.source_name = "survey";
  opt.optional_fields = {"ethnicity"};
  auto r = RunChecks(set, t, opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->summaries[0].skipped);
  EXPECT_EQ(r->summaries[0].skip_reason, "source 'survey' has no field 'ethnicity'");
  EXPECT_TRUE(r->outcomes[0].empty());
  EXPECT_EQ(r->summaries[1].fails, 1);
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].rule_index, 1);
}

// Every shipped rule file binds against a table with its role's fields.
TEST(ShippedRulesTest, DefaultRulesCompile) {
  auto pool = std::make_shared<StringPool>();
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, FieldType>>>> roles = {
      {"register",
       {{"record_id", FieldType::kCode}, {"id_number", FieldType::kCode}, {"name", FieldType::kText},
        {"sex", FieldType::kCode}, {"birth_date", FieldType::kDate}, {"ethnicity", FieldType::kText},
        {"household_id", FieldType::kCode}, {"relation", FieldType::kText}, {"area_code", FieldType::kCode},
        {"registration_date", FieldType::kDate}, {"mother_id_number", FieldType::kCode},
        {"father_id_number", FieldType::kCode}, {"status", FieldType::kText}}},
      {"births",
       {{"child_name", FieldType::kText}, {"sex", FieldType::kCode}, {"birth_date", FieldType::kDate},
        {"birth_weight", FieldType::kInteger}, {"hospital", FieldType::kText}, {"mother_name", FieldType::kText},
        {"mother_id_number", FieldType::kCode}, {"father_name", FieldType::kText}, {"area_code", FieldType::kCode},
        {"report_date", FieldType::kDate}}},
      {"survey",
       {{"name", FieldType::kText}, {"sex", FieldType::kCode}, {"birth_date", FieldType::kDate},
        {"mother_name", FieldType::kText}, {"area_code", FieldType::kCode}, {"visit_date", FieldType::kDate}}},
      {"migrants",
       {{"id_number", FieldType::kCode}, {"name", FieldType::kText}, {"sex", FieldType::kCode},
        {"birth_date", FieldType::kDate}, {"origin_area_code", FieldType::kCode}, {"area_code", FieldType::kCode},
        {"arrival_date", FieldType::kDate}, {"registration_date", FieldType::kDate}}},
  };
  std::map<std::string, Table> tables;
  for (const auto& [role, fields] : roles) {
    Table t(pool);
    for (const auto& [name, type] : fields) t.AddColumn(name, type);
    tables.emplace(role, std::move(t));
  }
  const AreaTable areas = AreaTable::FromRows({{"430182", "宁乡市", AreaLevel::kCounty}});
  for (const auto& [role, fields] : roles) {
    auto rules = LoadRuleFile(std::string(VL_SOURCE_DIR) + "/rules/" + role + ".toml");
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    BindOptions opt;
    opt.source_name = role;
    opt.references = {{"register", &tables.at("register")}};
    opt.areas = &areas;
    opt.params = {{"county_code", "430182"}};
    auto compiled = CompiledRules::Compile(*rules, tables.at(role), opt);
    ASSERT_TRUE(compiled.ok()) << compiled.status().message();
    for (int i = 0; i < compiled->num_rules(); ++i) EXPECT_GE(compiled->rule(i).root, 0) << role;
    if (role == "register") {
      EXPECT_GE(compiled->num_rules(), 40);
    }
  }
}

}  // namespace
}  // namespace vitalink::check
