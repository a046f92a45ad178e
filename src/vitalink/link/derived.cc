#include "vitalink/link/derived.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <utility>

#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"
#include "vitalink/ingest/normalize.h"
#include "vitalink/ingest/pinyin.h"

namespace vitalink::link {
namespace {

struct FnInfo {
  DerivedFn fn;
  std::string_view name;
  bool takes_n;
};

constexpr FnInfo kFns[] = {
    {DerivedFn::kPinyin, "pinyin", false},
    {DerivedFn::kPinyinFuzzy, "pinyin_fuzzy", false},
    {DerivedFn::kSurnamePinyin, "surname_pinyin", false},
    {DerivedFn::kGivenPinyin, "given_pinyin", false},
    {DerivedFn::kYear, "year", false},
    {DerivedFn::kMonth, "month", false},
    {DerivedFn::kDayMonth, "day_month", false},
    {DerivedFn::kPrefix, "prefix", true},
    {DerivedFn::kSuffix, "suffix", true},
    {DerivedFn::kIdBirth, "id_birth", false},
    {DerivedFn::kSoundex, "soundex", false},
};

bool IsDateFn(DerivedFn fn) {
  return fn == DerivedFn::kYear || fn == DerivedFn::kMonth || fn == DerivedFn::kDayMonth;
}

// A recursive-descent parser for  expr := name | name '(' expr [',' int] ')'.
class KeyExprParser {
 public:
  explicit KeyExprParser(std::string_view text) : text_(text) {}

