#include "vitalink/link/compare/comparison.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include <map>
#include <string>
#include <unordered_map>

#include "vitalink/check/parser.h"
#include "vitalink/check/program.h"
#include "vitalink/check/rule_file.h"
#include "vitalink/common/date.h"
#include "vitalink/link/compare/string_metrics.h"
#include "vitalink/link/derived.h"

namespace vitalink::link {
namespace {

constexpr std::string_view kKindNames[] = {"exact",      "string",  "name_zh", "names_swapped",
                                           "date",       "citizen_id", "numeric", "prefix",
                                           "array_intersect", "custom"};
constexpr char kKnownKinds[] =
    "exact, string, name_zh, names_swapped, date, citizen_id, numeric, prefix, array_intersect, custom";
constexpr std::string_view kMetricNames[] = {"jaro_winkler", "jaro", "levenshtein",
                                             "damerau_levenshtein", "jaccard"};
constexpr std::string_view kDateLevelNames[] = {"exact", "day_month_swapped", "within_1_month",
                                                "within_1_year"};
constexpr std::string_view kIdLevelNames[] = {"exact", "one_digit", "transposition",
                                              "same_birth_date"};

constexpr int32_t kMonthDays = 31;
constexpr int32_t kYearDays = 366;

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status SpecError(const SpecFields& f, const std::string& what) {
  const std::string& who = f.name.empty() ? f.column : f.name;
  return Status::InvalidArgument("comparison '" + who + "' (" + f.kind + "): " + what);
}

// A citizen ID reduced to what the comparison needs: up to 18 characters and
// the YYYYMMDD birth part packed into a word (0 when it has none).
struct IdValue {
  char chars[24] = {};
  uint8_t len = 0;
  uint64_t birth = 0;
};

// Return the number of differing bytes of two 8-byte words.
inline int DifferingBytes(uint64_t x, uint64_t y) {
  const uint64_t v = x ^ y;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  // High bit of each byte set when that byte of v is non-zero.
  const uint64_t nonzero = (((v & kLow7) + kLow7) | v) & ~kLow7;
  return std::popcount(nonzero);
}

inline uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Add the fields an expression of the rule language reads to `out`.
void CollectFields(const check::Expr& e, std::vector<std::string>& out) {
  if (e.kind == check::ExprKind::kField) out.push_back(e.text);
  for (const auto& arg : e.args) CollectFields(*arg, out);
}

// Split `text` at `delimiter` into trimmed, non-empty values.
std::vector<std::string_view> SplitValues(std::string_view text, std::string_view delimiter) {
  std::vector<std::string_view> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(delimiter, begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view v = text.substr(begin, end - begin);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    if (!v.empty()) out.push_back(v);
    begin = end + delimiter.size();
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// Names and parsing.

std::string_view ComparisonKindName(ComparisonKind kind) { return kKindNames[static_cast<int>(kind)]; }
std::string_view StringMetricName(StringMetric metric) { return kMetricNames[static_cast<int>(metric)]; }
std::string_view DateLevelName(DateLevel level) { return kDateLevelNames[static_cast<int>(level)]; }
std::string_view CitizenIdLevelName(CitizenIdLevel level) { return kIdLevelNames[static_cast<int>(level)]; }

bool IsDistanceMetric(StringMetric metric) {
  return metric == StringMetric::kLevenshtein || metric == StringMetric::kDamerauLevenshtein;
}

int HammingDistance(std::string_view a, std::string_view b) {
  VL_CHECK(a.size() == b.size());
  int d = 0;
  for (size_t idx = 0; idx < a.size(); ++idx) d += a[idx] != b[idx] ? 1 : 0;
  return d;
}

bool IsAdjacentTransposition(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t idx = 0;
  while (idx < a.size() && a[idx] == b[idx]) ++idx;
  if (idx + 1 >= a.size()) return false;
  if (a[idx] != b[idx + 1] || a[idx + 1] != b[idx] || a[idx] == a[idx + 1]) return false;
  return a.substr(idx + 2) == b.substr(idx + 2);
}

Result<ComparisonSpec> ParseComparisonSpec(const SpecFields& f) {
  ComparisonSpec spec;
  spec.name = f.name;
  spec.column = f.column;
  spec.column2 = f.column2;
  spec.tf = f.tf;
  spec.tf_column = f.tf_column;
  const auto kind_it = std::find(std::begin(kKindNames), std::end(kKindNames), f.kind);
  if (kind_it == std::end(kKindNames)) {
    return SpecError(f, "unknown kind '" + f.kind + "' (known: " + kKnownKinds + ")");
  }
  spec.kind = static_cast<ComparisonKind>(kind_it - std::begin(kKindNames));
  if (spec.kind == ComparisonKind::kCustom) {
    if (f.name.empty()) return SpecError(f, "'name' is required (a custom comparison has no column)");
    if (!f.column.empty()) return SpecError(f, "'column' does not apply: the conditions name the fields");
    if (f.tf) return SpecError(f, "'tf' does not apply to custom comparisons");
  } else if (f.column.empty()) {
    return SpecError(f, "'column' is required");
  }
  if (!f.labels.empty() && spec.kind != ComparisonKind::kCustom) {
    return SpecError(f, "'labels' only apply to custom");
  }
  if (!f.delimiter.empty() && spec.kind != ComparisonKind::kArrayIntersect) {
    return SpecError(f, "'delimiter' only applies to array_intersect");
  }
  if (spec.kind == ComparisonKind::kNamesSwapped && f.column2.empty()) {
    return SpecError(f, "'column2' (the given-name column) is required");
  }
  if (spec.kind != ComparisonKind::kNamesSwapped && !f.column2.empty()) {
    return SpecError(f, "'column2' only applies to names_swapped");
  }
  const bool uses_thresholds = spec.kind == ComparisonKind::kString ||
                               spec.kind == ComparisonKind::kNameZh ||
                               spec.kind == ComparisonKind::kNumeric ||
                               spec.kind == ComparisonKind::kArrayIntersect;
  if (!uses_thresholds && !f.thresholds.empty()) {
    return SpecError(f, "'thresholds' do not apply to kind " + f.kind);
  }
  if (!f.metric.empty() && spec.kind != ComparisonKind::kString) {
    return SpecError(f, "'metric' only applies to kind string");
  }
  if (!f.levels.empty() && spec.kind != ComparisonKind::kDate && spec.kind != ComparisonKind::kCitizenId &&
      spec.kind != ComparisonKind::kCustom && spec.kind != ComparisonKind::kNameZh) {
    return SpecError(f, "'levels' only apply to date, citizen_id, name_zh and custom");
  }
  if (spec.kind == ComparisonKind::kNameZh) {
    for (const std::string& level : f.levels) {
      if (level != "one_character") {
        return SpecError(f, "unknown name_zh level '" + level + "' (known: one_character)");
      }
      spec.one_character = true;
    }
  }
  if (!f.lengths.empty() && spec.kind != ComparisonKind::kPrefix) {
    return SpecError(f, "'lengths' only apply to prefix");
  }
  if (!f.mode.empty() && spec.kind != ComparisonKind::kNumeric) {
    return SpecError(f, "'mode' only applies to numeric");
  }
  std::vector<double> thresholds = f.thresholds;
  bool descending = true;  // similarities: strongest (largest) first
  switch (spec.kind) {
    case ComparisonKind::kExact:
    case ComparisonKind::kNamesSwapped:
      break;
    case ComparisonKind::kString: {
      if (!f.metric.empty()) {
        const auto it = std::find(std::begin(kMetricNames), std::end(kMetricNames), f.metric);
        if (it == std::end(kMetricNames)) {
          return SpecError(f, "unknown metric '" + f.metric +
                                  "' (known: jaro_winkler, jaro, levenshtein, damerau_levenshtein, jaccard)");
        }
        spec.metric = static_cast<StringMetric>(it - std::begin(kMetricNames));
      }
      if (IsDistanceMetric(spec.metric)) {
        descending = false;
        if (thresholds.empty()) thresholds = {1, 2};
        for (const double t : thresholds) {
          if (t < 0 || t != std::floor(t) || t > 1000) {
            return SpecError(f, "distance thresholds must be whole numbers >= 0, not " + FormatNumber(t));
          }
        }
      } else {
        if (thresholds.empty()) thresholds = {0.92, 0.8};
        for (const double t : thresholds) {
          if (!(t > 0 && t <= 1)) {
            return SpecError(f, "similarity thresholds must be in (0, 1], not " + FormatNumber(t));
          }
        }
      }
      if (spec.metric == StringMetric::kJaccard) {
        spec.qgram = f.q == 0 ? 1 : static_cast<int>(f.q);
        if (f.q < 0 || f.q > 8) return SpecError(f, "'q' must be from 1 to 8");
      } else if (f.q != 0) {
        return SpecError(f, "'q' only applies to the jaccard metric");
      }
      break;
    }
    case ComparisonKind::kNameZh:
      if (thresholds.empty()) thresholds = {0.88};
      for (const double t : thresholds) {
        if (!(t > 0 && t <= 1)) {
          return SpecError(f, "similarity thresholds must be in (0, 1], not " + FormatNumber(t));
        }
      }
      break;
    case ComparisonKind::kDate: {
      std::vector<DateLevel> levels = {DateLevel::kExact};
      for (const std::string& name : f.levels) {
        const auto it = std::find(std::begin(kDateLevelNames), std::end(kDateLevelNames), name);
        if (it == std::end(kDateLevelNames)) {
          return SpecError(f, "unknown date level '" + name +
                                  "' (known: exact, day_month_swapped, within_1_month, within_1_year)");
        }
        levels.push_back(static_cast<DateLevel>(it - std::begin(kDateLevelNames)));
      }
      if (f.levels.empty()) {
        levels = {DateLevel::kExact, DateLevel::kDayMonthSwapped, DateLevel::kWithinMonth,
                  DateLevel::kWithinYear};
      }
      std::sort(levels.begin(), levels.end());
      levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
      spec.date_levels = std::move(levels);
      break;
    }
    case ComparisonKind::kCitizenId: {
      std::vector<CitizenIdLevel> levels = {CitizenIdLevel::kExact};
      for (const std::string& name : f.levels) {
        const auto it = std::find(std::begin(kIdLevelNames), std::end(kIdLevelNames), name);
        if (it == std::end(kIdLevelNames)) {
          return SpecError(f, "unknown citizen_id level '" + name +
                                  "' (known: exact, one_digit, transposition, same_birth_date)");
        }
        levels.push_back(static_cast<CitizenIdLevel>(it - std::begin(kIdLevelNames)));
      }
      if (f.levels.empty()) {
        levels = {CitizenIdLevel::kExact, CitizenIdLevel::kOneDigit, CitizenIdLevel::kTransposition,
                  CitizenIdLevel::kSameBirthDate};
      }
      std::sort(levels.begin(), levels.end());
      levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
      spec.id_levels = std::move(levels);
      break;
    }
    case ComparisonKind::kNumeric:
      if (f.mode.empty() || f.mode == "absolute") {
        spec.numeric_mode = NumericMode::kAbsolute;
      } else if (f.mode == "percentage") {
        spec.numeric_mode = NumericMode::kPercentage;
      } else {
        return SpecError(f, "unknown mode '" + f.mode + "' (known: absolute, percentage)");
      }
      if (thresholds.empty()) return SpecError(f, "'thresholds' are required for numeric");
      for (const double t : thresholds) {
        if (!(t >= 0) || !std::isfinite(t)) {
          return SpecError(f, "numeric thresholds must be finite and >= 0, not " + FormatNumber(t));
        }
      }
      descending = false;
      break;
    case ComparisonKind::kArrayIntersect:
      spec.delimiter = f.delimiter.empty() ? ";" : f.delimiter;
      if (thresholds.empty()) thresholds = {1};
      for (const double t : thresholds) {
        if (t < 1 || t != std::floor(t) || t > 1000) {
          return SpecError(f, "thresholds are counts of shared values, whole numbers >= 1, not " + FormatNumber(t));
        }
      }
      break;
    case ComparisonKind::kCustom: {
      if (f.levels.empty()) {
        return SpecError(f, "'levels' are required: conditions on l and r, strongest first, e.g. "
                            "[\"l.mother_id_number == r.mother_id_number\"]");
      }
      if (f.levels.size() > 64) return SpecError(f, "at most 64 levels");
      if (!f.labels.empty() && f.labels.size() != f.levels.size()) {
        return SpecError(f, "'labels' needs one label per level (" + std::to_string(f.levels.size()) + ")");
      }
      for (size_t idx = 0; idx < f.levels.size(); ++idx) {
        // Syntax now; fields and types when bound to the records (Comparator::Make).
        Result<check::ExprPtr> e = check::ParseExpression(f.levels[idx]);
        if (!e.ok()) return SpecError(f, "level " + std::to_string(idx + 1) + ": " + e.status().message());
        spec.conditions.push_back(f.levels[idx]);
        spec.condition_labels.push_back(f.labels.empty() ? f.levels[idx] : f.labels[idx]);
      }
      break;
    }
    case ComparisonKind::kPrefix: {
      if (f.lengths.empty()) return SpecError(f, "'lengths' are required for prefix, e.g. [9, 6]");
      for (const int64_t n : f.lengths) {
        if (n < 1 || n > 1000) return SpecError(f, "prefix lengths must be from 1 to 1000");
        spec.prefix_lengths.push_back(static_cast<int>(n));
      }
      std::sort(spec.prefix_lengths.rbegin(), spec.prefix_lengths.rend());
      spec.prefix_lengths.erase(std::unique(spec.prefix_lengths.begin(), spec.prefix_lengths.end()),
                                spec.prefix_lengths.end());
      break;
    }
  }
  if (descending) {
    std::sort(thresholds.rbegin(), thresholds.rend());
  } else {
    std::sort(thresholds.begin(), thresholds.end());
  }
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  spec.thresholds = std::move(thresholds);
  return spec;
}

Result<std::vector<std::string>> ComparisonColumns(const ComparisonSpec& spec) {
  std::vector<std::string> out;
  for (const std::string* text : {&spec.column, &spec.column2}) {
    if (text->empty()) continue;
    VL_ASSIGN_OR_RETURN(KeyExpr e, ParseKeyExpr(*text));
    const KeyExpr* base = &e;
    while (base->arg) base = base->arg.get();
    if (!base->column.empty()) out.push_back(base->column);
  }
  for (const std::string& condition : spec.conditions) {
    VL_ASSIGN_OR_RETURN(check::ExprPtr e, check::ParseExpression(condition));
    CollectFields(*e, out);
  }
  // First appearance order, each column once.
  std::vector<std::string> unique;
  for (std::string& c : out) {
    if (std::find(unique.begin(), unique.end(), c) == unique.end()) unique.push_back(std::move(c));
  }
  return unique;
}

std::vector<ComparisonSpec> DefaultComparisonsForChinesePersons() {
  auto make = [](std::string kind, std::string column) {
    SpecFields f;
    f.kind = std::move(kind);
    f.column = std::move(column);
    return f;
  };
  auto parse = [](const SpecFields& f) {
    Result<ComparisonSpec> spec = ParseComparisonSpec(f);
    VL_CHECK(spec.ok());
    return std::move(spec).value();
  };
  std::vector<ComparisonSpec> out;
  out.push_back(parse(make("citizen_id", "id_number")));
  SpecFields name = make("name_zh", "name");
  name.thresholds = {0.88};
  name.tf = true;
  out.push_back(parse(name));
  out.push_back(parse(make("exact", "sex")));
  out.push_back(parse(make("date", "birth_date")));
  out.push_back(parse(make("citizen_id", "mother_id_number")));
  SpecFields area = make("prefix", "area_code");
  area.lengths = {9};
  out.push_back(parse(area));
  return out;
}

// ---------------------------------------------------------------------------
// The compiled form: per comparison, flat arrays indexed by record or by
// distinct value, so Compare is table lookups plus at most one metric.

struct Comparator::Compiled {
  ComparisonKind kind = ComparisonKind::kExact;
  uint8_t top = 1;  // the exact level
  // This comparison's first word in a record's row (see Comparator::rows_).
  uint32_t lane = 0;
  // exact: the column holds integers (two words) or dates (null kNullDate).
  bool exact_int = false;
  bool exact_date = false;

  // Column data, borrowed from the RecordSet while Make builds the rows (then null).
  const uint32_t* ids = nullptr;
  const int32_t* dates = nullptr;
  const int64_t* ints = nullptr;

  // Distinct values: per record its value index (0 = null); per value its
  // code points code_points[offsets[v] .. offsets[v + 1]).
  std::vector<uint32_t> value_of;
  std::vector<uint32_t> offsets;
  std::u32string code_points;

  // string / name_zh thresholds (strongest first) and metric.
  StringMetric metric = StringMetric::kJaroWinkler;
  std::vector<double> sim_thresholds;
  std::vector<int64_t> dist_thresholds;
  int qgram = 1;

  // Per value: a 64-bit signature of its code points (bit hash(cp) % 64 set),
  // for a cheap upper bound on Jaro/Jaro–Winkler.
  std::vector<uint64_t> signature;

  // name_zh: per value the pinyin and fuzzy pinyin ids; with one_character,
  // the name's own code points raw_points[raw_offsets[v] .. raw_offsets[v + 1]).
  std::vector<uint32_t> pinyin;
  std::vector<uint32_t> fuzzy;
  bool one_character = false;
  std::vector<uint32_t> raw_offsets;
  std::u32string raw_points;

  // When a string column has few distinct values, the level of every value
  // pair, precomputed: level_matrix[va * matrix_dim + vb].
  std::vector<uint8_t> level_matrix;
  size_t matrix_dim = 0;

  // names_swapped: per record raw ids and pinyin-or-raw / fuzzy-or-raw keys.
  const uint32_t* given = nullptr;
  std::vector<uint32_t> surname_key, given_key, surname_fuzzy, given_fuzzy;

  // date: per record its day number and year/month/day packed as
  // year << 9 | month << 5 | day (one load per record); enabled levels (0 = off).
  struct DatePart {
    int32_t days;
    uint32_t ymd;
  };
  std::vector<DatePart> date_parts;
  uint8_t lv_swapped = 0, lv_month = 0, lv_year = 0;

  // citizen_id: per value its characters and birth part.
  std::vector<IdValue> id_values;
  uint8_t lv_one_digit = 0, lv_transposition = 0, lv_birth = 0;

  // numeric: per record value (kNullInt = null).
  std::vector<int64_t> numbers;
  NumericMode numeric_mode = NumericMode::kAbsolute;
  std::vector<double> num_thresholds;

  // prefix: per length (descending) the prefix ids per record.
  std::vector<const uint32_t*> prefix_ids;

  // array_intersect: per value (a distinct set of values; 0 = null) its sorted
  // element ids elements[offsets[v] .. offsets[v + 1]) and in `signature` a bit
  // per element; shared-value thresholds, strongest (largest) first.
  std::vector<uint32_t> elements;
  std::vector<uint32_t> min_shared;

  // custom: the conditions, bound to a private copy of the columns they read
  // (each record's row word is its index there).
  std::shared_ptr<const Table> condition_table;
  std::shared_ptr<const check::CompiledRules> conditions;
};

namespace {

using Compiled = Comparator::Compiled;

// The signature bit of a code point (Fibonacci hashing onto 64 bits).
inline uint64_t SignatureBit(char32_t cp) {
  return uint64_t{1} << ((static_cast<uint32_t>(cp) * 0x9E3779B1u) >> 26);
}

uint64_t Signature(std::u32string_view s) {
  uint64_t sig = 0;
  for (const char32_t cp : s) sig |= SignatureBit(cp);
  return sig;
}

// Values with at most this many distinct strings get a precomputed level matrix
// (256 KiB at most), so Compare is one lookup: surnames, sexes, villages.
constexpr size_t kMaxMatrixValues = 512;

// Fill value_of/offsets/code_points of `c` from string column `ids`, decoding
// `text(id)` once per distinct id.
template <typename TextFn>
void DecodeDistinct(const std::vector<uint32_t>& ids, uint32_t pool_size, TextFn text, Compiled& c) {
  std::vector<uint32_t> local(pool_size, 0);
  c.value_of.resize(ids.size());
  c.offsets = {0, 0};  // value 0 is null, with no code points
  c.signature = {0};
  for (size_t rec = 0; rec < ids.size(); ++rec) {
    const uint32_t id = ids[rec];
    if (id == StringPool::kNull) {
      c.value_of[rec] = 0;
      continue;
    }
    uint32_t& v = local[id];
    if (v == 0) {
      v = static_cast<uint32_t>(c.offsets.size() - 1);
      const std::u32string cps = DecodeCodePoints(text(id));
      c.code_points += cps;
      c.offsets.push_back(static_cast<uint32_t>(c.code_points.size()));
      c.signature.push_back(Signature(cps));
    }
    c.value_of[rec] = v;
  }
}

inline std::u32string_view ValueView(const Compiled& c, uint32_t v) {
  return {c.code_points.data() + c.offsets[v], c.offsets[v + 1] - c.offsets[v]};
}

// Return the threshold level (0 = below all) of the metric between values va and vb.
uint8_t MetricLevel(const Compiled& c, uint32_t va, uint32_t vb) {
  const std::u32string_view s1 = ValueView(c, va);
  const std::u32string_view s2 = ValueView(c, vb);
  const size_t levels = c.sim_thresholds.size() + c.dist_thresholds.size();
  if (IsDistanceMetric(c.metric)) {
    const int64_t cutoff = c.dist_thresholds.back();
    const int64_t d = c.metric == StringMetric::kLevenshtein ? LevenshteinDistance(s1, s2, cutoff)
                                                             : OsaDistance(s1, s2, cutoff);
    for (size_t idx = 0; idx < levels; ++idx) {
      if (d <= c.dist_thresholds[idx]) return static_cast<uint8_t>(levels - idx);
    }
    return 0;
  }
  const double cutoff = c.sim_thresholds.back();
  if (c.metric == StringMetric::kJaroWinkler || c.metric == StringMetric::kJaro) {
    // Every Jaro match pairs equal code points, whose signature bit is in
    // both signatures; so m <= min(count_1, count_2), count_i the positions of
    // s_i whose bit is shared. Jaro and Jaro–Winkler grow with m, so their
    // value at that bound (no transpositions, full prefix bonus) is an upper
    // bound: below the weakest threshold, the level is 0 without the metric.
    const uint64_t shared = c.signature[va] & c.signature[vb];
    if (shared == 0) return 0;
    int64_t count1 = 0;
    int64_t count2 = 0;
    for (const char32_t cp : s1) count1 += (SignatureBit(cp) & shared) != 0 ? 1 : 0;
    for (const char32_t cp : s2) count2 += (SignatureBit(cp) & shared) != 0 ? 1 : 0;
    const auto m = static_cast<double>(std::min(count1, count2));
    const double jaro_bound =
        (m / static_cast<double>(s1.size()) + m / static_cast<double>(s2.size()) + 1.0) / 3.0;
    size_t prefix = 0;
    if (c.metric == StringMetric::kJaroWinkler) {
      const size_t max_prefix = std::min({s1.size(), s2.size(), static_cast<size_t>(kJaroWinklerMaxPrefix)});
      while (prefix < max_prefix && s1[prefix] == s2[prefix]) ++prefix;
    }
    const double bound =
        jaro_bound + static_cast<double>(prefix) * kJaroWinklerPrefixWeight * (1.0 - jaro_bound);
    if (bound + 1e-9 < cutoff) return 0;
  }
  double sim = 0;
  switch (c.metric) {
    case StringMetric::kJaroWinkler: sim = JaroWinklerSimilarity(s1, s2, kJaroWinklerPrefixWeight, cutoff); break;
    case StringMetric::kJaro: sim = JaroSimilarity(s1, s2, cutoff); break;
    case StringMetric::kJaccard: sim = JaccardSimilarity(s1, s2, c.qgram, cutoff); break;
    default: break;
  }
  for (size_t idx = 0; idx < levels; ++idx) {
    if (sim >= c.sim_thresholds[idx]) return static_cast<uint8_t>(levels - idx);
  }
  return 0;
}

// Return the level of string or name_zh values va and vb (both non-null).
// name_zh: the two names have the same number of characters, at least three,
// and differ in exactly one.
bool OneCharacterApart(const Compiled& c, uint32_t va, uint32_t vb) {
  const uint32_t a0 = c.raw_offsets[va], a1 = c.raw_offsets[va + 1];
  const uint32_t b0 = c.raw_offsets[vb], b1 = c.raw_offsets[vb + 1];
  if (a1 - a0 != b1 - b0 || a1 - a0 < 3) return false;
  int differ = 0;
  for (uint32_t i = 0; i < a1 - a0 && differ < 2; ++i) differ += c.raw_points[a0 + i] != c.raw_points[b0 + i];
  return differ == 1;
}

uint8_t ValuePairLevel(const Compiled& c, uint32_t va, uint32_t vb) {
  if (va == vb) return c.top;
  if (c.kind == ComparisonKind::kNameZh) {
    if (c.pinyin[va] != StringPool::kNull && c.pinyin[va] == c.pinyin[vb]) return static_cast<uint8_t>(c.top - 1);
    if (c.fuzzy[va] != StringPool::kNull && c.fuzzy[va] == c.fuzzy[vb]) return static_cast<uint8_t>(c.top - 2);
    if (c.one_character && OneCharacterApart(c, va, vb)) return static_cast<uint8_t>(c.top - 3);
  }
  return MetricLevel(c, va, vb);
}

// Precompute every value pair's level when there are few distinct values.
void MaybeBuildLevelMatrix(Compiled& c) {
  const size_t dim = c.offsets.size() - 1;  // values, null included
  if (dim - 1 > kMaxMatrixValues) return;
  c.matrix_dim = dim;
  c.level_matrix.assign(dim * dim, kNullLevel);
  for (uint32_t va = 1; va < dim; ++va) {
    for (uint32_t vb = 1; vb < dim; ++vb) c.level_matrix[va * dim + vb] = ValuePairLevel(c, va, vb);
  }
}

// array_intersect: split each distinct string of `ids` into its set of values
// once; equal sets (in any order, with repeats) share one value index, so
// equal indices mean equal sets.
void BuildValueSets(const std::vector<uint32_t>& ids, const StringPool& pool, std::string_view delimiter,
                    Compiled& c) {
  constexpr uint32_t kUnseen = 0xFFFFFFFFu;
  std::vector<uint32_t> set_of_id(pool.size(), kUnseen);
  std::unordered_map<std::string, uint32_t> element_ids;
  std::map<std::vector<uint32_t>, uint32_t> set_index;
  c.value_of.resize(ids.size());
  c.offsets = {0, 0};
  c.signature = {0};
  std::vector<uint32_t> elems;
  for (size_t rec = 0; rec < ids.size(); ++rec) {
    const uint32_t id = ids[rec];
    if (id == StringPool::kNull) {
      c.value_of[rec] = 0;
      continue;
    }
    uint32_t& v = set_of_id[id];
    if (v == kUnseen) {
      elems.clear();
      for (const std::string_view e : SplitValues(pool.Get(id), delimiter)) {
        elems.push_back(element_ids.emplace(std::string(e), static_cast<uint32_t>(element_ids.size())).first->second);
      }
      std::sort(elems.begin(), elems.end());
      elems.erase(std::unique(elems.begin(), elems.end()), elems.end());
      if (elems.empty()) {
        v = 0;  // only delimiters and blanks: no value
      } else {
        auto [it, added] = set_index.emplace(elems, static_cast<uint32_t>(c.offsets.size() - 1));
        if (added) {
          uint64_t sig = 0;
          for (const uint32_t e : elems) sig |= uint64_t{1} << ((e * 0x9E3779B1u) >> 26);
          c.elements.insert(c.elements.end(), elems.begin(), elems.end());
          c.offsets.push_back(static_cast<uint32_t>(c.elements.size()));
          c.signature.push_back(sig);
        }
        v = it->second;
      }
    }
    c.value_of[rec] = v;
  }
}

// Return the array_intersect level of non-null value sets va and vb.
uint8_t IntersectLevel(const Compiled& c, uint32_t va, uint32_t vb) {
  if (va == vb) return c.top;
  // Disjoint signatures: no shared value, whatever the thresholds.
  if ((c.signature[va] & c.signature[vb]) == 0) return 0;
  const uint32_t* x = c.elements.data() + c.offsets[va];
  const uint32_t* x_end = c.elements.data() + c.offsets[va + 1];
  const uint32_t* y = c.elements.data() + c.offsets[vb];
  const uint32_t* y_end = c.elements.data() + c.offsets[vb + 1];
  uint32_t shared = 0;
  while (x != x_end && y != y_end) {
    if (*x < *y) {
      ++x;
    } else if (*y < *x) {
      ++y;
    } else {
      ++shared;
      ++x;
      ++y;
    }
  }
  const size_t levels = c.min_shared.size();
  for (size_t idx = 0; idx < levels; ++idx) {
    if (shared >= c.min_shared[idx]) return static_cast<uint8_t>(levels - idx);
  }
  return 0;
}

inline int64_t Int64At(const uint32_t* w) {
  return static_cast<int64_t>((uint64_t{w[1]} << 32) | w[0]);
}

// Return the number of row words comparison `c` uses per record.
size_t NumWords(const Compiled& c) {
  switch (c.kind) {
    case ComparisonKind::kExact: return c.exact_int ? 2 : 1;
    case ComparisonKind::kString:
    case ComparisonKind::kNameZh:
    case ComparisonKind::kCitizenId:
    case ComparisonKind::kArrayIntersect:
    case ComparisonKind::kCustom: return 1;
    case ComparisonKind::kNamesSwapped: return 6;
    case ComparisonKind::kDate:
    case ComparisonKind::kNumeric: return 2;
    case ComparisonKind::kPrefix: return 1 + c.prefix_ids.size();
  }
  return 1;
}

// Write record `rec`'s words of comparison `c` to `out`.
void WriteWords(const Compiled& c, size_t rec, uint32_t* out) {
  auto put64 = [out](int64_t v) {
    out[0] = static_cast<uint32_t>(static_cast<uint64_t>(v));
    out[1] = static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32);
  };
  switch (c.kind) {
    case ComparisonKind::kExact:
      if (c.ids != nullptr) out[0] = c.ids[rec];
      if (c.dates != nullptr) out[0] = static_cast<uint32_t>(c.dates[rec]);
      if (c.ints != nullptr) put64(c.ints[rec]);
      break;
    case ComparisonKind::kString:
    case ComparisonKind::kNameZh:
    case ComparisonKind::kCitizenId:
    case ComparisonKind::kArrayIntersect:
      out[0] = c.value_of[rec];
      break;
    case ComparisonKind::kCustom:
      out[0] = static_cast<uint32_t>(rec);
      break;
    case ComparisonKind::kNamesSwapped:
      out[0] = c.ids[rec];
      out[1] = c.given[rec];
      out[2] = c.surname_key[rec];
      out[3] = c.given_key[rec];
      out[4] = c.surname_fuzzy[rec];
      out[5] = c.given_fuzzy[rec];
      break;
    case ComparisonKind::kDate:
      out[0] = static_cast<uint32_t>(c.date_parts[rec].days);
      out[1] = c.date_parts[rec].ymd;
      break;
    case ComparisonKind::kNumeric:
      put64(c.numbers[rec]);
      break;
    case ComparisonKind::kPrefix:
      out[0] = c.ids[rec];
      for (size_t idx = 0; idx < c.prefix_ids.size(); ++idx) out[1 + idx] = c.prefix_ids[idx][rec];
      break;
  }
}

// Return the level of `c` for records whose words are at ra and rb.
uint8_t CompareCompiled(const Compiled& c, const uint32_t* ra, const uint32_t* rb) {
  switch (c.kind) {
    case ComparisonKind::kExact:
      if (c.exact_int) {
        const int64_t x = Int64At(ra);
        const int64_t y = Int64At(rb);
        if (x == kNullInt || y == kNullInt) return kNullLevel;
        return x == y ? 1 : 0;
      }
      {
        // Strings (null id 0) and dates (null kNullDate) share one word.
        const uint32_t null_word = c.exact_date ? static_cast<uint32_t>(kNullDate) : StringPool::kNull;
        if (ra[0] == null_word || rb[0] == null_word) return kNullLevel;
        return ra[0] == rb[0] ? 1 : 0;
      }

    case ComparisonKind::kString:
    case ComparisonKind::kNameZh: {
      const uint32_t va = ra[0];
      const uint32_t vb = rb[0];
      if (va == 0 || vb == 0) return kNullLevel;
      if (!c.level_matrix.empty()) return c.level_matrix[va * c.matrix_dim + vb];
      return ValuePairLevel(c, va, vb);
    }

    case ComparisonKind::kNamesSwapped: {
      // Words: surname, given, surname key, given key, surname fuzzy, given fuzzy.
      if (ra[0] == StringPool::kNull || rb[0] == StringPool::kNull || ra[1] == StringPool::kNull ||
          rb[1] == StringPool::kNull) {
        return kNullLevel;
      }
      if (ra[0] == rb[0] && ra[1] == rb[1]) return 4;
      if (ra[2] == rb[2] && ra[3] == rb[3]) return 3;
      if (ra[4] == rb[4] && ra[5] == rb[5]) return 2;
      if (ra[2] == rb[3] && ra[3] == rb[2]) return 1;
      return 0;
    }

    case ComparisonKind::kDate: {
      const auto da = static_cast<int32_t>(ra[0]);
      const auto db = static_cast<int32_t>(rb[0]);
      if (da == kNullDate || db == kNullDate) return kNullLevel;
      if (da == db) return c.top;
      const uint32_t x = ra[1];
      const uint32_t y = rb[1];
      if (c.lv_swapped != 0 && (x >> 9) == (y >> 9) && ((x >> 5) & 15) == (y & 31) &&
          (x & 31) == ((y >> 5) & 15)) {
        return c.lv_swapped;
      }
      const int64_t diff = da > db ? int64_t{da} - db : int64_t{db} - da;
      if (c.lv_month != 0 && diff <= kMonthDays) return c.lv_month;
      if (c.lv_year != 0 && diff <= kYearDays) return c.lv_year;
      return 0;
    }

    case ComparisonKind::kCitizenId: {
      const uint32_t va = ra[0];
      const uint32_t vb = rb[0];
      if (va == 0 || vb == 0) return kNullLevel;
      if (va == vb) return c.top;
      const IdValue& x = c.id_values[va];
      const IdValue& y = c.id_values[vb];
      if (x.len == 18 && y.len == 18) {
        const int diff = DifferingBytes(Load8(x.chars), Load8(y.chars)) +
                         DifferingBytes(Load8(x.chars + 8), Load8(y.chars + 8)) +
                         DifferingBytes(Load8(x.chars + 16), Load8(y.chars + 16));
        if (diff == 1 && c.lv_one_digit != 0) return c.lv_one_digit;
        if (diff == 2 && c.lv_transposition != 0 &&
            IsAdjacentTransposition({x.chars, 18}, {y.chars, 18})) {
          return c.lv_transposition;
        }
      }
      if (c.lv_birth != 0 && x.birth != 0 && x.birth == y.birth) return c.lv_birth;
      return 0;
    }

    case ComparisonKind::kNumeric: {
      const int64_t x = Int64At(ra);
      const int64_t y = Int64At(rb);
      if (x == kNullInt || y == kNullInt) return kNullLevel;
      if (x == y) return c.top;
      const double diff = std::fabs(static_cast<double>(x) - static_cast<double>(y));
      const double measure =
          c.numeric_mode == NumericMode::kAbsolute
              ? diff
              : diff / std::max(std::fabs(static_cast<double>(x)), std::fabs(static_cast<double>(y)));
      const size_t levels = c.num_thresholds.size();
      for (size_t idx = 0; idx < levels; ++idx) {
        if (measure <= c.num_thresholds[idx]) return static_cast<uint8_t>(levels - idx);
      }
      return 0;
    }

    case ComparisonKind::kArrayIntersect: {
      const uint32_t va = ra[0];
      const uint32_t vb = rb[0];
      if (va == 0 || vb == 0) return kNullLevel;
      if (!c.level_matrix.empty()) return c.level_matrix[va * c.matrix_dim + vb];
      return IntersectLevel(c, va, vb);
    }

    case ComparisonKind::kCustom: {
      // The first condition that passes gives the level; none passing, the
      // pair is else when every condition failed and undecided (null) when
      // one could not be evaluated.
      check::Outcome outcomes[64];
      c.conditions->EvaluatePair(ra[0], rb[0], outcomes);
      bool missing = false;
      for (uint8_t idx = 0; idx < c.top; ++idx) {
        if (outcomes[idx] == check::Outcome::kPass) return static_cast<uint8_t>(c.top - idx);
        missing = missing || outcomes[idx] == check::Outcome::kMissing;
      }
      return missing ? kNullLevel : 0;
    }

    case ComparisonKind::kPrefix: {
      if (ra[0] == StringPool::kNull || rb[0] == StringPool::kNull) return kNullLevel;
      if (ra[0] == rb[0]) return c.top;
      const size_t levels = c.prefix_ids.size();
      for (size_t idx = 0; idx < levels; ++idx) {
        const uint32_t pa = ra[1 + idx];
        if (pa != StringPool::kNull && pa == rb[1 + idx]) return static_cast<uint8_t>(levels - idx);
      }
      return 0;
    }
  }
  return 0;
}

// Resolve `expr` to a column of `rs`, checking its type.
Result<const Column*> ResolveColumn(RecordSet& rs, const ComparisonSpec& spec, const std::string& expr,
                                    bool want_string, bool want_date, bool want_int) {
  Result<int> idx = AddDerivedColumn(rs, expr);
  if (!idx.ok()) return idx.status().WithContext("comparison '" + spec.display_name() + "'");
  const Column& col = rs.table().column(*idx);
  const bool ok = (want_string && col.is_string()) || (want_date && col.type() == FieldType::kDate) ||
                  (want_int && col.type() == FieldType::kInteger);
  if (!ok) {
    return Status::InvalidArgument("comparison '" + spec.display_name() + "' (" +
                                   std::string(ComparisonKindName(spec.kind)) + ") cannot use column '" +
                                   expr + "' of type " + std::string(FieldTypeName(col.type())));
  }
  return &col;
}

std::string ThresholdLabel(const ComparisonSpec& spec, double t) {
  switch (spec.kind) {
    case ComparisonKind::kString:
      return std::string(StringMetricName(spec.metric)) + (IsDistanceMetric(spec.metric) ? "<=" : ">=") +
             FormatNumber(t);
    case ComparisonKind::kNameZh:
      return "pinyin_jaro_winkler>=" + FormatNumber(t);
    case ComparisonKind::kNumeric:
      return (spec.numeric_mode == NumericMode::kAbsolute ? "abs_diff<=" : "pct_diff<=") + FormatNumber(t);
    default:
      return FormatNumber(t);
  }
}

}  // namespace

Comparator::Comparator() = default;
Comparator::Comparator(Comparator&&) noexcept = default;
Comparator& Comparator::operator=(Comparator&&) noexcept = default;
Comparator::~Comparator() = default;

Result<Comparator> Comparator::Make(RecordSet& rs, std::vector<ComparisonSpec> specs) {
  if (specs.empty()) return Status::InvalidArgument("linkage needs at least one comparison");
  if (specs.size() > 64) return Status::InvalidArgument("at most 64 comparisons are supported");
  Comparator cmp;
  // Derived columns first: adding columns never moves existing column data,
  // but resolving everything up front keeps the pointers below obviously valid.
  for (const ComparisonSpec& spec : specs) {
    std::vector<std::string> exprs;
    if (spec.kind == ComparisonKind::kCustom) {
      VL_ASSIGN_OR_RETURN(exprs, ComparisonColumns(spec));
    } else {
      exprs.push_back(spec.column);
    }
    if (spec.kind == ComparisonKind::kNameZh) {
      exprs.push_back("pinyin(" + spec.column + ")");
      exprs.push_back("pinyin_fuzzy(" + spec.column + ")");
    }
    if (spec.kind == ComparisonKind::kNamesSwapped) {
      for (const std::string& col : {spec.column, spec.column2}) {
        exprs.push_back(col);
        exprs.push_back("pinyin(" + col + ")");
        exprs.push_back("pinyin_fuzzy(" + col + ")");
      }
    }
    if (spec.kind == ComparisonKind::kPrefix) {
      for (const int n : spec.prefix_lengths) exprs.push_back("prefix(" + spec.column + ", " + std::to_string(n) + ")");
    }
    for (const std::string& e : exprs) {
      Result<int> idx = AddDerivedColumn(rs, e);
      if (!idx.ok()) return idx.status().WithContext("comparison '" + spec.display_name() + "'");
    }
  }
  const Table& table = rs.table();
  const uint32_t pool_size = rs.pool().size();
  auto strings_of = [&table](const std::string& expr) { return table.GetColumn(expr)->strings().data(); };

  for (const ComparisonSpec& spec : specs) {
    Compiled c;
    c.kind = spec.kind;
    std::vector<std::string> labels = {"else"};
    switch (spec.kind) {
      case ComparisonKind::kExact: {
        VL_ASSIGN_OR_RETURN(const Column* col, ResolveColumn(rs, spec, spec.column, true, true, true));
        if (col->is_string()) c.ids = col->strings().data();
        if (col->type() == FieldType::kDate) c.dates = col->dates().data();
        if (col->type() == FieldType::kInteger) c.ints = col->ints().data();
        c.exact_date = c.dates != nullptr;
        c.exact_int = c.ints != nullptr;
        labels.push_back("exact");
        break;
      }
      case ComparisonKind::kString:
      case ComparisonKind::kNameZh: {
        VL_ASSIGN_OR_RETURN(const Column* col, ResolveColumn(rs, spec, spec.column, true, false, false));
        c.metric = spec.kind == ComparisonKind::kNameZh ? StringMetric::kJaroWinkler : spec.metric;
        c.qgram = spec.qgram;
        for (const double t : spec.thresholds) {
          if (IsDistanceMetric(c.metric)) {
            c.dist_thresholds.push_back(static_cast<int64_t>(t));
          } else {
            c.sim_thresholds.push_back(t);
          }
        }
        for (auto it = spec.thresholds.rbegin(); it != spec.thresholds.rend(); ++it) {
          labels.push_back(ThresholdLabel(spec, *it));
        }
        if (spec.kind == ComparisonKind::kString) {
          DecodeDistinct(col->strings(), pool_size, [&](uint32_t id) { return rs.pool().Get(id); }, c);
        } else {
          // Jaro–Winkler runs on the pinyin ("zhang wei"), on the name itself
          // when it has no pinyin (a foreign name in Latin letters).
          const uint32_t* pinyin = strings_of("pinyin(" + spec.column + ")");
          const uint32_t* fuzzy = strings_of("pinyin_fuzzy(" + spec.column + ")");
          const std::vector<uint32_t>& names = col->strings();
          std::vector<uint32_t> pinyin_of(pool_size, StringPool::kNull);
          for (size_t rec = 0; rec < names.size(); ++rec) pinyin_of[names[rec]] = pinyin[rec];
          DecodeDistinct(names, pool_size,
                         [&](uint32_t id) {
                           const uint32_t p = pinyin_of[id];
                           return rs.pool().Get(p != StringPool::kNull ? p : id);
                         },
                         c);
          c.pinyin.assign(c.offsets.size() - 1, StringPool::kNull);
          c.fuzzy.assign(c.offsets.size() - 1, StringPool::kNull);
          for (size_t rec = 0; rec < names.size(); ++rec) {
            c.pinyin[c.value_of[rec]] = c.value_of[rec] == 0 ? StringPool::kNull : pinyin[rec];
            c.fuzzy[c.value_of[rec]] = c.value_of[rec] == 0 ? StringPool::kNull : fuzzy[rec];
          }
          if (spec.one_character) {
            c.one_character = true;
            c.raw_offsets = {0, 0};
            std::vector<uint8_t> seen(c.offsets.size() - 1, 0);
            std::vector<uint32_t> id_of(c.offsets.size() - 1, StringPool::kNull);
            for (size_t rec = 0; rec < names.size(); ++rec) {
              if (c.value_of[rec] != 0) id_of[c.value_of[rec]] = names[rec];
            }
            for (size_t v = 1; v < id_of.size(); ++v) {
              c.raw_points += DecodeCodePoints(rs.pool().Get(id_of[v]));
              c.raw_offsets.push_back(static_cast<uint32_t>(c.raw_points.size()));
            }
            labels.push_back("one_character");
          }
          labels.push_back("pinyin_fuzzy");
          labels.push_back("pinyin");
        }
        labels.push_back("exact");
        c.top = static_cast<uint8_t>(labels.size() - 1);
        MaybeBuildLevelMatrix(c);
        break;
      }
      case ComparisonKind::kNamesSwapped: {
        VL_ASSIGN_OR_RETURN(const Column* sur, ResolveColumn(rs, spec, spec.column, true, false, false));
        VL_ASSIGN_OR_RETURN(const Column* giv, ResolveColumn(rs, spec, spec.column2, true, false, false));
        c.ids = sur->strings().data();
        c.given = giv->strings().data();
        const size_t n = static_cast<size_t>(rs.size());
        auto keys = [&](const std::string& col, const std::string& fn, const uint32_t* raw) {
          const uint32_t* derived = strings_of(fn + "(" + col + ")");
          std::vector<uint32_t> out(n);
          for (size_t rec = 0; rec < n; ++rec) out[rec] = derived[rec] != StringPool::kNull ? derived[rec] : raw[rec];
          return out;
        };
        c.surname_key = keys(spec.column, "pinyin", c.ids);
        c.given_key = keys(spec.column2, "pinyin", c.given);
        c.surname_fuzzy = keys(spec.column, "pinyin_fuzzy", c.ids);
        c.given_fuzzy = keys(spec.column2, "pinyin_fuzzy", c.given);
        labels.insert(labels.end(), {"swapped", "pinyin_fuzzy", "pinyin", "exact"});
        break;
      }
      case ComparisonKind::kDate: {
        VL_ASSIGN_OR_RETURN(const Column* col, ResolveColumn(rs, spec, spec.column, false, true, false));
        c.dates = col->dates().data();
        const size_t n = static_cast<size_t>(rs.size());
        const auto num = static_cast<uint8_t>(spec.date_levels.size());
        for (size_t idx = 0; idx < spec.date_levels.size(); ++idx) {
          const auto level = static_cast<uint8_t>(num - idx);
          switch (spec.date_levels[idx]) {
            case DateLevel::kExact: break;
            case DateLevel::kDayMonthSwapped: c.lv_swapped = level; break;
            case DateLevel::kWithinMonth: c.lv_month = level; break;
            case DateLevel::kWithinYear: c.lv_year = level; break;
          }
        }
        c.date_parts.resize(n);
        for (size_t rec = 0; rec < n; ++rec) {
          c.date_parts[rec] = {c.dates[rec], 0};
          if (c.dates[rec] == kNullDate) continue;
          const CivilDate d = CivilFromDays(c.dates[rec]);
          // Years are kept modulo 2^23: only equality of years matters here.
          c.date_parts[rec].ymd = (static_cast<uint32_t>(d.year) << 9) | static_cast<uint32_t>(d.month << 5) |
                                  static_cast<uint32_t>(d.day);
        }
        for (auto it = spec.date_levels.rbegin(); it != spec.date_levels.rend(); ++it) {
          labels.emplace_back(DateLevelName(*it));
        }
        break;
      }
      case ComparisonKind::kCitizenId: {
        VL_ASSIGN_OR_RETURN(const Column* col, ResolveColumn(rs, spec, spec.column, true, false, false));
        DecodeDistinct(col->strings(), pool_size, [](uint32_t) { return std::string_view(); }, c);
        // Only value_of is needed; rebuild the per-value table from the ids.
        c.id_values.assign(c.offsets.size() - 1, IdValue{});
        const std::vector<uint32_t>& ids = col->strings();
        for (size_t rec = 0; rec < ids.size(); ++rec) {
          IdValue& v = c.id_values[c.value_of[rec]];
          if (c.value_of[rec] == 0 || v.len != 0) continue;
          const std::string_view s = rs.pool().Get(ids[rec]);
          v.len = static_cast<uint8_t>(std::min<size_t>(s.size(), 18));
          std::memcpy(v.chars, s.data(), v.len);
          const std::string birth = EvalStringFn(DerivedFn::kIdBirth, s, 0);
          if (birth.size() == 8) std::memcpy(&v.birth, birth.data(), 8);
          if (s.size() != 18) v.len = 0xFF;  // not comparable character by character
        }
        const auto num = static_cast<uint8_t>(spec.id_levels.size());
        for (size_t idx = 0; idx < spec.id_levels.size(); ++idx) {
          const auto level = static_cast<uint8_t>(num - idx);
          switch (spec.id_levels[idx]) {
            case CitizenIdLevel::kExact: break;
            case CitizenIdLevel::kOneDigit: c.lv_one_digit = level; break;
            case CitizenIdLevel::kTransposition: c.lv_transposition = level; break;
            case CitizenIdLevel::kSameBirthDate: c.lv_birth = level; break;
          }
        }
        for (auto it = spec.id_levels.rbegin(); it != spec.id_levels.rend(); ++it) {
          labels.emplace_back(CitizenIdLevelName(*it));
        }
        break;
      }
      case ComparisonKind::kNumeric: {
        VL_ASSIGN_OR_RETURN(const Column* col, ResolveColumn(rs, spec, spec.column, false, true, true));
        const size_t n = static_cast<size_t>(rs.size());
        c.numbers.resize(n);
        for (size_t rec = 0; rec < n; ++rec) {
          if (col->type() == FieldType::kDate) {
            const int32_t d = col->dates()[rec];
            c.numbers[rec] = d == kNullDate ? kNullInt : d;
          } else {
            c.numbers[rec] = col->ints()[rec];
          }
        }
        c.numeric_mode = spec.numeric_mode;
        c.num_thresholds = spec.thresholds;
        for (auto it = spec.thresholds.rbegin(); it != spec.thresholds.rend(); ++it) {
          labels.push_back(ThresholdLabel(spec, *it));
        }
        labels.push_back("exact");
        break;
      }
      case ComparisonKind::kArrayIntersect: {
        VL_ASSIGN_OR_RETURN(const Column* col, ResolveColumn(rs, spec, spec.column, true, false, false));
        BuildValueSets(col->strings(), rs.pool(), spec.delimiter, c);
        for (const double t : spec.thresholds) c.min_shared.push_back(static_cast<uint32_t>(t));
        for (auto it = spec.thresholds.rbegin(); it != spec.thresholds.rend(); ++it) {
          labels.push_back("shared>=" + FormatNumber(*it));
        }
        labels.push_back("exact");
        c.top = static_cast<uint8_t>(labels.size() - 1);
        // Few distinct sets (a code list): every pair's level, precomputed.
        const size_t dim = c.offsets.size() - 1;
        if (dim - 1 <= kMaxMatrixValues) {
          c.matrix_dim = dim;
          c.level_matrix.assign(dim * dim, kNullLevel);
          for (uint32_t va = 1; va < dim; ++va) {
            for (uint32_t vb = 1; vb < dim; ++vb) c.level_matrix[va * dim + vb] = IntersectLevel(c, va, vb);
          }
        }
        break;
      }
      case ComparisonKind::kCustom: {
        // The conditions read a private copy of their columns, so the
        // Comparator stays independent of later changes to `rs`.
        VL_CHECK(!spec.conditions.empty() && spec.conditions.size() <= 64);  // ParseComparisonSpec's limits
        VL_ASSIGN_OR_RETURN(std::vector<std::string> fields, ComparisonColumns(spec));
        auto own = std::make_shared<Table>(rs.table().shared_pool());
        for (const std::string& field : fields) {
          const Column* src = rs.table().GetColumn(field);
          VL_CHECK(src != nullptr);  // added above
          Column& dst = own->AddColumn(field, src->type());
          dst.mutable_strings() = src->strings();
          dst.mutable_dates() = src->dates();
          dst.mutable_ints() = src->ints();
        }
        VL_CHECK(rs.size() < (int64_t{1} << 32));
        for (int64_t rec = 0; rec < rs.size(); ++rec) own->AppendRowOrigin(rec + 1);
        check::RuleSet rules;
        for (size_t idx = 0; idx < spec.conditions.size(); ++idx) {
          Result<check::Rule> rule = check::MakeRule("level_" + std::to_string(idx + 1), spec.conditions[idx]);
          if (!rule.ok()) return rule.status().WithContext("comparison '" + spec.display_name() + "' (custom)");
          rules.rules.push_back(std::move(*rule));
        }
        check::BindOptions options;
        options.source_name = spec.display_name();
        options.pair_fields = true;
        Result<check::CompiledRules> bound = check::CompiledRules::Compile(rules, *own, options);
        if (!bound.ok()) return bound.status().WithContext("comparison '" + spec.display_name() + "' (custom)");
        c.conditions = std::make_shared<const check::CompiledRules>(std::move(*bound));
        c.condition_table = std::move(own);
        for (auto it = spec.condition_labels.rbegin(); it != spec.condition_labels.rend(); ++it) {
          labels.push_back(*it);
        }
        break;
      }
      case ComparisonKind::kPrefix: {
        VL_ASSIGN_OR_RETURN(const Column* col, ResolveColumn(rs, spec, spec.column, true, false, false));
        c.ids = col->strings().data();
        for (const int n : spec.prefix_lengths) {
          c.prefix_ids.push_back(strings_of("prefix(" + spec.column + ", " + std::to_string(n) + ")"));
        }
        for (auto it = spec.prefix_lengths.rbegin(); it != spec.prefix_lengths.rend(); ++it) {
          labels.push_back("prefix_" + std::to_string(*it));
        }
        labels.push_back("exact");
        break;
      }
    }
    c.top = static_cast<uint8_t>(labels.size() - 1);
    cmp.compiled_.push_back(std::move(c));
    cmp.labels_.push_back(std::move(labels));
  }
  // Interleave every comparison's per-record words into one row per record,
  // so a pair costs two row loads instead of one miss per comparison.
  size_t stride = 0;
  for (Compiled& c : cmp.compiled_) {
    c.lane = static_cast<uint32_t>(stride);
    stride += NumWords(c);
  }
  cmp.stride_ = stride;
  const size_t n = static_cast<size_t>(rs.size());
  cmp.rows_.resize(n * stride);
  for (size_t rec = 0; rec < n; ++rec) {
    uint32_t* row = cmp.rows_.data() + rec * stride;
    for (const Compiled& c : cmp.compiled_) WriteWords(c, rec, row + c.lane);
  }
  // The per-record arrays now live in the rows.
  for (Compiled& c : cmp.compiled_) {
    std::vector<uint32_t>().swap(c.value_of);
    std::vector<uint32_t>().swap(c.surname_key);
    std::vector<uint32_t>().swap(c.given_key);
    std::vector<uint32_t>().swap(c.surname_fuzzy);
    std::vector<uint32_t>().swap(c.given_fuzzy);
    std::vector<Compiled::DatePart>().swap(c.date_parts);
    std::vector<int64_t>().swap(c.numbers);
    c.ids = nullptr;
    c.given = nullptr;
    c.dates = nullptr;
    c.ints = nullptr;
    for (const uint32_t*& p : c.prefix_ids) p = nullptr;
  }
  cmp.specs_ = std::move(specs);
  return cmp;
}

const std::string& Comparator::level_label(int k, int level) const {
  static const std::string kNull = "null";
  if (level == kNullLevel) return kNull;
  return labels_[static_cast<size_t>(k)][static_cast<size_t>(level)];
}

int Comparator::tf_level(int k) const { return spec(k).tf ? num_levels(k) - 1 : -1; }

const std::string& Comparator::tf_column(int k) const {
  static const std::string kNone;
  const ComparisonSpec& s = spec(k);
  if (!s.tf) return kNone;
  return s.tf_column.empty() ? s.column : s.tf_column;
}

void Comparator::Compare(int64_t a, int64_t b, uint8_t* gamma) const {
  const uint32_t* ra = rows_.data() + static_cast<size_t>(a) * stride_;
  const uint32_t* rb = rows_.data() + static_cast<size_t>(b) * stride_;
  for (size_t k = 0; k < compiled_.size(); ++k) {
    const Compiled& c = compiled_[k];
    gamma[k] = CompareCompiled(c, ra + c.lane, rb + c.lane);
  }
}

uint8_t Comparator::CompareOne(int k, int64_t a, int64_t b) const {
  const Compiled& c = compiled_[static_cast<size_t>(k)];
  return CompareCompiled(c, rows_.data() + static_cast<size_t>(a) * stride_ + c.lane,
                         rows_.data() + static_cast<size_t>(b) * stride_ + c.lane);
}

}  // namespace vitalink::link
