// Derived key columns: small expressions over RecordSet columns (the pinyin of
// a name, the birth year of a date, the first digits of an area code) that
// blocking rules and comparisons use like ordinary columns.
//
// A derived column is appended to the RecordSet's table once, named by the
// canonical expression text, and computed once per distinct string id (the
// StringPool interns the results), so a million records with ten thousand
// distinct names run the pinyin converter ten thousand times.
//
//   VL_ASSIGN_OR_RETURN(int col, AddDerivedColumn(rs, "surname_pinyin(name)"));
//   const Column& key = rs.table().column(col);   // named "surname_pinyin(name)"
//   VL_ASSIGN_OR_RETURN(KeyExpr e, ParseKeyExpr("prefix(area_code, 9)"));
//
// Functions (arguments may themselves be expressions: "prefix(pinyin(name), 1)"):
//   pinyin(s)          "zeng xiao dan"            text → text
//   pinyin_fuzzy(s)    initials/finals folded     text → text
//   surname_pinyin(s)  pinyin of the surname      text → text
//   given_pinyin(s)    pinyin of the given name   text → text
//   year(d)            1990                       date → integer
//   month(d)           year*100+month, 199003     date → integer
//   day_month(d)       month*100+day, 315         date → integer
//   prefix(s, n)       first n code points        text/code → same type
//   suffix(s, n)       last n code points         text/code → same type
//   id_birth(s)        "19900315" from an ID      code → code
//   soundex(s)         American Soundex of ASCII  text → code
// Nulls stay null; a value a function cannot read (an ID too short for its
// birth part, a name with no pinyin) becomes null too, so it never blocks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/link/record_set.h"

namespace vitalink::link {

enum class DerivedFn {
  kColumn,  // the column itself
  kPinyin,
  kPinyinFuzzy,
  kSurnamePinyin,
  kGivenPinyin,
  kYear,
  kMonth,
  kDayMonth,
  kPrefix,
  kSuffix,
  kIdBirth,
  kSoundex,
};

/// A parsed key expression: a column, or a function applied to an argument
/// expression (with a length for prefix/suffix).
struct KeyExpr {
  DerivedFn fn = DerivedFn::kColumn;
  std::string column;               // for kColumn: the column name
  std::shared_ptr<const KeyExpr> arg;  // for functions: the argument
  int n = 0;                        // prefix/suffix length (>= 1)

  /// Return the canonical text ("prefix(area_code, 9)"), the derived column's name.
  std::string ToString() const;
};

/// Return the function's name as written in expressions ("surname_pinyin").
std::string_view DerivedFnName(DerivedFn fn);

/// Parse `text` ("name", "year(birth_date)", "prefix(area_code, 6)"). White
/// space around tokens is ignored. Errors name the expression and the problem.
Result<KeyExpr> ParseKeyExpr(std::string_view text);

/// Return the index of the column holding `expr` in rs.mutable_table(),
/// computing and appending it (and its inner expressions) when absent. Fails
/// when a column is missing or has the wrong type for the function.
/// Cost: one pass over the records plus one evaluation per distinct string.
/// Not thread-safe (it appends to the table and interns into the pool).
Result<int> AddDerivedColumn(RecordSet& rs, const KeyExpr& expr);
Result<int> AddDerivedColumn(RecordSet& rs, std::string_view expr_text);

/// Return the value of a string function on one string (empty = no value).
/// Exposed for tests and for the reference implementations.
std::string EvalStringFn(DerivedFn fn, std::string_view value, int n);

/// Return the American Soundex code of the ASCII letters of `s` ("R163"),
/// or "" when it has none.
std::string Soundex(std::string_view s);

}  // namespace vitalink::link
