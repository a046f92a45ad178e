// Comparisons and the Comparator: for a record pair, the comparison vector γ
// of Fellegi–Sunter, one agreement level per comparison (Splink-style levels).
//
// Level 0 is the weakest ("else": disagreement); higher levels mean more
// agreement, the top level is usually "exact". kNullLevel (255) means one of
// the values is missing; the model treats it as neutral. Every level has a
// label ("jaro_winkler>=0.92", "day_month_swapped") for charts and
// explanations.
//
//   SpecFields f;  // usually filled from [[link.comparisons]] in the project TOML
//   f.kind = "string", f.column = "surname", f.metric = "jaro_winkler";
//   f.thresholds = {0.92, 0.8}, f.tf = true;
//   VL_ASSIGN_OR_RETURN(ComparisonSpec spec, ParseComparisonSpec(f));
//   VL_ASSIGN_OR_RETURN(Comparator cmp, Comparator::Make(rs, {spec, ...}));
//   std::vector<uint8_t> gamma(cmp.num_comparisons());
//   blocker.ForEachPair([&](int64_t a, int64_t b) { cmp.Compare(a, b, gamma.data()); ... });
//
// Kinds and their levels, strongest first:
//   exact          exact | else
//   string         exact | metric thresholds (jaro_winkler, jaro, jaccard:
//                  similarity >= t; levenshtein, damerau_levenshtein: distance
//                  <= k) | else
//   name_zh        exact | pinyin equal (张伟/张卫) | fuzzy pinyin equal (陈/程,
//                  z/zh n/l …) | one_character (levels = ["one_character"]:
//                  3+ characters, one differs) | Jaro–Winkler of the pinyin >= t … | else
//   names_swapped  two columns (column = surname, column2 = given name):
//                  exact | pinyin equal | fuzzy equal | swapped | else
//   date           exact | day_month_swapped | within_1_month (|Δ| <= 31 days) |
//                  within_1_year (<= 366 days) | else (any subset)
//   citizen_id     exact | one_digit (Hamming 1) | transposition (adjacent) |
//                  same_birth_date (characters 7–14) | else (any subset)
//   numeric        exact | |a - b| <= t … (absolute) or |a - b| / max(|a|, |b|) <= t
//                  (percentage, t a fraction) | else; integer or date columns
//   prefix         exact | first n code points equal for each n … | else
//                  (area codes: village, township, county)
//   array_intersect  a field holding several values ("张伟;张卫东", former
//                  names or aliases) split at `delimiter`: exact (equal sets) |
//                  at least t shared values for each t … | else; null when
//                  either side has no value
//   custom         conditions of the rule language (docs/RULES.md) over the
//                  pair's records l and r, strongest first:
//                  "l.mother_id_number == r.mother_id_number and
//                   abs(l.birth_weight - r.birth_weight) <= 100" | … | else.
//                  The first condition that passes gives the level; when none
//                  passes the level is else if all fail, null if any is missing.
// The columns may be key expressions ("given_pinyin(name)", see derived.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/link/record_set.h"

namespace vitalink::link {

/// The level of a comparison where either value is missing.
inline constexpr uint8_t kNullLevel = 255;

enum class ComparisonKind {
  kExact, kString, kNameZh, kNamesSwapped, kDate, kCitizenId, kNumeric, kPrefix, kArrayIntersect, kCustom
};
enum class StringMetric { kJaroWinkler, kJaro, kLevenshtein, kDamerauLevenshtein, kJaccard };
enum class DateLevel { kExact, kDayMonthSwapped, kWithinMonth, kWithinYear };
enum class CitizenIdLevel { kExact, kOneDigit, kTransposition, kSameBirthDate };
enum class NumericMode { kAbsolute, kPercentage };

/// Return the spec name of a kind ("name_zh"), metric ("jaro_winkler"), level ("within_1_month").
std::string_view ComparisonKindName(ComparisonKind kind);
std::string_view StringMetricName(StringMetric metric);
std::string_view DateLevelName(DateLevel level);
std::string_view CitizenIdLevelName(CitizenIdLevel level);

/// Return true for metrics thresholded as distances (levenshtein, damerau_levenshtein).
bool IsDistanceMetric(StringMetric metric);

/// A validated comparison (use ParseComparisonSpec or the presets to build one).
struct ComparisonSpec {
  std::string name;     // output name; the column when empty
  ComparisonKind kind = ComparisonKind::kExact;
  std::string column;   // column or key expression
  std::string column2;  // names_swapped: the given-name column
  StringMetric metric = StringMetric::kJaroWinkler;
  /// string: similarities sorted descending or distances ascending; name_zh:
  /// Jaro–Winkler of the pinyin, descending; numeric: differences ascending.
  std::vector<double> thresholds;
  int qgram = 1;  // jaccard: q-gram width
  /// name_zh with levels = ["one_character"]: a level for names of three or
  /// more characters that differ in exactly one (a 错别字 typo: 郭露欣/璐露欣),
  /// below the fuzzy-pinyin level and above the Jaro–Winkler ones.
  bool one_character = false;
  std::vector<DateLevel> date_levels;          // in strength order, kExact first
  std::vector<CitizenIdLevel> id_levels;       // in strength order, kExact first
  NumericMode numeric_mode = NumericMode::kAbsolute;
  std::vector<int> prefix_lengths;  // prefix: lengths sorted descending
  /// array_intersect: the separator of the values in a field (";" by default);
  /// thresholds are the shared-value counts, descending.
  std::string delimiter;
  /// custom: the level conditions, strongest first, and their labels.
  std::vector<std::string> conditions;
  std::vector<std::string> condition_labels;
  bool tf = false;                  // term-frequency adjust the exact level
  std::string tf_column;            // values looked up for tf (the column when empty)

