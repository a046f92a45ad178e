// Error localization (Fellegi & Holt 1976): for each record that fails one or
// more rules, the smallest-total-weight set of fields whose values could be
// changed so that the record fails no rule. As in the R package errorlocate
// (de Jonge & van der Loo), rules of linear, categorical and conditional form
// become a mixed-integer program solved with GLPK; unlike errorlocate, a
// record whose failing rules have an obvious minimum hitting set is answered
// without a MIP (the fast path), which is most records.
//
//   VL_ASSIGN_OR_RETURN(CompiledRules compiled, CompiledRules::Compile(rules, table, bind));
//   VL_ASSIGN_OR_RETURN(CheckResult result, compiled.Evaluate());
//   LocalizeOptions opt;
//   opt.weights = {{"id_number", 2.0}};      // IDs with a valid check digit are rarely wrong
//   VL_ASSIGN_OR_RETURN(std::vector<Localization> loc, LocalizeErrors(compiled, result, opt));
//   for (const Localization& l : loc) { /* l.row, l.fields ("birth_date") */ }
//
// Which rules take part in the MIP and which are "only checked" (represented
// by "change at least one of its fields") is documented in docs/RULES.md,
// section "Error localization"; LocalizableRules() tells per rule.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "vitalink/check/findings.h"
#include "vitalink/check/program.h"
#include "vitalink/common/status.h"

namespace vitalink::check {

struct LocalizeOptions {
  /// Reliability weight per field (the cost of declaring it wrong); fields not
  /// listed weigh 1. Weights must be positive and finite.
  std::map<std::string, double, std::less<>> weights;
  /// Ties between sets of equal weight break by a per-record perturbation of
  /// the weights derived from (seed, row, field): the same seed always gives
  /// the same answer, another seed may pick another of the tied sets.
  uint64_t seed = 1;
  /// Worker threads; 0 = all hardware threads. Results do not depend on it.
  int num_threads = 0;
  /// Corroboration: a rule of the form `a == b` reading two or more fields
  /// that passes on the record (`id_birth_date(id_number) == birth_date`,
  /// `turnover - cost == profit`) is evidence that those fields agree, so on
  /// that record their weights are multiplied by this factor. 1 = off.
  double corroboration_factor = 2.0;
  /// Answer records without a MIP when their minimum hitting set is provably
  /// feasible (the default). false: one MIP per failing record, as errorlocate
  /// does (for comparisons and tests; same answers, much slower).
  bool fast_path = true;
  /// Localize failures of warning-severity rules too (default); when false only
  /// error-severity rules count, and records failing only warnings are skipped.
  bool include_warnings = true;
};

struct Localization {
  int64_t row = 0;
  /// The fields to change, sorted by name; empty when nothing can be changed.
  std::vector<std::string> fields;
  /// Sum of the (unperturbed) weights of `fields` on this record, i.e. with
  /// corroboration applied.
  double weight = 0;
  /// True when a MIP was solved; false when the fast path answered.
  bool solved_by_mip = false;
  /// "ok"; "partial" when some failing rule reads no field of the record (only
  /// lookups) and was left out; "no_fields" when no failing rule reads one;
  /// "infeasible" when no change of the candidate fields satisfies the rules
  /// (contradictory rules); "solver_error" when GLPK failed (fields empty).
  std::string status;
  friend bool operator==(const Localization&, const Localization&) = default;
};

/// Return one Localization per record of `result` with at least one failed
/// rule, ordered by row. `result` must come from `rules.Evaluate()` (same
/// rules, same table). Thread-safe; deterministic for any thread count. Cost:
/// O(findings) on the fast path plus one small GLPK MIP per record whose
/// failing rules interact through multi-field linear/categorical/conditional
/// rules. InvalidArgument for a mismatched result or a bad weight.
Result<std::vector<Localization>> LocalizeErrors(const CompiledRules& rules, const CheckResult& result,
                                                 const LocalizeOptions& options = {});

/// Return, per rule of `rules`, true when localization represents it exactly
/// as MIP constraints (linear, categorical, conditional over fields of the
/// table) and false when it is only checked (functions, regexes, lookups,
/// text comparisons between fields) or skipped.
std::vector<bool> LocalizableRules(const CompiledRules& rules);

}  // namespace vitalink::check