  Result<KeyExpr> ParseAll() {
    VL_ASSIGN_OR_RETURN(KeyExpr e, ParseExpr());
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected '" + std::string(text_.substr(pos_)) + "'");
    return e;
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("key expression '" + std::string(text_) + "': " + what +
                                   " (at offset " + std::to_string(pos_) + ")");
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  static bool IsNameByte(char c) {
    return c != '(' && c != ')' && c != ',' && c != ' ' && c != '\t';
  }

  Result<KeyExpr> ParseExpr() {
    if (++depth_ > 8) return Error("nested too deeply");
    SkipSpace();
    const size_t start = pos_;
    while (pos_ < text_.size() && IsNameByte(text_[pos_])) ++pos_;
    if (pos_ == start) return Error("expected a column or function name");
    const std::string name(text_.substr(start, pos_ - start));
    SkipSpace();
    KeyExpr e;
    if (pos_ >= text_.size() || text_[pos_] != '(') {
      e.column = name;
      --depth_;
      return e;
    }
    const FnInfo* info = nullptr;
    for (const FnInfo& f : kFns) {
      if (f.name == name) info = &f;
    }
    if (info == nullptr) {
      std::string known;
      for (const FnInfo& f : kFns) known += (known.empty() ? "" : ", ") + std::string(f.name);
      return Error("unknown function '" + name + "' (known: " + known + ")");
    }
    e.fn = info->fn;
    ++pos_;  // '('
    VL_ASSIGN_OR_RETURN(KeyExpr arg, ParseExpr());
    e.arg = std::make_shared<const KeyExpr>(std::move(arg));
    SkipSpace();
    if (info->takes_n) {
      if (pos_ >= text_.size() || text_[pos_] != ',') {
        return Error(name + "() needs a length: " + name + "(column, n)");
      }
      ++pos_;
      SkipSpace();
      const size_t num_start = pos_;
      int64_t n = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9' && n < 100000) {
        n = n * 10 + (text_[pos_] - '0');
        ++pos_;
      }
      if (pos_ == num_start || n < 1 || n > 1000) {
        return Error(name + "() length must be an integer from 1 to 1000");
      }
      e.n = static_cast<int>(n);
      SkipSpace();
    }
    if (pos_ >= text_.size() || text_[pos_] != ')') {
      return Error(info->takes_n ? "expected ')'" : "expected ')' (" + name + "() takes one argument)");
    }
    ++pos_;
    --depth_;
    return e;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

// Return the first (or last) n code points of s, all of s when shorter.
std::string_view CodePointSlice(std::string_view s, int n, bool from_end) {
  if (!from_end) {
    size_t pos = 0;
    char32_t cp = 0;
    for (int k = 0; k < n && NextCodePoint(s, pos, cp); ++k) {
    }
    return s.substr(0, pos);
  }
  const int64_t total = static_cast<int64_t>(CodePointCount(s));
  size_t pos = 0;
  char32_t cp = 0;
  for (int64_t k = 0; k < total - n && NextCodePoint(s, pos, cp); ++k) {
  }
  return s.substr(pos);
}

// Return the YYYYMMDD birth part of an 18- or 15-character ID, or "".
std::string IdBirth(std::string_view id) {
  std::string out;
  if (id.size() == 18) {
    out = std::string(id.substr(6, 8));
  } else if (id.size() == 15) {
    out = "19" + std::string(id.substr(6, 6));
  } else {
    return {};
  }
  for (const char c : out) {
    if (c < '0' || c > '9') return {};
  }
  return out;
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) words.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Return the pinyin of the given-name part: NameKey of the whole name (so
// every character keeps the reading it has in the full name, 曾小单 → "xiao
// dan", not a surname reading of 小) without the surname's syllables, which
// come first, or last for names with '·'.
std::string GivenPinyin(const ingest::PinyinTable& py, std::string_view name) {
  const auto [surname, given] = py.SplitSurname(name);
  const std::string full = py.NameKey(name);
  if (surname.empty()) return full;
  const std::vector<std::string_view> words = SplitWords(full);
  const size_t drop = std::min(words.size(), SplitWords(py.NameKey(surname)).size());
  const bool surname_last = name.find(ingest::kMiddleDot) != std::string_view::npos;
  const size_t begin = surname_last ? 0 : drop;
  const size_t end = surname_last ? words.size() - drop : words.size();
  std::string out;
  for (size_t idx = begin; idx < end; ++idx) {
    if (!out.empty()) out += ' ';
    out += words[idx];
  }
  return out;
}

std::string PinyinKey(DerivedFn fn, std::string_view name) {
  const ingest::PinyinTable& py = ingest::PinyinTable::Get();
  switch (fn) {
    case DerivedFn::kPinyin: return py.NameKey(name);
    case DerivedFn::kPinyinFuzzy: return py.FuzzyKey(name);
    case DerivedFn::kSurnamePinyin: return py.SurnameKey(name);
    default: return GivenPinyin(py, name);
  }
}

Status ExprError(const KeyExpr& e, const std::string& what) {
  return Status::InvalidArgument("key expression '" + e.ToString() + "': " + what);
}

}  // namespace

std::string_view DerivedFnName(DerivedFn fn) {
  for (const FnInfo& f : kFns) {
    if (f.fn == fn) return f.name;
  }
  return "column";
}

std::string KeyExpr::ToString() const {
  if (fn == DerivedFn::kColumn) return column;
  std::string out(DerivedFnName(fn));
  out += '(';
  out += arg ? arg->ToString() : std::string();
  if (fn == DerivedFn::kPrefix || fn == DerivedFn::kSuffix) out += ", " + std::to_string(n);
  out += ')';
  return out;
}

Result<KeyExpr> ParseKeyExpr(std::string_view text) { return KeyExprParser(text).ParseAll(); }

std::string Soundex(std::string_view s) {
  // Codes of a..z; '0' for vowels and y (they separate equal codes), '-' for h
  // and w (they do not).
  static constexpr char kCode[27] = "01230120022455012623010202";
  std::string out;
  char last = 0;
  for (const char raw : s) {
    if (!std::isalpha(static_cast<unsigned char>(raw)) || static_cast<unsigned char>(raw) >= 0x80) continue;
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    const char code = (c == 'h' || c == 'w') ? '-' : kCode[c - 'a'];
    if (out.empty()) {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      last = code;
      continue;
    }
    if (code == '-') continue;
    if (code != '0' && code != last) out.push_back(code);
    last = code;
    if (out.size() == 4) break;
  }
  if (out.empty()) return out;
  while (out.size() < 4) out.push_back('0');
  return out;
}

std::string EvalStringFn(DerivedFn fn, std::string_view value, int n) {
  switch (fn) {
    case DerivedFn::kColumn:
      return std::string(value);
    case DerivedFn::kPinyin:
    case DerivedFn::kPinyinFuzzy:
    case DerivedFn::kSurnamePinyin:
    case DerivedFn::kGivenPinyin:
      return PinyinKey(fn, value);
    case DerivedFn::kPrefix:
      return std::string(CodePointSlice(value, n, /*from_end=*/false));
    case DerivedFn::kSuffix:
      return std::string(CodePointSlice(value, n, /*from_end=*/true));
    case DerivedFn::kIdBirth:
      return IdBirth(value);
    case DerivedFn::kSoundex:
      return Soundex(value);
    case DerivedFn::kYear:
    case DerivedFn::kMonth:
    case DerivedFn::kDayMonth:
      break;
  }
  return {};
}

Result<int> AddDerivedColumn(RecordSet& rs, std::string_view expr_text) {
  VL_ASSIGN_OR_RETURN(KeyExpr e, ParseKeyExpr(expr_text));
  return AddDerivedColumn(rs, e);
}

Result<int> AddDerivedColumn(RecordSet& rs, const KeyExpr& expr) {
  Table& table = rs.mutable_table();
  const std::string name = expr.ToString();
  if (const int existing = table.FindColumn(name); existing >= 0) return existing;
  if (expr.fn == DerivedFn::kColumn) {
    return ExprError(expr, "no column '" + expr.column + "' among the linked columns");
  }
  VL_CHECK(expr.arg != nullptr);
  VL_ASSIGN_OR_RETURN(const int arg_idx, AddDerivedColumn(rs, *expr.arg));
  const FieldType arg_type = table.column(arg_idx).type();
  const int64_t rows = table.num_rows();

  if (IsDateFn(expr.fn)) {
    if (arg_type != FieldType::kDate) {
      return ExprError(expr, std::string(DerivedFnName(expr.fn)) + "() needs a date, but '" +
                                 expr.arg->ToString() + "' is " + std::string(FieldTypeName(arg_type)));
    }
    Column& out = table.AddColumn(name, FieldType::kInteger);
    const std::vector<int32_t>& dates = table.column(arg_idx).dates();
    std::vector<int64_t>& values = out.mutable_ints();
    values.resize(static_cast<size_t>(rows));
    for (int64_t row_idx = 0; row_idx < rows; ++row_idx) {
      const int32_t d = dates[static_cast<size_t>(row_idx)];
      int64_t v = kNullInt;
      if (d != kNullDate) {
        const CivilDate c = CivilFromDays(d);
        switch (expr.fn) {
          case DerivedFn::kYear: v = c.year; break;
          case DerivedFn::kMonth: v = int64_t{c.year} * 100 + c.month; break;
          default: v = int64_t{c.month} * 100 + c.day; break;
        }
      }
      values[static_cast<size_t>(row_idx)] = v;
    }
    return table.FindColumn(name);
  }

  if (arg_type != FieldType::kText && arg_type != FieldType::kCode) {
    return ExprError(expr, std::string(DerivedFnName(expr.fn)) + "() needs text, but '" +
                               expr.arg->ToString() + "' is " + std::string(FieldTypeName(arg_type)));
  }
  FieldType out_type = FieldType::kText;
  switch (expr.fn) {
    case DerivedFn::kPrefix:
    case DerivedFn::kSuffix: out_type = arg_type; break;
    case DerivedFn::kIdBirth:
    case DerivedFn::kSoundex: out_type = FieldType::kCode; break;
    default: break;
  }
  StringPool& pool = table.pool();
  // Every id the argument column holds is below the pool's current size;
  // results interned below only add ids above it.
  constexpr uint32_t kUnset = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> cache(pool.size(), kUnset);
  cache[StringPool::kNull] = StringPool::kNull;
  std::vector<uint32_t> values(static_cast<size_t>(rows));
  {
    const std::vector<uint32_t>& src = table.column(arg_idx).strings();
    for (int64_t row_idx = 0; row_idx < rows; ++row_idx) {
      const uint32_t id = src[static_cast<size_t>(row_idx)];
      uint32_t& slot = cache[id];
      if (slot == kUnset) {
        const std::string v = EvalStringFn(expr.fn, pool.Get(id), expr.n);
        slot = v.empty() ? StringPool::kNull : pool.Intern(v);
      }
      values[static_cast<size_t>(row_idx)] = slot;
    }
  }
  Column& out = table.AddColumn(name, out_type);
  out.mutable_strings() = std::move(values);
  return table.FindColumn(name);
}

}  // namespace vitalink::link