  /// Return name, or column when name is empty.
  const std::string& display_name() const { return name.empty() ? column : name; }
};

/// Return the base columns `spec` reads, each once in order of appearance:
/// those of column and column2 (key expressions reduced to their column) and
/// the fields of custom conditions.
Result<std::vector<std::string>> ComparisonColumns(const ComparisonSpec& spec);

/// Loose key → value fields, as read from `[[link.comparisons]]` in the
/// project TOML; empty/zero fields take the kind's defaults.
struct SpecFields {
  std::string name;
  std::string kind;    // exact, string, name_zh, names_swapped, date, citizen_id, numeric, prefix,
                       // array_intersect, custom
  std::string column;
  std::string column2;
  std::string metric;  // string: jaro_winkler (default), jaro, levenshtein, damerau_levenshtein, jaccard
  std::vector<double> thresholds;
  /// date / citizen_id: the levels wanted (names as labels); custom: the
  /// conditions, strongest first.
  std::vector<std::string> levels;
  std::vector<std::string> labels;  // custom: one label per condition (default: the condition)
  std::string delimiter;            // array_intersect: value separator (default ";")
  std::vector<int64_t> lengths;     // prefix: e.g. [9, 6]
  std::string mode;                 // numeric: absolute (default) or percentage
  int64_t q = 0;                    // jaccard q-gram width (default 1)
  bool tf = false;
  std::string tf_column;
};

/// Validate `fields` into a spec. Errors name the comparison and the field.
Result<ComparisonSpec> ParseComparisonSpec(const SpecFields& fields);

/// Return the comparisons for the county's person records: id_number
/// (citizen_id), name (name_zh, tf), sex (exact), birth_date (date),
/// mother_id_number (citizen_id), area_code (prefix: village exact, township 9).
std::vector<ComparisonSpec> DefaultComparisonsForChinesePersons();

/// Comparisons bound to the columns of one RecordSet; produces γ for record pairs.
class Comparator {
 public:
  /// Bind `specs` to `rs`, adding the derived columns they need (pinyin keys,
  /// prefixes) and decoding each distinct string once. Fails on a missing
  /// column or a column of the wrong type. Cost: one pass over the records;
  /// string columns with at most 512 distinct values get every value pair's
  /// level precomputed (≤ 256 KiB each), so comparing them is one lookup.
  /// Memory: one row of 4-byte words per record holding what every comparison
  /// reads (record-major, so a pair touches two rows); custom comparisons also
  /// keep a copy of the columns their conditions read. The Comparator copies
  /// what it needs; `rs` may change afterwards without affecting it. Custom
  /// conditions are bound here: unknown fields and type errors fail Make.
  static Result<Comparator> Make(RecordSet& rs, std::vector<ComparisonSpec> specs);

  Comparator(Comparator&&) noexcept;
  Comparator& operator=(Comparator&&) noexcept;
  Comparator(const Comparator&) = delete;
  Comparator& operator=(const Comparator&) = delete;
  ~Comparator();

  int num_comparisons() const { return static_cast<int>(labels_.size()); }
  /// Return the number of levels of comparison k, excluding kNullLevel.
  int num_levels(int k) const { return static_cast<int>(labels_[static_cast<size_t>(k)].size()); }
  const ComparisonSpec& spec(int k) const { return specs_[static_cast<size_t>(k)]; }
  const std::string& name(int k) const { return specs_[static_cast<size_t>(k)].display_name(); }
  /// Return the label of `level` of comparison k ("null" for kNullLevel).
  const std::string& level_label(int k, int level) const;
  const std::vector<std::string>& level_labels(int k) const { return labels_[static_cast<size_t>(k)]; }
  /// Return the level that gets term-frequency adjustment (the exact level), or -1.
  int tf_level(int k) const;
  /// Return the column whose value frequencies adjust tf_level(k) ("" without tf).
  const std::string& tf_column(int k) const;

  /// Write the level of each comparison for the pair (a, b) to gamma[0..num_comparisons()).
  /// Thread-safe; no allocation for strings of at most 64 code points.
  void Compare(int64_t a, int64_t b, uint8_t* gamma) const;
  /// Return the level of comparison k alone.
  uint8_t CompareOne(int k, int64_t a, int64_t b) const;

  struct Compiled;  // defined in comparison.cc

 private:
  Comparator();

  std::vector<ComparisonSpec> specs_;
  std::vector<Compiled> compiled_;
  // Per record one row of stride_ words holding what every comparison reads
  // for that record (value indices, ids, dates), record-major for locality.
  std::vector<uint32_t> rows_;
  size_t stride_ = 0;
  std::vector<std::vector<std::string>> labels_;
};

// ---------------------------------------------------------------------------
// Pieces exposed for tests and the reference implementation.

/// Return the number of positions where two equally long strings differ.
int HammingDistance(std::string_view a, std::string_view b);
/// Return true when b is a with exactly one pair of adjacent characters swapped.
bool IsAdjacentTransposition(std::string_view a, std::string_view b);

}  // namespace vitalink::link
