// Rule files: TOML lists of checks, one file per source role (rules/*.toml).
//
//   [[rule]]
//   id = "REG-ID-02"
//   label_zh = "身份证号校验码正确"
//   label_en = "ID number has a valid check digit"
//   severity = "error"          # or "warning"
//   tolerance = 0.99            # optional: the rule passes at dataset level when ≥ 99% pass
//   kind = "wrong"              # optional: "wrong" (错项) or "missing" (漏项); inferred when absent
//   expr = "if is_present(id_number) then id_valid(id_number)"
//
//   VL_ASSIGN_OR_RETURN(RuleSet rules, LoadRuleFile("rules/register.toml"));
//
// Expressions are parsed on load; errors name file:line:column inside the
// expression's string literal, with a hint.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/check/ast.h"
#include "vitalink/common/status.h"

namespace vitalink::check {

enum class Severity { kError, kWarning };

/// What a failure of the rule means: a wrong item (错项) or a missing item (漏项).
enum class RuleKind { kWrong, kMissing };

/// Return "error" / "warning".
std::string_view SeverityName(Severity s);
/// Return "wrong" / "missing".
std::string_view RuleKindName(RuleKind k);

struct Rule {
  std::string id;
  std::string label_zh;
  std::string label_en;
  Severity severity = Severity::kError;
  /// Minimum pass rate for the rule to count as passing at dataset level; 1.0 when not given.
  double tolerance = 1.0;
  RuleKind kind = RuleKind::kWrong;
  std::string expr_text;
  std::shared_ptr<const Expr> expr;
  /// Where the rule came from: file, and the file position of each byte of
  /// expr_text (one more entry for the end), so expression errors map to the file.
  std::string file;
  int line = 0;  // line of the [[rule]] header
  std::vector<TextPosition> expr_positions;

  /// Return "file:line:col" for byte `offset` of expr_text ("<expr>:1:col" for inline rules).
  std::string Where(int32_t offset) const;
};

struct RuleSet {
  std::vector<Rule> rules;
  /// Append `other`'s rules; duplicate ids are an InvalidArgument naming both places.
  Status Append(RuleSet other);
};

/// Parse rule-file `text`; `path` is used in messages.
Result<RuleSet> ParseRuleFile(std::string_view text, std::string_view path);
/// Read and parse the rule file at `path`.
Result<RuleSet> LoadRuleFile(const std::string& path);
/// Read and concatenate several rule files (duplicate ids across files are an error).
Result<RuleSet> LoadRuleFiles(const std::vector<std::string>& paths);

/// Build a rule from an expression string (tests, ad-hoc checks); the kind is inferred.
Result<Rule> MakeRule(std::string id, std::string_view expr, Severity severity = Severity::kError,
                      double tolerance = 1.0);

/// Return kMissing when `e` only tests presence (is_present(f), not is_missing(f),
/// their conjunctions, or `if A then` such a test), else kWrong.
RuleKind InferRuleKind(const Expr& e);

/// Return the candidate closest to `word` by edit distance when close enough to
/// be a likely typo (distance ≤ max(1, |word|/3)), else "".
std::string SuggestName(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace vitalink::check
