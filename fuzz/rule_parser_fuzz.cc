// libFuzzer target for the rule language: the input is parsed as an
// expression, bound and evaluated on a tiny table, and parsed as a rule file.
// Nothing may crash, leak, hang or recurse without bound, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vitalink/check/parser.h"
#include "vitalink/check/program.h"
#include "vitalink/check/rule_file.h"

namespace {

using vitalink::FieldType;
using vitalink::StringPool;
using vitalink::Table;

struct Fixture {
  Fixture() : pool(std::make_shared<StringPool>()), table(pool) {
    auto& id = table.AddColumn("id_number", FieldType::kCode);
    auto& sex = table.AddColumn("sex", FieldType::kCode);
    auto& birth = table.AddColumn("birth_date", FieldType::kDate);
    auto& weight = table.AddColumn("weight", FieldType::kInteger);
    auto& name = table.AddColumn("name", FieldType::kText);
    const char* ids[] = {"430182199005170115", "12345", nullptr};
    for (int r = 0; r < 3; ++r) {
      id.AppendString(ids[r] == nullptr ? StringPool::kNull : pool->Intern(ids[r]));
      sex.AppendString(pool->Intern(r == 0 ? "1" : "2"));
      birth.AppendDate(r == 2 ? vitalink::kNullDate : 7000 * r);
      weight.AppendInt(r == 1 ? vitalink::kNullInt : 3000 + r);
      name.AppendString(pool->Intern(r == 0 ? "张三" : "阿依古丽·买买提"));
      table.AppendRowOrigin(r + 2);
    }
    areas = vitalink::AreaTable::FromRows({{"430182", "宁乡市", vitalink::AreaLevel::kCounty}});
    options.source_name = "register";
    options.references = {{"register", &table}};
    options.areas = &areas;
    options.run_date = 18000;
    options.params = {{"county_code", "430182"}};
  }
  std::shared_ptr<StringPool> pool;
  Table table;
  vitalink::AreaTable areas;
  vitalink::check::BindOptions options;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = new Fixture();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rule = vitalink::check::MakeRule("fuzz", text);
  if (rule.ok()) {
    vitalink::check::RuleSet set;
    set.rules.push_back(std::move(rule).value());
    auto compiled = vitalink::check::CompiledRules::Compile(set, fixture->table, fixture->options);
    if (compiled.ok()) {
      auto result = compiled->Evaluate({1, 2});
      (void)result;
    }
  }
  auto file = vitalink::check::ParseRuleFile(text, "fuzz.toml");
  (void)file;
  return 0;
}
