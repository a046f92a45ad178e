#include "vitalink/link/compare/reference/comparison_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/check/lexer.h"
#include "vitalink/check/program.h"
#include "vitalink/check/rule_file.h"

#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"
#include "vitalink/link/compare/string_metrics.h"
#include "vitalink/link/derived.h"

namespace vitalink::link {
namespace {

std::string Text(const RecordSet& rs, const Column& col, int64_t rec) {
  return std::string(rs.pool().Get(col.string_id(rec)));
}

// Return the number of thresholds (strongest first) that `pass` accepts,
// counted from the weakest: the threshold level.
template <typename Pass>
uint8_t ThresholdLevel(const std::vector<double>& thresholds, Pass pass) {
  for (size_t idx = 0; idx < thresholds.size(); ++idx) {
    if (pass(thresholds[idx])) return static_cast<uint8_t>(thresholds.size() - idx);
  }
  return 0;
}

// The set of trimmed, non-empty values of `text` split at `delimiter`.
std::set<std::string> ValueSet(const std::string& text, const std::string& delimiter) {
  std::set<std::string> out;
  std::string rest = text;
  while (true) {
    const size_t pos = rest.find(delimiter);
    std::string v = rest.substr(0, pos);
    const size_t first = v.find_first_not_of(" \t");
    if (first != std::string::npos) out.insert(v.substr(first, v.find_last_not_of(" \t") - first + 1));
    if (pos == std::string::npos) break;
    rest = rest.substr(pos + delimiter.size());
  }
  return out;
}

// custom, the slow way: rewrite l.x / r.x to plain fields x__l / x__r, put
// both records' values in a one-row table and run each condition through the
// column-wise rule evaluator (not the pair path the Comparator uses).
uint8_t ReferenceCustomLevel(const RecordSet& rs, const ComparisonSpec& spec, int64_t a, int64_t b) {
  Table row(rs.table().shared_pool());
  row.AppendRowOrigin(1);
  std::set<std::string> added;
  std::vector<check::Outcome> outcomes;
  for (const std::string& condition : spec.conditions) {
    std::vector<check::Token> tokens;
    check::ExprError error;
    VL_CHECK(check::Lex(condition, &tokens, &error));
    std::string text;
    for (size_t idx = 0; idx < tokens.size(); ++idx) {
      const check::Token& t = tokens[idx];
      if (t.kind == check::TokenKind::kIdent && idx + 2 < tokens.size() &&
          tokens[idx + 1].kind == check::TokenKind::kDot) {
        const std::string& field = tokens[idx + 2].text;
        const std::string name = field + "__" + t.text;
        if (added.insert(name).second) {
          const Column& src = *rs.table().GetColumn(field);
          Column& dst = row.AddColumn(name, src.type());
          const int64_t rec = t.text == "l" ? a : b;
          if (src.is_string()) dst.AppendString(src.string_id(rec));
          if (src.type() == FieldType::kDate) dst.AppendDate(src.date(rec));
          if (src.type() == FieldType::kInteger) dst.AppendInt(src.integer(rec));
        }
        text += " " + name + " ";
        idx += 2;
      } else {
        text += " " + std::string(condition.substr(static_cast<size_t>(t.span.offset), static_cast<size_t>(t.span.length))) + " ";
      }
    }
    Result<check::Rule> rule = check::MakeRule("c", text);
    VL_CHECK(rule.ok());
    check::RuleSet rules;
    rules.rules.push_back(std::move(*rule));
    Result<check::CheckResult> r = check::RunChecks(rules, row, {});
    VL_CHECK(r.ok());
    outcomes.push_back(r->outcomes[0][0]);
  }
  bool missing = false;
  for (size_t idx = 0; idx < outcomes.size(); ++idx) {
    if (outcomes[idx] == check::Outcome::kPass) return static_cast<uint8_t>(outcomes.size() - idx);
    missing = missing || outcomes[idx] == check::Outcome::kMissing;
  }
  return missing ? kNullLevel : 0;
}

}  // namespace

uint8_t ReferenceComparisonLevel(const RecordSet& rs, const ComparisonSpec& spec, int64_t a, int64_t b) {
  if (spec.kind == ComparisonKind::kCustom) return ReferenceCustomLevel(rs, spec, a, b);
  const Column& col = *rs.table().GetColumn(spec.column);
  switch (spec.kind) {
    case ComparisonKind::kExact:
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      return rs.table().ValueAsString(a, rs.table().FindColumn(spec.column)) ==
                     rs.table().ValueAsString(b, rs.table().FindColumn(spec.column))
                 ? 1
                 : 0;

    case ComparisonKind::kString: {
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      const std::string x = Text(rs, col, a);
      const std::string y = Text(rs, col, b);
      if (x == y) return static_cast<uint8_t>(spec.thresholds.size() + 1);
      switch (spec.metric) {
        case StringMetric::kLevenshtein:
          return ThresholdLevel(spec.thresholds, [&](double t) { return static_cast<double>(LevenshteinDistance(x, y)) <= t; });
        case StringMetric::kDamerauLevenshtein:
          return ThresholdLevel(spec.thresholds, [&](double t) { return static_cast<double>(OsaDistance(x, y)) <= t; });
        case StringMetric::kJaroWinkler:
          return ThresholdLevel(spec.thresholds, [&](double t) { return JaroWinklerSimilarity(x, y) >= t; });
        case StringMetric::kJaro:
          return ThresholdLevel(spec.thresholds, [&](double t) { return JaroSimilarity(x, y) >= t; });
        case StringMetric::kJaccard:
          return ThresholdLevel(spec.thresholds,
                                [&](double t) { return JaccardSimilarity(x, y, spec.qgram) >= t; });
      }
      return 0;
    }

    case ComparisonKind::kNameZh: {
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      const auto top = static_cast<uint8_t>(spec.thresholds.size() + 3 + (spec.one_character ? 1 : 0));
      const std::string x = Text(rs, col, a);
      const std::string y = Text(rs, col, b);
      if (x == y) return top;
      const std::string px = EvalStringFn(DerivedFn::kPinyin, x, 0);
      const std::string py = EvalStringFn(DerivedFn::kPinyin, y, 0);
      if (!px.empty() && px == py) return static_cast<uint8_t>(top - 1);
      const std::string fx = EvalStringFn(DerivedFn::kPinyinFuzzy, x, 0);
      const std::string fy = EvalStringFn(DerivedFn::kPinyinFuzzy, y, 0);
      if (!fx.empty() && fx == fy) return static_cast<uint8_t>(top - 2);
      if (spec.one_character) {
        std::vector<char32_t> cx, cy;
        char32_t cp = 0;
        for (size_t pos = 0; NextCodePoint(x, pos, cp);) cx.push_back(cp);
        for (size_t pos = 0; NextCodePoint(y, pos, cp);) cy.push_back(cp);
        if (cx.size() == cy.size() && cx.size() >= 3) {
          size_t differ = 0;
          for (size_t i = 0; i < cx.size(); ++i) differ += cx[i] != cy[i];
          if (differ == 1) return static_cast<uint8_t>(top - 3);
        }
      }
      const double sim = JaroWinklerSimilarity(px.empty() ? x : px, py.empty() ? y : py);
      return ThresholdLevel(spec.thresholds, [&](double t) { return sim >= t; });
    }

    case ComparisonKind::kNamesSwapped: {
      const Column& giv = *rs.table().GetColumn(spec.column2);
      if (col.IsNull(a) || col.IsNull(b) || giv.IsNull(a) || giv.IsNull(b)) return kNullLevel;
      const std::string sa = Text(rs, col, a), sb = Text(rs, col, b);
      const std::string ga = Text(rs, giv, a), gb = Text(rs, giv, b);
      if (sa == sb && ga == gb) return 4;
      auto key = [](DerivedFn fn, const std::string& s) {
        const std::string k = EvalStringFn(fn, s, 0);
        return k.empty() ? s : k;
      };
      if (key(DerivedFn::kPinyin, sa) == key(DerivedFn::kPinyin, sb) &&
          key(DerivedFn::kPinyin, ga) == key(DerivedFn::kPinyin, gb)) {
        return 3;
      }
      if (key(DerivedFn::kPinyinFuzzy, sa) == key(DerivedFn::kPinyinFuzzy, sb) &&
          key(DerivedFn::kPinyinFuzzy, ga) == key(DerivedFn::kPinyinFuzzy, gb)) {
        return 2;
      }
      if (key(DerivedFn::kPinyin, sa) == key(DerivedFn::kPinyin, gb) &&
          key(DerivedFn::kPinyin, ga) == key(DerivedFn::kPinyin, sb)) {
        return 1;
      }
      return 0;
    }

    case ComparisonKind::kDate: {
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      const int32_t da = col.date(a);
      const int32_t db = col.date(b);
      const CivilDate ca = CivilFromDays(da);
      const CivilDate cb = CivilFromDays(db);
      const int diff = std::abs(da - db);
      const size_t n = spec.date_levels.size();
      for (size_t idx = 0; idx < n; ++idx) {
        bool pass = false;
        switch (spec.date_levels[idx]) {
          case DateLevel::kExact: pass = da == db; break;
          case DateLevel::kDayMonthSwapped:
            pass = ca.year == cb.year && ca.month == cb.day && ca.day == cb.month;
            break;
          case DateLevel::kWithinMonth: pass = diff <= 31; break;
          case DateLevel::kWithinYear: pass = diff <= 366; break;
        }
        if (pass) return static_cast<uint8_t>(n - idx);
      }
      return 0;
    }

    case ComparisonKind::kCitizenId: {
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      const std::string x = Text(rs, col, a);
      const std::string y = Text(rs, col, b);
      const size_t n = spec.id_levels.size();
      for (size_t idx = 0; idx < n; ++idx) {
        bool pass = false;
        switch (spec.id_levels[idx]) {
          case CitizenIdLevel::kExact: pass = x == y; break;
          case CitizenIdLevel::kOneDigit:
            pass = x.size() == 18 && y.size() == 18 && HammingDistance(x, y) == 1;
            break;
          case CitizenIdLevel::kTransposition:
            pass = x.size() == 18 && y.size() == 18 && IsAdjacentTransposition(x, y);
            break;
          case CitizenIdLevel::kSameBirthDate: {
            const std::string bx = EvalStringFn(DerivedFn::kIdBirth, x, 0);
            pass = !bx.empty() && bx == EvalStringFn(DerivedFn::kIdBirth, y, 0);
            break;
          }
        }
        if (pass) return static_cast<uint8_t>(n - idx);
      }
      return 0;
    }

    case ComparisonKind::kNumeric: {
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      const double x = col.type() == FieldType::kDate ? col.date(a) : static_cast<double>(col.integer(a));
      const double y = col.type() == FieldType::kDate ? col.date(b) : static_cast<double>(col.integer(b));
      if (x == y) return static_cast<uint8_t>(spec.thresholds.size() + 1);
      const double diff = std::fabs(x - y);
      const double m = spec.numeric_mode == NumericMode::kAbsolute ? diff
                                                                   : diff / std::max(std::fabs(x), std::fabs(y));
      return ThresholdLevel(spec.thresholds, [&](double t) { return m <= t; });
    }

    case ComparisonKind::kPrefix: {
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      const std::string x = Text(rs, col, a);
      const std::string y = Text(rs, col, b);
      if (x == y) return static_cast<uint8_t>(spec.prefix_lengths.size() + 1);
      const size_t n = spec.prefix_lengths.size();
      for (size_t idx = 0; idx < n; ++idx) {
        const int len = spec.prefix_lengths[idx];
        if (EvalStringFn(DerivedFn::kPrefix, x, len) == EvalStringFn(DerivedFn::kPrefix, y, len)) {
          return static_cast<uint8_t>(n - idx);
        }
      }
      return 0;
    }

    case ComparisonKind::kArrayIntersect: {
      if (col.IsNull(a) || col.IsNull(b)) return kNullLevel;
      const std::set<std::string> x = ValueSet(Text(rs, col, a), spec.delimiter);
      const std::set<std::string> y = ValueSet(Text(rs, col, b), spec.delimiter);
      if (x.empty() || y.empty()) return kNullLevel;
      if (x == y) return static_cast<uint8_t>(spec.thresholds.size() + 1);
      double shared = 0;
      for (const std::string& v : x) shared += y.count(v) > 0 ? 1 : 0;
      return ThresholdLevel(spec.thresholds, [&](double t) { return shared >= t; });
    }

    case ComparisonKind::kCustom: return ReferenceCustomLevel(rs, spec, a, b);
  }
  return 0;
}

}  // namespace vitalink::link
