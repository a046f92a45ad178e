// Test-only helpers: small hand-made tables and one-line rule evaluation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vitalink/check/program.h"
#include "vitalink/common/date.h"
#include "vitalink/table/table.h"

namespace vitalink::check::testing {

struct ColumnSpec {
  std::string name;
  FieldType type;
  std::vector<std::string> values;  // "" = null; dates YYYY-MM-DD
};

/// Return a table built from `columns` (all of equal length), origin lines 2, 3, ...
inline Table MakeTable(const std::shared_ptr<StringPool>& pool, const std::vector<ColumnSpec>& columns) {
  Table t(pool);
  size_t rows = columns.empty() ? 0 : columns[0].values.size();
  for (const ColumnSpec& spec : columns) {
    Column& c = t.AddColumn(spec.name, spec.type);
    for (const std::string& v : spec.values) {
      if (v.empty()) {
        c.AppendNull();
      } else if (spec.type == FieldType::kDate) {
        c.AppendDate(ParseIsoDate(v).value());
      } else if (spec.type == FieldType::kInteger) {
        c.AppendInt(std::stoll(v));
      } else {
        c.AppendString(pool->Intern(v));
      }
    }
  }
  for (size_t r = 0; r < rows; ++r) t.AppendRowOrigin(static_cast<int64_t>(r) + 2);
  return t;
}

/// Return the outcomes of `expr` on `table` as a string of P (pass), F (fail), M (missing),
/// or "ERROR message".
inline std::string Outcomes(const std::string& expr, const Table& table, const BindOptions& options = {},
                            int threads = 1) {
  auto rule = MakeRule("r", expr);
  if (!rule.ok()) return "ERROR " + rule.status().message();
  RuleSet set;
  set.rules.push_back(std::move(rule).value());
  auto result = RunChecks(set, table, options, EvalOptions{threads, 3});
  if (!result.ok()) return "ERROR " + result.status().message();
  if (result->summaries[0].skipped) return "SKIPPED " + result->summaries[0].skip_reason;
  std::string out;
  for (Outcome o : result->outcomes[0]) out += o == Outcome::kPass ? 'P' : o == Outcome::kFail ? 'F' : 'M';
  return out;
}

}  // namespace vitalink::check::testing
