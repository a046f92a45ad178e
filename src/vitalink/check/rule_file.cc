#include "vitalink/check/rule_file.h"

#include <algorithm>
#include <array>

#include <toml++/toml.h>

#include "vitalink/check/parser.h"
#include "vitalink/common/file_io.h"
#include "vitalink/common/utf8.h"

namespace vitalink::check {
namespace {

constexpr std::array<std::string_view, 7> kRuleKeys = {"id",       "label_zh",  "label_en", "severity",
                                                       "tolerance", "kind",     "expr"};
constexpr std::array<std::string_view, 3> kTopKeys = {"rule", "role", "description"};

std::string Pos(std::string_view path, int line, int column) {
  return std::string(path) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Pos(std::string_view path, const toml::node& node) {
  const auto& b = node.source().begin;
  return Pos(path, static_cast<int>(b.line), static_cast<int>(b.column));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Walks a TOML string literal in the raw file text, starting at its opening
// quote, and records the file position of every byte of the decoded value.
// Returns an empty vector when the decoding disagrees with toml++'s (then the
// caller falls back to the literal's start for every byte).
std::vector<TextPosition> MapStringLiteral(std::string_view raw, int line, int column,
                                           std::string_view expected) {
  // Locate the literal: line `line`, code-point column `column`.
  size_t pos = 0;
  for (int l = 1; l < line; ++l) {
    const size_t nl = raw.find('\n', pos);
    if (nl == std::string_view::npos) return {};
    pos = nl + 1;
  }
  char32_t cp = 0;
  for (int c = 1; c < column; ++c) {
    if (!NextCodePoint(raw, pos, cp)) return {};
  }
  TextPosition at{line, column};
  std::vector<TextPosition> out;
  std::string decoded;
  auto advance = [&]() {  // step one code point, tracking line and column
    if (pos >= raw.size()) return false;
    if (raw[pos] == '\n') {
      ++at.line;
      at.column = 1;
      ++pos;
      return true;
    }
    NextCodePoint(raw, pos, cp);
    ++at.column;
    return true;
  };
  auto emit_code_point = [&]() {  // copy one code point of raw text to the value
    const size_t begin = pos;
    const TextPosition where = at;
    if (!advance()) return false;
    for (size_t i = begin; i < pos; ++i) {
      decoded += raw[i];
      out.push_back(where);
    }
    return true;
  };
  const auto starts = [&](std::string_view s) { return raw.substr(pos, s.size()) == s; };
  const auto skip_first_newline = [&]() {
    if (starts("\r\n")) {
      ++pos;
    }
    if (starts("\n")) advance();
  };
  if (starts("'''")) {
    for (int i = 0; i < 3; ++i) advance();
    skip_first_newline();
    while (pos < raw.size() && !(starts("'''") && !raw.substr(pos + 3).starts_with("'"))) {
      if (!emit_code_point()) return {};
    }
  } else if (starts("'")) {
    advance();
    while (pos < raw.size() && raw[pos] != '\'') {
      if (!emit_code_point()) return {};
    }
  } else if (starts("\"")) {
    const bool multi = starts("\"\"\"");
    for (int i = 0; i < (multi ? 3 : 1); ++i) advance();
    if (multi) skip_first_newline();
    while (pos < raw.size()) {
      if (multi ? (starts("\"\"\"") && !raw.substr(pos + 3).starts_with("\"")) : raw[pos] == '"') break;
      if (raw[pos] != '\\') {
        if (!emit_code_point()) return {};
        continue;
      }
      const TextPosition where = at;
      advance();
      if (pos >= raw.size()) return {};
      const char e = raw[pos];
      if (multi && (e == ' ' || e == '\t' || e == '\r' || e == '\n')) {
        while (pos < raw.size() && (raw[pos] == ' ' || raw[pos] == '\t' || raw[pos] == '\r' || raw[pos] == '\n')) {
          advance();
        }
        continue;
      }
      advance();
      std::string bytes;
      switch (e) {
        case 'b': bytes = "\b"; break;
        case 't': bytes = "\t"; break;
        case 'n': bytes = "\n"; break;
        case 'f': bytes = "\f"; break;
        case 'r': bytes = "\r"; break;
        case 'e': bytes = "\x1b"; break;
        case '"': bytes = "\""; break;
        case '\\': bytes = "\\"; break;
        case 'u':
        case 'U': {
          const int digits = e == 'u' ? 4 : 8;
          uint32_t value = 0;
          for (int i = 0; i < digits; ++i) {
            if (pos >= raw.size() || HexValue(raw[pos]) < 0) return {};
            value = value * 16 + static_cast<uint32_t>(HexValue(raw[pos]));
            advance();
          }
          AppendUtf8(static_cast<char32_t>(value), bytes);
          break;
        }
        default: return {};
      }
      for (char b : bytes) {
        decoded += b;
        out.push_back(where);
      }
    }
  } else {
    return {};
  }
  if (decoded != expected) return {};
  out.push_back(at);  // the closing quote: the end-of-expression position
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

bool IsPresenceTest(const Expr& e) {
  if (e.kind == ExprKind::kCall && e.text == "is_present" && e.args.size() == 1) return true;
  if (e.kind == ExprKind::kUnary && e.op == Op::kNot && e.args[0]->kind == ExprKind::kCall &&
      e.args[0]->text == "is_missing") {
    return true;
  }
  if (e.kind == ExprKind::kBinary && e.op == Op::kAnd) {
    return IsPresenceTest(*e.args[0]) && IsPresenceTest(*e.args[1]);
  }
  return false;
}

}  // namespace

std::string_view SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }
std::string_view RuleKindName(RuleKind k) { return k == RuleKind::kWrong ? "wrong" : "missing"; }

std::string SuggestName(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  for (std::string_view c : candidates) {
    const size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

RuleKind InferRuleKind(const Expr& e) {
  if (IsPresenceTest(e)) return RuleKind::kMissing;
  if (e.kind == ExprKind::kIf && IsPresenceTest(*e.args[1])) return RuleKind::kMissing;
  return RuleKind::kWrong;
}

std::string Rule::Where(int32_t offset) const {
  if (!expr_positions.empty()) {
    const size_t i = std::min(expr_positions.size() - 1, static_cast<size_t>(std::max(0, offset)));
    return Pos(file, expr_positions[i].line, expr_positions[i].column);
  }
  const TextPosition p = PositionOf(expr_text, offset);
  return Pos(file.empty() ? "<expr>" : file, p.line, p.column);
}

Status RuleSet::Append(RuleSet other) {
  for (Rule& r : other.rules) {
    for (const Rule& mine : rules) {
      if (mine.id == r.id) {
        return Status::InvalidArgument(Pos(r.file, r.line, 1) + ": duplicate rule id '" + r.id +
                                       "' (first defined at " + Pos(mine.file, mine.line, 1) + ")");
      }
    }
    rules.push_back(std::move(r));
  }
  return Status::OK();
}

Result<RuleSet> ParseRuleFile(std::string_view text, std::string_view path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::ParseError(Pos(path, static_cast<int>(e.source().begin.line),
                                  static_cast<int>(e.source().begin.column)) +
                              ": " + std::string(e.description()));
  }
  std::vector<std::string_view> top_keys(kTopKeys.begin(), kTopKeys.end());
  std::vector<std::string_view> rule_keys(kRuleKeys.begin(), kRuleKeys.end());
  for (const auto& [key, node] : root) {
    if (std::find(top_keys.begin(), top_keys.end(), key.str()) == top_keys.end()) {
      std::string hint = SuggestName(key.str(), top_keys);
      return Status::ParseError(Pos(path, node) + ": unknown key '" + std::string(key.str()) + "'" +
                                (hint.empty() ? ", rules go in [[rule]] tables" : ", did you mean '" + hint + "'?"));
    }
    if (key.str() != "rule" && !node.is_string()) {
      return Status::ParseError(Pos(path, node) + ": '" + std::string(key.str()) + "' must be a string");
    }
  }
  RuleSet set;
  const toml::node* rules_node = root.get("rule");
  if (rules_node == nullptr) return set;
  const toml::array* arr = rules_node->as_array();
  if (arr == nullptr) {
    return Status::ParseError(Pos(path, *rules_node) + ": 'rule' must be an array of tables, write [[rule]]");
  }
  for (const toml::node& item : *arr) {
    const toml::table* t = item.as_table();
    if (t == nullptr) return Status::ParseError(Pos(path, item) + ": each rule must be a table, write [[rule]]");
    Rule rule;
    rule.file = std::string(path);
    rule.line = static_cast<int>(t->source().begin.line);
    for (const auto& [key, node] : *t) {
      if (std::find(rule_keys.begin(), rule_keys.end(), key.str()) == rule_keys.end()) {
        std::string hint = SuggestName(key.str(), rule_keys);
        return Status::ParseError(Pos(path, node) + ": unknown rule key '" + std::string(key.str()) + "'" +
                                  (hint.empty() ? " (known: id, label_zh, label_en, severity, tolerance, kind, expr)"
                                                : ", did you mean '" + hint + "'?"));
      }
    }
    auto get_string = [&](std::string_view key, bool required, std::string* out) -> Status {
      const toml::node* n = t->get(key);
      if (n == nullptr) {
        if (!required) return Status::OK();
        return Status::ParseError(Pos(path, rule.line, 1) + ": rule" +
                                  (rule.id.empty() ? "" : " '" + rule.id + "'") + " has no '" +
                                  std::string(key) + "'");
      }
      const auto* s = n->as_string();
      if (s == nullptr) {
        return Status::ParseError(Pos(path, *n) + ": '" + std::string(key) + "' must be a string");
      }
      *out = s->get();
      return Status::OK();
    };
    VL_RETURN_IF_ERROR(get_string("id", true, &rule.id));
    if (!ValidId(rule.id)) {
      return Status::ParseError(Pos(path, *t->get("id")) + ": bad rule id '" + rule.id +
                                "', use letters, digits, '_', '-' or '.'");
    }
    VL_RETURN_IF_ERROR(get_string("label_zh", true, &rule.label_zh));
    VL_RETURN_IF_ERROR(get_string("label_en", true, &rule.label_en));
    std::string severity;
    VL_RETURN_IF_ERROR(get_string("severity", true, &severity));
    if (severity == "error") {
      rule.severity = Severity::kError;
    } else if (severity == "warning") {
      rule.severity = Severity::kWarning;
    } else {
      return Status::ParseError(Pos(path, *t->get("severity")) + ": severity must be \"error\" or \"warning\", got \"" +
                                severity + "\"");
    }
    if (const toml::node* tol = t->get("tolerance")) {
      std::optional<double> v = tol->value<double>();
      if (!v.has_value() || !(*v >= 0.0 && *v <= 1.0)) {
        return Status::ParseError(Pos(path, *tol) + ": tolerance must be a number between 0 and 1 (0.99 = 99% must pass)");
      }
      rule.tolerance = *v;
    }
    VL_RETURN_IF_ERROR(get_string("expr", true, &rule.expr_text));
    const toml::node* expr_node = t->get("expr");
    rule.expr_positions = MapStringLiteral(text, static_cast<int>(expr_node->source().begin.line),
                                           static_cast<int>(expr_node->source().begin.column), rule.expr_text);
    if (rule.expr_positions.empty()) {
      rule.expr_positions.assign(rule.expr_text.size() + 1,
                                 TextPosition{static_cast<int>(expr_node->source().begin.line),
                                              static_cast<int>(expr_node->source().begin.column)});
    }
    ExprError error;
    auto parsed = ParseExpression(rule.expr_text, &error);
    if (!parsed.ok()) {
      return Status::ParseError(rule.Where(error.offset) + ": rule '" + rule.id + "': " + error.Text());
    }
    rule.expr = std::shared_ptr<const Expr>(std::move(parsed).value());
    rule.kind = InferRuleKind(*rule.expr);
    std::string kind;
    VL_RETURN_IF_ERROR(get_string("kind", false, &kind));
    if (kind == "wrong") {
      rule.kind = RuleKind::kWrong;
    } else if (kind == "missing") {
      rule.kind = RuleKind::kMissing;
    } else if (!kind.empty()) {
      return Status::ParseError(Pos(path, *t->get("kind")) + ": kind must be \"wrong\" (错项) or \"missing\" (漏项)");
    }
    RuleSet one;
    one.rules.push_back(std::move(rule));
    VL_RETURN_IF_ERROR(set.Append(std::move(one)));
  }
  return set;
}

Result<RuleSet> LoadRuleFile(const std::string& path) {
  VL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseRuleFile(text, path);
}

Result<RuleSet> LoadRuleFiles(const std::vector<std::string>& paths) {
  RuleSet all;
  for (const std::string& p : paths) {
    VL_ASSIGN_OR_RETURN(RuleSet one, LoadRuleFile(p));
    VL_RETURN_IF_ERROR(all.Append(std::move(one)));
  }
  return all;
}

Result<Rule> MakeRule(std::string id, std::string_view expr, Severity severity, double tolerance) {
  Rule rule;
  rule.id = std::move(id);
  rule.label_en = rule.label_zh = rule.id;
  rule.severity = severity;
  rule.tolerance = tolerance;
  rule.expr_text = std::string(expr);
  VL_ASSIGN_OR_RETURN(ExprPtr parsed, ParseExpression(expr));
  rule.expr = std::shared_ptr<const Expr>(std::move(parsed));
  rule.kind = InferRuleKind(*rule.expr);
  return rule;
}

}  // namespace vitalink::check
