// Compiled rule sets: rules bound to one table, as a typed expression DAG that
// the evaluator runs column-wise over chunks of rows on all cores.
//
//   BindOptions opt;
//   opt.source_name = "register";
//   opt.references = {{"register", &table}};
//   opt.areas = &areas;
//   VL_ASSIGN_OR_RETURN(CompiledRules c, CompiledRules::Compile(rules, table, opt));
//   VL_ASSIGN_OR_RETURN(CheckResult r, c.Evaluate());
//
// Binding resolves field names to columns, checks types, compiles regexes once,
// builds hash indexes for lookup() and the duplicate flags for is_unique().
// Equal subexpressions across all rules share one node (id_sex(id_number) is
// computed once per chunk however many rules use it).
//
// For error localization the bound form is walkable: each rule's root node,
// its children, the columns it reads, and its RuleForm (linear, categorical,
// conditional or other).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/check/findings.h"
#include "vitalink/check/rule_file.h"
#include "vitalink/common/area_codes.h"
#include "vitalink/common/status.h"
#include "vitalink/table/table.h"

namespace re2 {
class RE2;
}

namespace vitalink::check {

enum class ValueType : uint8_t { kBool, kInteger, kFloat, kDate, kString, kIdInfo, kRow };

/// Return "condition", "integer", "number", "date", "text", ...
std::string_view ValueTypeName(ValueType t);

enum class NodeOp : uint8_t {
  kConst,     // literal; null when is_null
  kColumn,    // column `column` of the checked table
  kNot, kAnd, kOr, kImplies,
  kEq, kNe, kLt, kLe, kGt, kGe,  // children share one type
  kNeg, kAdd, kSub, kMul, kDiv, kToFloat,
  kIsMissing, kIsPresent,
  kInList,     // children[0] in list `aux` (strings or integers)
  kMatches,    // RE2 partial match of regex `aux`
  kStartsWith, kLength, kAreaExists,
  kYear, kMonth, kDay, kAgeAt, kDaysBetween,
  kIdParse,    // string -> parsed citizen id (internal; shared by the id_* functions)
  kIdValid, kIdBirthDate, kIdSex,
  kIdArea,     // children: {id parse, id string}
  kIsUnique,   // column `column`: precomputed duplicate flags `aux`
  kLookupRow,  // key -> row of the referenced table (index `aux`), -1 when absent or ambiguous
  kLookupField,  // children: {lookup row}; column `column` of the referenced table
  kAbs,        // |x| of an integer or number
};

/// Return the node operator's name ("age_at", "==", "column").
std::string_view NodeOpName(NodeOp op);

struct Node {
  NodeOp op = NodeOp::kConst;
  ValueType type = ValueType::kBool;
  std::vector<int32_t> children;  // indices of earlier nodes
  int column = -1;                // kColumn, kIsUnique: checked table; kLookupField: referenced table
  /// kColumn, kIsUnique: which row of a pair expression the column is read
  /// from: 0 the checked row (rules), 1 the left record (l.x), 2 the right (r.x).
  uint8_t side = 0;
  const Table* table = nullptr;   // the table `column` belongs to
  int32_t aux = -1;               // side-table index (regex, list, lookup index, unique flags)
  // kConst payload (by type).
  bool is_null = false;
  bool bool_value = false;
  int64_t int_value = 0;
  double float_value = 0;
  int32_t date_value = 0;
  std::string string_value;
  // Evaluation plan (set by the binder).
  int direct_column = -1;  // a string column the kernel reads as ids, bypassing children[0]
  int32_t memo = -1;       // per-pool-id result cache of a string predicate
  bool needed = false;     // evaluated per chunk
};

/// The shape of a rule, for error localization (Fellegi–Holt): which rules a
/// MIP can represent. kLinear: a comparison of linear forms of numeric or date
/// fields; kCategorical: `in` lists, equality with text constants and
/// presence tests combined with and/or/not; kConditional: `if A then B` or
/// and/or mixing the two; kOther: anything calling functions or lookups.
enum class RuleForm { kLinear, kCategorical, kConditional, kOther };

/// Return "linear", "categorical", "conditional", "other".
std::string_view RuleFormName(RuleForm f);

struct BoundRule {
  Rule rule;
  int32_t root = -1;  // node index; -1 when skipped
  std::string skip_reason;
  std::vector<std::string> fields;
  std::vector<std::string> foreign_fields;
  RuleForm form = RuleForm::kOther;
};

struct BindOptions {
  /// Name of the checked source ("register"), used in lookups and findings.
  std::string source_name;
  /// Tables lookup() may reference, by source name (may include the checked
  /// table itself). They must share the checked table's StringPool and outlive
  /// the CompiledRules.
  std::map<std::string, const Table*, std::less<>> references;
  /// GB/T 2260 table for area_exists(); rules using it fail to bind without it.
  const AreaTable* areas = nullptr;
  /// The date today() returns; kNullDate = the system's date at compile time.
  int32_t run_date = kNullDate;
  /// Values of param('name'); an unset parameter is a missing value.
  std::map<std::string, std::string, std::less<>> params;
  /// Known field names a table may lack (the canonical fields): a rule reading
  /// one the table does not have is skipped with a reason instead of failing.
  std::vector<std::string> optional_fields;
  /// Pair expressions (link comparisons): every field is qualified, l.x for
  /// the left record and r.x for the right one, and the rules are evaluated
  /// per pair of rows with EvaluatePair. Without it a qualified field is an error.
  bool pair_fields = false;
};

/// Most nodes a pair expression may bind to (EvaluatePair works in a fixed
/// stack buffer, so evaluation never allocates).
inline constexpr int kMaxPairNodes = 256;

struct EvalOptions {
  /// Worker threads; 0 = all hardware threads. Results do not depend on it.
  int num_threads = 0;
  /// Rows per chunk.
  int64_t chunk_size = 2048;
};

class CompiledRules {
 public:
  CompiledRules(CompiledRules&&) noexcept;
  CompiledRules& operator=(CompiledRules&&) noexcept;
  ~CompiledRules();

