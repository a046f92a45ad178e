// Replays the rule fuzzer's seeds and every saved crash input
// (testdata/check/rule_seeds/fuzz/) through the fuzz target's path: parse as an
// expression, bind and evaluate, parse as a rule file. None may crash.
// A crash found by fuzz/rule_parser_fuzz.cc is saved there and gets a named case below.
#include <gtest/gtest.h>

#include <filesystem>

#include "vitalink/check/program.h"
#include "vitalink/check/testing_internal.h"
#include "vitalink/common/file_io.h"

namespace vitalink::check {
namespace {

void RunLikeFuzzer(std::string_view text) {
  auto pool = std::make_shared<StringPool>();
  const Table t = testing::MakeTable(pool, {{"id_number", FieldType::kCode, {"430182199005170115", "12345", ""}},
                                            {"sex", FieldType::kCode, {"1", "2", "2"}},
                                            {"birth_date", FieldType::kDate, {"1970-01-01", "1989-03-01", ""}},
                                            {"weight", FieldType::kInteger, {"3000", "", "3002"}},
                                            {"name", FieldType::kText, {"张三", "阿依古丽·买买提", "李"}}});
  const AreaTable areas = AreaTable::FromRows({{"430182", "宁乡市", AreaLevel::kCounty}});
  BindOptions opt;
  opt.references = {{"register", &t}};
  opt.areas = &areas;
  opt.run_date = 18000;
  opt.params = {{"county_code", "430182"}};
  auto rule = MakeRule("fuzz", text);
  if (rule.ok()) {
    RuleSet set;
    set.rules.push_back(std::move(rule).value());
    auto compiled = CompiledRules::Compile(set, t, opt);
    if (compiled.ok()) {
      EXPECT_TRUE(compiled->Evaluate({1, 2}).ok());
    }
  }
  (void)ParseRuleFile(text, "fuzz.toml");
}

TEST(FuzzRegressionTest, SeedsAndSavedCrashes) {
  const std::filesystem::path dir = std::filesystem::path(VL_TESTDATA_DIR) / "check" / "rule_seeds";
  int replayed = 0;
  for (const auto& sub : {dir, dir / "fuzz"}) {
    if (!std::filesystem::exists(sub)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(sub)) {
      if (!entry.is_regular_file()) continue;
      auto text = ReadFile(entry.path().string());
      ASSERT_TRUE(text.ok());
      RunLikeFuzzer(*text);
      ++replayed;
    }
  }
  EXPECT_GE(replayed, 9);
}

// Shapes that stress recursion and arithmetic edges (none has crashed so far).
TEST(FuzzRegressionTest, HostileShapes) {
  RunLikeFuzzer(std::string(100000, '('));
  RunLikeFuzzer(std::string(100000, '-') + "1 > 0");
  RunLikeFuzzer("[[rule]]\nexpr = '''" + std::string(5000, '(') + "'''\n");
  RunLikeFuzzer("-9223372036854775807 - weight - 2 < 0");
  RunLikeFuzzer("weight * 9223372036854775807 > 0 and birth_date + 9223372036854775807 > birth_date");
  RunLikeFuzzer("id_area(name) == '' and length(id_area(id_number)) == 6");
  RunLikeFuzzer("lookup('register', 'name', id_sex(id_number), 'birth_date') > date('0001-01-01')");
  RunLikeFuzzer("matches(name, '\\xff') or matches(name, '')");
}

}  // namespace
}  // namespace vitalink::check
