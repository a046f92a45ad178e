// What a check run produces: per-rule summaries, per-record findings, the
// per-rule outcome vectors, and rates per township and village.
//
//   VL_ASSIGN_OR_RETURN(CheckResult r, compiled.Evaluate());
//   for (const Finding& f : r.findings) {
//     const RuleSummary& rule = r.summaries[f.rule_index];   // id, fields, ...
//   }
//   VL_ASSIGN_OR_RETURN(AreaSummary areas, SummarizeByArea(r, table));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/check/rule_file.h"
#include "vitalink/common/status.h"
#include "vitalink/table/table.h"

namespace vitalink::check {

/// The three values of a rule on one record. A comparison with a missing
/// operand is kMissing: neither pass nor fail (as in R's validate).
enum class Outcome : uint8_t { kFail = 0, kPass = 1, kMissing = 2 };

struct RuleSummary {
  std::string rule_id;
  std::string label_zh;
  std::string label_en;
  Severity severity = Severity::kError;
  RuleKind kind = RuleKind::kWrong;
  double tolerance = 1.0;
  /// Fields of the checked table the rule reads, sorted (what a localizer may change).
  std::vector<std::string> fields;
  /// Fields of other sources read through lookup(), as "source.field".
  std::vector<std::string> foreign_fields;
  int64_t items = 0;  // records evaluated (passes + fails + missing)
  int64_t passes = 0;
  int64_t fails = 0;
  int64_t missing = 0;
  /// passes / (passes + fails); 1 when nothing was decidable.
  double pass_rate = 1.0;
  /// pass_rate >= tolerance.
  bool within_tolerance = true;
  /// The rule reads an optional field the table lacks; it was not evaluated.
  bool skipped = false;
  std::string skip_reason;
};

/// One failed rule on one record. Rule id and fields: summaries[rule_index].
struct Finding {
  int64_t row = 0;
  int64_t origin_line = 0;
  int32_t rule_index = 0;
  friend bool operator==(const Finding&, const Finding&) = default;
};

struct CheckResult {
  std::string source;
  int64_t num_rows = 0;
  std::vector<RuleSummary> summaries;
  /// Failed (record, rule) pairs ordered by row, then rule.
  std::vector<Finding> findings;
  /// outcomes[rule][row]; empty for skipped rules.
  std::vector<std::vector<Outcome>> outcomes;
};

/// Counts and rates for one township or village.
struct AreaRate {
  std::string code;  // 9-digit township or 12-digit village code; "" = unknown area
  int64_t records = 0;
  int64_t wrong_items = 0;    // failed kWrong rules (错项)
  int64_t missing_items = 0;  // failed kMissing rules (漏项)
  double wrong_per_100 = 0;
  double missing_per_100 = 0;
};

struct AreaSummary {
  std::vector<AreaRate> townships;  // sorted by code
  std::vector<AreaRate> villages;   // sorted by code
};

/// Aggregate `result` (computed on `table`) by the 12-digit village code in
/// column `area_field`; township = first 9 digits. Records whose code is
/// missing or not 12 digits count under code "". Cost O(rows × rules).
Result<AreaSummary> SummarizeByArea(const CheckResult& result, const Table& table,
                                    std::string_view area_field = "area_code");

}  // namespace vitalink::check