  /// Bind `rules` to `table`. Errors (unknown field or function, type
  /// mismatch, bad regex, unknown source) are InvalidArgument
  /// "file:line:col: rule 'id': message, hint". `table`, the referenced tables
  /// and `options.areas` must outlive the result. Cost: O(rows) per lookup index
  /// and is_unique() column; pool-sized caches per memoized predicate.
  static Result<CompiledRules> Compile(const RuleSet& rules, const Table& table, const BindOptions& options);

  /// Evaluate every rule on every row of the table. Thread-safe (concurrent
  /// calls share only idempotent caches); deterministic for any thread count.
  /// FailedPrecondition for pair expressions (use EvaluatePair).
  Result<CheckResult> Evaluate(const EvalOptions& options = {}) const;

  /// Pair expressions (BindOptions::pair_fields): write the outcome of every
  /// rule for the rows `left` (l.x) and `right` (r.x) of the table to
  /// outcomes[0..num_rules()); a skipped rule gives kMissing. The same kernels
  /// as Evaluate run on one value each, so the outcomes are those Evaluate
  /// would give for a row holding both records' values. Thread-safe; no
  /// allocation (a stack buffer of at most kMaxPairNodes values).
  void EvaluatePair(int64_t left, int64_t right, Outcome* outcomes) const;
  bool pair_fields() const { return pair_fields_; }

  int num_rules() const { return static_cast<int>(rules_.size()); }
  const BoundRule& rule(int idx) const { return rules_[static_cast<size_t>(idx)]; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const Table& table() const { return *table_; }
  const std::string& source_name() const { return source_name_; }
  /// Return a Lisp-like rendering of node `idx` with field names ("(== sex (id_sex id_number))").
  std::string NodeToString(int32_t idx) const;

  struct Internals;  // side tables (regexes, lists, indexes, caches)
  /// Return the side tables (program_internal.h; for the stage's own use, e.g.
  /// the code lists of `in` that error localization reads).
  const Internals& internals() const { return *internals_; }

 private:
  CompiledRules();
  friend class Binder;
  friend class Evaluator;

  const Table* table_ = nullptr;
  std::string source_name_;
  bool pair_fields_ = false;
  std::vector<Node> nodes_;
  std::vector<BoundRule> rules_;
  std::unique_ptr<Internals> internals_;
};

/// Compile and evaluate in one call.
Result<CheckResult> RunChecks(const RuleSet& rules, const Table& table, const BindOptions& bind_options,
                              const EvalOptions& eval_options = {});

}  // namespace vitalink::check
