// Binder: typed, shared expression DAG from parsed rules (see program.h).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <set>
#include <unordered_map>

#include "vitalink/check/program.h"
#include "vitalink/check/program_internal.h"
#include "vitalink/common/date.h"

namespace vitalink::check {

struct FunctionInfo {
  std::string_view name;
  int min_args;
  int max_args;
  std::string_view signature;
};

namespace {

constexpr std::array<FunctionInfo, 22> kFunctions = {{
    {"is_missing", 1, 1, "is_missing(field)"},
    {"is_present", 1, 1, "is_present(field)"},
    {"matches", 2, 2, "matches(text, 'regex')"},
    {"starts_with", 2, 2, "starts_with(text, prefix)"},
    {"length", 1, 1, "length(text)"},
    {"area_exists", 1, 1, "area_exists(code)"},
    {"year", 1, 1, "year(date)"},
    {"month", 1, 1, "month(date)"},
    {"day", 1, 1, "day(date)"},
    {"age_at", 2, 2, "age_at(birth_date, date)"},
    {"days_between", 2, 2, "days_between(from_date, to_date)"},
    {"today", 0, 0, "today()"},
    {"date", 1, 1, "date('2011-01-13')"},
    {"id_valid", 1, 1, "id_valid(id_number)"},
    {"id_birth_date", 1, 1, "id_birth_date(id_number)"},
    {"id_sex", 1, 1, "id_sex(id_number)"},
    {"id_area", 1, 1, "id_area(id_number)"},
    {"is_unique", 1, 1, "is_unique(field)"},
    {"lookup", 4, 4, "lookup('source', 'key_field', key, 'field')"},
    {"param", 1, 1, "param('name')"},
    {"area_in", 2, 2, "area_in(code, prefix)"},
    {"abs", 1, 1, "abs(number)"},
}};

const FunctionInfo* FindFunction(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

ValueType TypeOfColumn(FieldType t) {
  switch (t) {
    case FieldType::kInteger: return ValueType::kInteger;
    case FieldType::kDate: return ValueType::kDate;
    case FieldType::kText:
    case FieldType::kCode: return ValueType::kString;
  }
  return ValueType::kString;
}

bool IsNumeric(ValueType t) { return t == ValueType::kInteger || t == ValueType::kFloat; }

std::string SidePrefix(uint8_t side) { return side == 1 ? "l." : side == 2 ? "r." : ""; }

int32_t TodayInChina() {
  using namespace std::chrono;
  const auto now = system_clock::now() + hours(8);
  return static_cast<int32_t>(floor<days>(now).time_since_epoch().count());
}

}  // namespace

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kBool: return "condition";
    case ValueType::kInteger: return "integer";
    case ValueType::kFloat: return "number";
    case ValueType::kDate: return "date";
    case ValueType::kString: return "text";
    case ValueType::kIdInfo: return "parsed id";
    case ValueType::kRow: return "row";
  }
  return "?";
}

std::string_view NodeOpName(NodeOp op) {
  switch (op) {
    case NodeOp::kConst: return "const";
    case NodeOp::kColumn: return "column";
    case NodeOp::kNot: return "not";
    case NodeOp::kAnd: return "and";
    case NodeOp::kOr: return "or";
    case NodeOp::kImplies: return "if";
    case NodeOp::kEq: return "==";
    case NodeOp::kNe: return "!=";
    case NodeOp::kLt: return "<";
    case NodeOp::kLe: return "<=";
    case NodeOp::kGt: return ">";
    case NodeOp::kGe: return ">=";
    case NodeOp::kNeg: return "neg";
    case NodeOp::kAdd: return "+";
    case NodeOp::kSub: return "-";
    case NodeOp::kMul: return "*";
    case NodeOp::kDiv: return "/";
    case NodeOp::kToFloat: return "to_float";
    case NodeOp::kIsMissing: return "is_missing";
    case NodeOp::kIsPresent: return "is_present";
    case NodeOp::kInList: return "in";
    case NodeOp::kMatches: return "matches";
    case NodeOp::kStartsWith: return "starts_with";
    case NodeOp::kLength: return "length";
    case NodeOp::kAreaExists: return "area_exists";
    case NodeOp::kYear: return "year";
    case NodeOp::kMonth: return "month";
    case NodeOp::kDay: return "day";
    case NodeOp::kAgeAt: return "age_at";
    case NodeOp::kDaysBetween: return "days_between";
    case NodeOp::kIdParse: return "id_parse";
    case NodeOp::kIdValid: return "id_valid";
    case NodeOp::kIdBirthDate: return "id_birth_date";
    case NodeOp::kIdSex: return "id_sex";
    case NodeOp::kIdArea: return "id_area";
    case NodeOp::kIsUnique: return "is_unique";
    case NodeOp::kLookupRow: return "lookup_row";
    case NodeOp::kLookupField: return "lookup_field";
    case NodeOp::kAbs: return "abs";
  }
  return "?";
}

std::string_view RuleFormName(RuleForm f) {
  switch (f) {
    case RuleForm::kLinear: return "linear";
    case RuleForm::kCategorical: return "categorical";
    case RuleForm::kConditional: return "conditional";
    case RuleForm::kOther: return "other";
  }
  return "?";
}

CompiledRules::CompiledRules() : internals_(std::make_unique<Internals>()) {}
CompiledRules::CompiledRules(CompiledRules&&) noexcept = default;
CompiledRules& CompiledRules::operator=(CompiledRules&&) noexcept = default;
CompiledRules::~CompiledRules() = default;

std::string CompiledRules::NodeToString(int32_t idx) const {
  const Node& n = nodes_[static_cast<size_t>(idx)];
  switch (n.op) {
    case NodeOp::kConst:
      if (n.is_null) return "null";
      switch (n.type) {
        case ValueType::kBool: return n.bool_value ? "true" : "false";
        case ValueType::kInteger: return std::to_string(n.int_value);
        case ValueType::kFloat: return std::to_string(n.float_value);
        case ValueType::kDate: return "date('" + FormatDate(n.date_value) + "')";
        default: return "'" + n.string_value + "'";
      }
    case NodeOp::kColumn: return SidePrefix(n.side) + n.table->column(n.column).name();
    case NodeOp::kIsUnique: return "(is_unique " + SidePrefix(n.side) + n.table->column(n.column).name() + ")";
    case NodeOp::kLookupField:
      return "(lookup " + NodeToString(n.children[0]) + " " + n.table->column(n.column).name() + ")";
    case NodeOp::kLookupRow: {
      const LookupIndex& li = internals_->lookups[static_cast<size_t>(n.aux)];
      return "(row " + li.table->column(li.key_column).name() + " " + NodeToString(n.children[0]) + ")";
    }
    default: break;
  }
  std::string out = "(" + std::string(NodeOpName(n.op));
  for (int32_t c : n.children) out += " " + NodeToString(c);
  if (n.op == NodeOp::kMatches) out += " '" + internals_->regexes[static_cast<size_t>(n.aux)]->pattern() + "'";
  if (n.op == NodeOp::kInList) out += " [list " + std::to_string(n.aux) + "]";
  return out + ")";
}

class Binder {
 public:
  Binder(CompiledRules& out, const Table& table, const BindOptions& options)
      : out_(out), table_(table), options_(options), in_(*out.internals_) {
    run_date_ = options.run_date == kNullDate ? TodayInChina() : options.run_date;
    in_.areas = options.areas;
  }

  Status BindAll(const RuleSet& rules) {
    for (const auto& [name, ref] : options_.references) {
      if (ref == nullptr) return Status::InvalidArgument("reference '" + name + "' is null");
      if (&ref->pool() != &table_.pool()) {
        return Status::FailedPrecondition("reference table '" + name +
                                          "' does not share the checked table's string pool");
      }
    }
    for (const Rule& rule : rules.rules) {
      VL_RETURN_IF_ERROR(BindRule(rule));
    }
    PlanEvaluation();
    if (options_.pair_fields) VL_RETURN_IF_ERROR(PlanPairFrame());
    return Status::OK();
  }

 private:
  Status BindRule(const Rule& rule) {
    BoundRule bound;
    bound.rule = rule;
    fields_.clear();
    foreign_.clear();
    skip_ = false;
    failed_ = false;
    if (rule.expr == nullptr) return Status::InvalidArgument("rule '" + rule.id + "' has no parsed expression");
    int32_t root = Bind(*rule.expr);
    if (root >= 0 && Type(root) != ValueType::kBool) {
      root = Fail(*rule.expr, "a rule must be a condition (true or false), this is " +
                                  std::string(ValueTypeName(Type(root))),
                  "compare it: e.g. '" + rule.expr_text + " > 0'");
    }
    if (failed_) {
      return Status::InvalidArgument(rule.Where(error_.offset) + ": rule '" + rule.id + "': " + error_.Text());
    }
    if (skip_) {
      bound.skip_reason = skip_reason_;
    } else {
      bound.root = root;
      bound.form = Classify(root);
    }
    bound.fields.assign(fields_.begin(), fields_.end());
    bound.foreign_fields.assign(foreign_.begin(), foreign_.end());
    out_.rules_.push_back(std::move(bound));
    return Status::OK();
  }

  ValueType Type(int32_t idx) const { return out_.nodes_[static_cast<size_t>(idx)].type; }
  const Node& At(int32_t idx) const { return out_.nodes_[static_cast<size_t>(idx)]; }

  int32_t Fail(const Expr& at, std::string message, std::string hint = "") {
    return FailAt(at.span.offset, std::move(message), std::move(hint));
  }
  int32_t FailAt(int32_t offset, std::string message, std::string hint = "") {
    if (!failed_ && !skip_) {
      failed_ = true;
      error_ = {offset, std::move(message), std::move(hint)};
    }
    return -1;
  }

  // Hash-consing: equal nodes are shared across all rules.
  int32_t Add(Node n) {
    std::string key = std::to_string(static_cast<int>(n.op)) + "|" + std::to_string(static_cast<int>(n.type)) +
                      "|" + std::to_string(n.column) + "|" +
                      std::to_string(reinterpret_cast<uintptr_t>(n.table)) + "|" + std::to_string(n.aux) + "|" +
                      std::to_string(n.side) + "|";
    for (int32_t c : n.children) key += std::to_string(c) + ",";
    if (n.op == NodeOp::kConst) {
      key += n.is_null ? "null" : "";
      key += "|" + std::to_string(n.bool_value) + "|" + std::to_string(n.int_value) + "|" +
             std::to_string(n.date_value) + "|" + n.string_value + "|";
      key.append(reinterpret_cast<const char*>(&n.float_value), sizeof(double));
    }
    auto it = cse_.find(key);
    if (it != cse_.end()) return it->second;
    const auto idx = static_cast<int32_t>(out_.nodes_.size());
    out_.nodes_.push_back(std::move(n));
    cse_.emplace(std::move(key), idx);
    return idx;
  }

  int32_t Const(ValueType type) {
    Node n;
    n.op = NodeOp::kConst;
    n.type = type;
    return Add(std::move(n));
  }
  int32_t ConstInt(int64_t v) {
    Node n;
    n.op = NodeOp::kConst;
    n.type = ValueType::kInteger;
    n.int_value = v;
    return Add(std::move(n));
  }
  int32_t ConstString(std::string s, bool is_null = false) {
    Node n;
    n.op = NodeOp::kConst;
    n.type = ValueType::kString;
    n.string_value = std::move(s);
    n.is_null = is_null;
    return Add(std::move(n));
  }
  int32_t ConstDate(int32_t d) {
    Node n;
    n.op = NodeOp::kConst;
    n.type = ValueType::kDate;
    n.date_value = d;
    return Add(std::move(n));
  }

  int32_t Op(NodeOp op, ValueType type, std::vector<int32_t> children) {
    Node n;
    n.op = op;
    n.type = type;
    n.children = std::move(children);
    return Add(std::move(n));
  }

  int32_t ToFloat(int32_t idx) {
    if (Type(idx) != ValueType::kInteger) return idx;
    const Node& c = At(idx);
    if (c.op == NodeOp::kConst) {
      Node n;
      n.op = NodeOp::kConst;
      n.type = ValueType::kFloat;
      n.float_value = static_cast<double>(c.int_value);
      return Add(std::move(n));
    }
    return Op(NodeOp::kToFloat, ValueType::kFloat, {idx});
  }

  // Attach a per-pool-id cache when the predicate reads a text column directly.
  void Memoize(int32_t idx) {
    Node& n = out_.nodes_[static_cast<size_t>(idx)];
    if (n.memo >= 0) return;
    const Node& arg = At(n.children[0]);
    if (arg.op != NodeOp::kColumn || arg.type != ValueType::kString) return;
    n.direct_column = arg.column;
    Memo m;
    m.size = table_.pool().size();
    m.cells = std::make_unique<std::atomic<uint8_t>[]>(m.size);
    n.memo = static_cast<int32_t>(in_.memos.size());
    in_.memos.push_back(std::move(m));
  }

  std::vector<std::string_view> FieldCandidates() const {
    std::vector<std::string_view> c;
    for (int i = 0; i < table_.num_columns(); ++i) c.push_back(table_.column(i).name());
    for (const std::string& f : options_.optional_fields) c.push_back(f);
    return c;
  }

  int32_t BindField(const Expr& e) {
    uint8_t side = 0;
    if (options_.pair_fields) {
      if (e.qualifier.empty()) {
        return Fail(e, "say which record '" + e.text + "' is from",
                    "write l." + e.text + " (left record) or r." + e.text + " (right record)");
      }
      if (e.qualifier != "l" && e.qualifier != "r") {
        return Fail(e, "unknown record '" + e.qualifier + "'", "write l." + e.text + " or r." + e.text);
      }
      side = e.qualifier == "l" ? 1 : 2;
    } else if (!e.qualifier.empty()) {
      return Fail(e, "'" + e.qualifier + "." + e.text + "': qualified fields are for link comparisons",
                  "a rule reads one record: write " + e.text);
    }
    const int col = table_.FindColumn(e.text);
    if (col < 0) {
      const bool optional = std::find(options_.optional_fields.begin(), options_.optional_fields.end(), e.text) !=
                            options_.optional_fields.end();
      if (optional) {
        if (!skip_ && !failed_) {
          skip_ = true;
          skip_reason_ = "source '" + options_.source_name + "' has no field '" + e.text + "'";
        }
        return -1;
      }
      std::string hint;
      if (FindFunction(e.text) != nullptr) {
        hint = "'" + e.text + "' is a function: write " + std::string(FindFunction(e.text)->signature);
      } else if (std::string s = SuggestName(e.text, FieldCandidates()); !s.empty()) {
        hint = "did you mean '" + s + "'?";
      } else if (e.text == "null" || e.text == "NA" || e.text == "None") {
        hint = "test missing values with is_missing(field)";
      }
      return Fail(e, "unknown field '" + e.text + "'", hint);
    }
    fields_.insert(e.text);
    Node n;
    n.op = NodeOp::kColumn;
    n.type = TypeOfColumn(table_.column(col).type());
    n.column = col;
    n.side = side;
    n.table = &table_;
    return Add(std::move(n));
  }

  static std::string LiteralHint(const Expr& e, ValueType want) {
    if (e.kind == ExprKind::kString && want == ValueType::kDate) return "write date('" + e.text + "') for a date";
    if (e.kind == ExprKind::kNumber && want == ValueType::kString) return "codes are text: write '" + e.text + "'";
    if (e.kind == ExprKind::kString && IsNumeric(want)) return "numbers take no quotes: write " + e.text;
    return "";
  }

  int32_t BindComparison(const Expr& e, NodeOp op) {
    int32_t a = Bind(*e.args[0]);
    if (a < 0) return -1;
    int32_t b = Bind(*e.args[1]);
    if (b < 0) return -1;
    ValueType ta = Type(a);
    ValueType tb = Type(b);
    if (IsNumeric(ta) && IsNumeric(tb) && ta != tb) {
      a = ToFloat(a);
      b = ToFloat(b);
      ta = tb = ValueType::kFloat;
    }
    if (ta != tb || ta == ValueType::kIdInfo || ta == ValueType::kRow) {
      std::string hint = LiteralHint(*e.args[1], ta);
      if (hint.empty()) hint = LiteralHint(*e.args[0], tb);
      return FailAt(e.name_span.offset,
                    "cannot compare " + std::string(ValueTypeName(ta)) + " with " + std::string(ValueTypeName(tb)),
                    hint);
    }
    if (ta == ValueType::kBool && op != NodeOp::kEq && op != NodeOp::kNe) {
      return FailAt(e.name_span.offset, "conditions can only be compared with == or !=");
    }
    return Op(op, ValueType::kBool, {a, b});
  }

  int32_t BindArithmetic(const Expr& e) {
    int32_t a = Bind(*e.args[0]);
    if (a < 0) return -1;
    int32_t b = Bind(*e.args[1]);
    if (b < 0) return -1;
    const ValueType ta = Type(a);
    const ValueType tb = Type(b);
    const std::string what = "cannot apply '" + std::string(OpName(e.op)) + "' to " +
                             std::string(ValueTypeName(ta)) + " and " + std::string(ValueTypeName(tb));
    switch (e.op) {
      case Op::kAdd:
      case Op::kSub:
        if (ta == ValueType::kDate && tb == ValueType::kInteger) {
          return Op(e.op == Op::kAdd ? NodeOp::kAdd : NodeOp::kSub, ValueType::kDate, {a, b});
        }
        if (e.op == Op::kAdd && ta == ValueType::kInteger && tb == ValueType::kDate) {
          return Op(NodeOp::kAdd, ValueType::kDate, {b, a});
        }
        if (e.op == Op::kSub && ta == ValueType::kDate && tb == ValueType::kDate) {
          return Op(NodeOp::kSub, ValueType::kInteger, {a, b});
        }
        [[fallthrough]];
      case Op::kMul: {
        if (!IsNumeric(ta) || !IsNumeric(tb)) {
          return FailAt(e.name_span.offset, what,
                        ta == ValueType::kDate || tb == ValueType::kDate
                            ? "use days_between(a, b) or add whole days to a date"
                            : "");
        }
        const NodeOp op = e.op == Op::kAdd ? NodeOp::kAdd : e.op == Op::kSub ? NodeOp::kSub : NodeOp::kMul;
        if (ta == ValueType::kInteger && tb == ValueType::kInteger) return Op(op, ValueType::kInteger, {a, b});
        return Op(op, ValueType::kFloat, {ToFloat(a), ToFloat(b)});
      }
      case Op::kDiv:
        if (!IsNumeric(ta) || !IsNumeric(tb)) return FailAt(e.name_span.offset, what);
        return Op(NodeOp::kDiv, ValueType::kFloat, {ToFloat(a), ToFloat(b)});
      default: return FailAt(e.name_span.offset, what);
    }
  }

  int32_t BindIn(const Expr& e) {
    const int32_t x = Bind(*e.args[0]);
    if (x < 0) return -1;
    const ValueType t = Type(x);
    if (t != ValueType::kString && t != ValueType::kInteger) {
      return FailAt(e.name_span.offset, "'in' needs text or integer values, got " + std::string(ValueTypeName(t)));
    }
    Node n;
    n.op = NodeOp::kInList;
    n.type = ValueType::kBool;
    n.children = {x};
    StringSet strings;
    std::vector<int64_t> ints;
    for (size_t i = 1; i < e.args.size(); ++i) {
      const Expr& item = *e.args[i];
      if (t == ValueType::kString) {
        if (item.kind != ExprKind::kString) {
          return Fail(item, "list items must be quoted text like the field", LiteralHint(item, t));
        }
        strings.insert(item.text);
      } else {
        const bool negative = item.kind == ExprKind::kUnary && item.op == Op::kNeg &&
                              item.args[0]->kind == ExprKind::kNumber && item.args[0]->is_integer;
        if (!(item.kind == ExprKind::kNumber && item.is_integer) && !negative) {
          return Fail(item, "list items must be integer literals like the field", LiteralHint(item, t));
        }
        ints.push_back(negative ? -item.args[0]->int_value : item.int_value);
      }
    }
    std::string canon;  // list identity for sharing equal lists
    if (t == ValueType::kString) {
      std::vector<std::string> sorted(strings.begin(), strings.end());
      std::sort(sorted.begin(), sorted.end());
      for (const std::string& s : sorted) canon += s + '\x1f';
      auto it = string_list_ids_.find(canon);
      if (it == string_list_ids_.end()) {
        it = string_list_ids_.emplace(canon, static_cast<int32_t>(in_.string_lists.size())).first;
        in_.string_lists.push_back(std::move(strings));
      }
      n.aux = it->second;
    } else {
      std::sort(ints.begin(), ints.end());
      ints.erase(std::unique(ints.begin(), ints.end()), ints.end());
      for (int64_t v : ints) canon += std::to_string(v) + ",";
      auto it = int_list_ids_.find(canon);
      if (it == int_list_ids_.end()) {
        it = int_list_ids_.emplace(canon, static_cast<int32_t>(in_.int_lists.size())).first;
        in_.int_lists.push_back(std::move(ints));
      }
      n.aux = it->second;
    }
    int32_t idx = Add(std::move(n));
    if (t == ValueType::kString) Memoize(idx);
    if (e.negated) idx = Op(NodeOp::kNot, ValueType::kBool, {idx});
    return idx;
  }

  bool ExpectArg(const Expr& call, size_t i, int32_t idx, ValueType want) {
    if (idx < 0) return false;
    if (Type(idx) == want) return true;
    FailAt(call.args[i]->span.offset,
           call.text + "(): argument " + std::to_string(i + 1) + " must be " + std::string(ValueTypeName(want)) +
               ", got " + std::string(ValueTypeName(Type(idx))),
           LiteralHint(*call.args[i], want));
    return false;
  }

  const std::string* LiteralArg(const Expr& call, size_t i, std::string_view what) {
    const Expr& a = *call.args[i];
    if (a.kind != ExprKind::kString) {
      FailAt(a.span.offset, call.text + "(): " + std::string(what) + " must be a quoted literal",
             a.kind == ExprKind::kField ? "write '" + a.text + "'" : "");
      return nullptr;
    }
    return &a.text;
  }

  int32_t BindLookup(const Expr& e) {
    const std::string* source = LiteralArg(e, 0, "the source name");
    if (source == nullptr) return -1;
    const std::string* key_field = LiteralArg(e, 1, "the key field");
    if (key_field == nullptr) return -1;
    const std::string* field = LiteralArg(e, 3, "the returned field");
    if (field == nullptr) return -1;
    auto it = options_.references.find(*source);
    if (it == options_.references.end()) {
      std::vector<std::string_view> names;
      for (const auto& [name, t] : options_.references) names.push_back(name);
      std::string hint = SuggestName(*source, names);
      if (hint.empty() && names.empty()) return FailAt(e.args[0]->span.offset, "unknown source '" + *source + "'",
                                                       "no sources were given for lookups");
      return FailAt(e.args[0]->span.offset, "unknown source '" + *source + "'",
                    hint.empty() ? "" : "did you mean '" + hint + "'?");
    }
    const Table& ref = *it->second;
    auto field_hint = [&](const std::string& name) {
      std::vector<std::string_view> c;
      for (int i = 0; i < ref.num_columns(); ++i) c.push_back(ref.column(i).name());
      std::string s = SuggestName(name, c);
      return s.empty() ? std::string() : "did you mean '" + s + "'?";
    };
    const int key_col = ref.FindColumn(*key_field);
    if (key_col < 0) {
      return FailAt(e.args[1]->span.offset, "source '" + *source + "' has no field '" + *key_field + "'",
                    field_hint(*key_field));
    }
    if (!ref.column(key_col).is_string()) {
      return FailAt(e.args[1]->span.offset, "lookup keys must be text or code fields");
    }
    const int value_col = ref.FindColumn(*field);
    if (value_col < 0) {
      return FailAt(e.args[3]->span.offset, "source '" + *source + "' has no field '" + *field + "'",
                    field_hint(*field));
    }
    const int32_t key = Bind(*e.args[2]);
    if (!ExpectArg(e, 2, key, ValueType::kString)) return -1;
    foreign_.insert(*source + "." + *field);
    // One index per (source, key field), shared by every lookup through it.
    const std::string index_key = *source + '\x1f' + *key_field;
    auto idx_it = lookup_ids_.find(index_key);
    if (idx_it == lookup_ids_.end()) {
      LookupIndex li;
      li.table = &ref;
      li.key_column = key_col;
      li.row_of_id.assign(table_.pool().size(), 0);
      const std::vector<uint32_t>& ids = ref.column(key_col).strings();
      for (size_t row = 0; row < ids.size(); ++row) {
        const uint32_t id = ids[row];
        if (id == StringPool::kNull || id >= li.row_of_id.size()) continue;
        int32_t& slot = li.row_of_id[id];
        slot = slot == 0 ? static_cast<int32_t>(row + 1) : -1;
      }
      idx_it = lookup_ids_.emplace(index_key, static_cast<int32_t>(in_.lookups.size())).first;
      in_.lookups.push_back(std::move(li));
    }
    Node row;
    row.op = NodeOp::kLookupRow;
    row.type = ValueType::kRow;
    row.children = {key};
    row.aux = idx_it->second;
    const Node& key_node = At(key);
    if (key_node.op == NodeOp::kColumn) row.direct_column = key_node.column;
    const int32_t row_idx = Add(std::move(row));
    Node value;
    value.op = NodeOp::kLookupField;
    value.type = TypeOfColumn(ref.column(value_col).type());
    value.children = {row_idx};
    value.column = value_col;
    value.table = &ref;
    return Add(std::move(value));
  }

  int32_t BindIsUnique(const Expr& e) {
    const Expr& arg = *e.args[0];
    if (arg.kind != ExprKind::kField) {
      return Fail(arg, "is_unique() takes a field name", "write is_unique(id_number)");
    }
    const int32_t col_idx = BindField(arg);
    if (col_idx < 0) return -1;
    const int col = At(col_idx).column;
    const uint8_t side = At(col_idx).side;
    auto it = unique_ids_.find(col);
    if (it == unique_ids_.end()) {
      const Column& c = table_.column(col);
      std::vector<Outcome> flags(static_cast<size_t>(table_.num_rows()), Outcome::kMissing);
      if (c.is_string()) {
        std::vector<uint8_t> count(table_.pool().size(), 0);
        for (uint32_t id : c.strings()) {
          if (id != StringPool::kNull && id < count.size() && count[id] < 2) ++count[id];
        }
        for (size_t r = 0; r < flags.size(); ++r) {
          const uint32_t id = c.strings()[r];
          if (id != StringPool::kNull) flags[r] = count[id] > 1 ? Outcome::kFail : Outcome::kPass;
        }
      } else {
        std::unordered_map<int64_t, int> count;
        auto value = [&](size_t r) -> std::optional<int64_t> {
          if (c.type() == FieldType::kDate) {
            return c.dates()[r] == kNullDate ? std::nullopt : std::optional<int64_t>(c.dates()[r]);
          }
          return c.ints()[r] == kNullInt ? std::nullopt : std::optional<int64_t>(c.ints()[r]);
        };
        for (size_t r = 0; r < flags.size(); ++r) {
          if (auto v = value(r)) ++count[*v];
        }
        for (size_t r = 0; r < flags.size(); ++r) {
          if (auto v = value(r)) flags[r] = count[*v] > 1 ? Outcome::kFail : Outcome::kPass;
        }
      }
      it = unique_ids_.emplace(col, static_cast<int32_t>(in_.unique_flags.size())).first;
      in_.unique_flags.push_back(std::move(flags));
    }
    Node n;
    n.op = NodeOp::kIsUnique;
    n.type = ValueType::kBool;
    n.column = col;
    n.side = side;
    n.table = &table_;
    n.aux = it->second;
    return Add(std::move(n));
  }

  int32_t BindCall(const Expr& e) {
    const FunctionInfo* f = FindFunction(e.text);
    if (f == nullptr) {
      std::vector<std::string_view> names;
      for (const FunctionInfo& fi : kFunctions) names.push_back(fi.name);
      std::string s = SuggestName(e.text, names);
      return FailAt(e.name_span.offset, "unknown function '" + e.text + "'",
                    s.empty() ? "see docs/RULES.md for the functions" : "did you mean '" + s + "'?");
    }
    const int n = static_cast<int>(e.args.size());
    if (n < f->min_args || n > f->max_args) {
      return FailAt(e.name_span.offset,
                    e.text + "() takes " + std::to_string(f->min_args) + " argument" +
                        (f->min_args == 1 ? "" : "s") + ", got " + std::to_string(n),
                    "write " + std::string(f->signature));
    }
    const std::string_view name = f->name;
    if (name == "lookup") return BindLookup(e);
    if (name == "is_unique") return BindIsUnique(e);
    if (name == "today") return ConstDate(run_date_);
    if (name == "date") {
      const std::string* s = LiteralArg(e, 0, "the date");
      if (s == nullptr) return -1;
      std::optional<int32_t> d = ParseIsoDate(*s);
      if (!d.has_value()) {
        return Fail(*e.args[0], "'" + *s + "' is not a date", "write date('YYYY-MM-DD'), e.g. date('2011-01-13')");
      }
      return ConstDate(*d);
    }
    if (name == "param") {
      const std::string* s = LiteralArg(e, 0, "the parameter name");
      if (s == nullptr) return -1;
      auto it = options_.params.find(*s);
      return it == options_.params.end() ? ConstString("", /*is_null=*/true) : ConstString(it->second);
    }
    if (name == "matches") {
      const int32_t x = Bind(*e.args[0]);
      if (!ExpectArg(e, 0, x, ValueType::kString)) return -1;
      const std::string* pattern = LiteralArg(e, 1, "the pattern");
      if (pattern == nullptr) return -1;
      auto it = regex_ids_.find(*pattern);
      if (it == regex_ids_.end()) {
        RE2::Options ro;
        ro.set_log_errors(false);
        auto re = std::make_unique<RE2>(*pattern, ro);
        if (!re->ok()) {
          return Fail(*e.args[1], "bad regular expression: " + re->error(), "RE2 syntax, see docs/RULES.md");
        }
        it = regex_ids_.emplace(*pattern, static_cast<int32_t>(in_.regexes.size())).first;
        in_.regexes.push_back(std::move(re));
      }
      Node node;
      node.op = NodeOp::kMatches;
      node.type = ValueType::kBool;
      node.children = {x};
      node.aux = it->second;
      const int32_t idx = Add(std::move(node));
      Memoize(idx);
      return idx;
    }
    // The remaining functions take value arguments.
    std::vector<int32_t> args;
    for (const auto& a : e.args) {
      const int32_t idx = Bind(*a);
      if (idx < 0) return -1;
      args.push_back(idx);
    }
    if (name == "is_missing" || name == "is_present") {
      return Op(name == "is_missing" ? NodeOp::kIsMissing : NodeOp::kIsPresent, ValueType::kBool, args);
    }
    if (name == "starts_with" || name == "area_in") {
      if (!ExpectArg(e, 0, args[0], ValueType::kString) || !ExpectArg(e, 1, args[1], ValueType::kString)) return -1;
      const int32_t idx = Op(NodeOp::kStartsWith, ValueType::kBool, args);
      if (At(args[1]).op == NodeOp::kConst) Memoize(idx);
      return idx;
    }
    if (name == "abs") {
      if (!IsNumeric(Type(args[0]))) {
        return FailAt(e.args[0]->span.offset,
                      "abs(): argument 1 must be integer or number, got " + std::string(ValueTypeName(Type(args[0]))),
                      Type(args[0]) == ValueType::kDate ? "for dates write abs(days_between(a, b))" : "");
      }
      return Op(NodeOp::kAbs, Type(args[0]), args);
    }
    if (name == "length") {
      if (!ExpectArg(e, 0, args[0], ValueType::kString)) return -1;
      return Op(NodeOp::kLength, ValueType::kInteger, args);
    }
    if (name == "area_exists") {
      if (!ExpectArg(e, 0, args[0], ValueType::kString)) return -1;
      if (options_.areas == nullptr) {
        return FailAt(e.name_span.offset, "area_exists() needs the GB/T 2260 area table",
                      "pass BindOptions::areas (scripts/install-deps builds areas.tsv)");
      }
      const int32_t idx = Op(NodeOp::kAreaExists, ValueType::kBool, args);
      Memoize(idx);
      return idx;
    }
    if (name == "year" || name == "month" || name == "day") {
      if (!ExpectArg(e, 0, args[0], ValueType::kDate)) return -1;
      const NodeOp op = name == "year" ? NodeOp::kYear : name == "month" ? NodeOp::kMonth : NodeOp::kDay;
      return Op(op, ValueType::kInteger, args);
    }
    if (name == "age_at" || name == "days_between") {
      if (!ExpectArg(e, 0, args[0], ValueType::kDate) || !ExpectArg(e, 1, args[1], ValueType::kDate)) return -1;
      return Op(name == "age_at" ? NodeOp::kAgeAt : NodeOp::kDaysBetween, ValueType::kInteger, args);
    }
    // id_valid, id_birth_date, id_sex, id_area share one parse per value.
    if (!ExpectArg(e, 0, args[0], ValueType::kString)) return -1;
    const int32_t parsed = Op(NodeOp::kIdParse, ValueType::kIdInfo, {args[0]});
    if (name == "id_valid") return Op(NodeOp::kIdValid, ValueType::kBool, {parsed});
    if (name == "id_birth_date") return Op(NodeOp::kIdBirthDate, ValueType::kDate, {parsed});
    if (name == "id_sex") return Op(NodeOp::kIdSex, ValueType::kString, {parsed});
    return Op(NodeOp::kIdArea, ValueType::kString, {parsed, args[0]});
  }

  int32_t Bind(const Expr& e) {
    if (failed_ || skip_) return -1;
    switch (e.kind) {
      case ExprKind::kNumber: {
        if (e.is_integer) return ConstInt(e.int_value);
        Node n;
        n.op = NodeOp::kConst;
        n.type = ValueType::kFloat;
        n.float_value = e.float_value;
        return Add(std::move(n));
      }
      case ExprKind::kString: return ConstString(e.text);
      case ExprKind::kBool: {
        Node n;
        n.op = NodeOp::kConst;
        n.type = ValueType::kBool;
        n.bool_value = e.bool_value;
        return Add(std::move(n));
      }
      case ExprKind::kField: return BindField(e);
      case ExprKind::kUnary: {
        const int32_t a = Bind(*e.args[0]);
        if (a < 0) return -1;
        if (e.op == Op::kNot) {
          if (Type(a) != ValueType::kBool) {
            return FailAt(e.name_span.offset, "'not' needs a condition, got " + std::string(ValueTypeName(Type(a))));
          }
          return Op(NodeOp::kNot, ValueType::kBool, {a});
        }
        if (!IsNumeric(Type(a))) {
          return FailAt(e.name_span.offset, "cannot negate " + std::string(ValueTypeName(Type(a))));
        }
        return Op(NodeOp::kNeg, Type(a), {a});
      }
      case ExprKind::kBinary:
        switch (e.op) {
          case Op::kAnd:
          case Op::kOr: {
            const int32_t a = Bind(*e.args[0]);
            if (a < 0) return -1;
            const int32_t b = Bind(*e.args[1]);
            if (b < 0) return -1;
            for (int i = 0; i < 2; ++i) {
              const int32_t x = i == 0 ? a : b;
              if (Type(x) != ValueType::kBool) {
                return Fail(*e.args[static_cast<size_t>(i)], "'" + std::string(OpName(e.op)) +
                                                                 "' needs conditions, got " +
                                                                 std::string(ValueTypeName(Type(x))));
              }
            }
            return Op(e.op == Op::kAnd ? NodeOp::kAnd : NodeOp::kOr, ValueType::kBool, {a, b});
          }
          case Op::kEq: return BindComparison(e, NodeOp::kEq);
          case Op::kNe: return BindComparison(e, NodeOp::kNe);
          case Op::kLt: return BindComparison(e, NodeOp::kLt);
          case Op::kLe: return BindComparison(e, NodeOp::kLe);
          case Op::kGt: return BindComparison(e, NodeOp::kGt);
          case Op::kGe: return BindComparison(e, NodeOp::kGe);
          default: return BindArithmetic(e);
        }
      case ExprKind::kIn: return BindIn(e);
      case ExprKind::kIf: {
        const int32_t a = Bind(*e.args[0]);
        if (a < 0) return -1;
        const int32_t b = Bind(*e.args[1]);
        if (b < 0) return -1;
        if (Type(a) != ValueType::kBool) {
          return Fail(*e.args[0], "the 'if' part must be a condition, got " + std::string(ValueTypeName(Type(a))));
        }
        if (Type(b) != ValueType::kBool) {
          return Fail(*e.args[1], "the 'then' part must be a condition, got " + std::string(ValueTypeName(Type(b))));
        }
        return Op(NodeOp::kImplies, ValueType::kBool, {a, b});
      }
      case ExprKind::kCall: return BindCall(e);
    }
    return Fail(e, "unsupported expression");
  }

  // ---- Rule forms for the localizer -------------------------------------------------------

  bool IsLinearTerm(int32_t idx) const {
    const Node& n = At(idx);
    if (n.type != ValueType::kInteger && n.type != ValueType::kFloat && n.type != ValueType::kDate) return false;
    switch (n.op) {
      case NodeOp::kConst:
      case NodeOp::kColumn: return true;
      case NodeOp::kNeg:
      case NodeOp::kToFloat: return IsLinearTerm(n.children[0]);
      case NodeOp::kAdd:
      case NodeOp::kSub: return IsLinearTerm(n.children[0]) && IsLinearTerm(n.children[1]);
      case NodeOp::kMul:
      case NodeOp::kDiv:
        return IsLinearTerm(n.children[0]) && At(n.children[1]).op == NodeOp::kConst;
      default: return false;
    }
  }

  RuleForm Classify(int32_t idx) const {
    const Node& n = At(idx);
    switch (n.op) {
      case NodeOp::kConst: return RuleForm::kCategorical;
      case NodeOp::kEq:
      case NodeOp::kNe:
        if (At(n.children[0]).type == ValueType::kString) {
          const Node& a = At(n.children[0]);
          const Node& b = At(n.children[1]);
          return (a.op == NodeOp::kColumn && b.op == NodeOp::kConst) ||
                         (b.op == NodeOp::kColumn && a.op == NodeOp::kConst)
                     ? RuleForm::kCategorical
                     : RuleForm::kOther;
        }
        [[fallthrough]];
      case NodeOp::kLt:
      case NodeOp::kLe:
      case NodeOp::kGt:
      case NodeOp::kGe:
        return IsLinearTerm(n.children[0]) && IsLinearTerm(n.children[1]) ? RuleForm::kLinear : RuleForm::kOther;
      case NodeOp::kInList:
      case NodeOp::kIsMissing:
      case NodeOp::kIsPresent:
        return At(n.children[0]).op == NodeOp::kColumn ? RuleForm::kCategorical : RuleForm::kOther;
      case NodeOp::kNot: return Classify(n.children[0]);
      case NodeOp::kAnd:
      case NodeOp::kOr:
      case NodeOp::kImplies: {
        const RuleForm a = Classify(n.children[0]);
        const RuleForm b = Classify(n.children[1]);
        if (a == RuleForm::kOther || b == RuleForm::kOther) return RuleForm::kOther;
        if (n.op == NodeOp::kImplies) return RuleForm::kConditional;
        if (a == b) return a == RuleForm::kLinear && n.op == NodeOp::kOr ? RuleForm::kConditional : a;
        return RuleForm::kConditional;
      }
      default: return RuleForm::kOther;
    }
  }

  // ---- Evaluation plan -------------------------------------------------------------------

  void PlanEvaluation() {
    std::vector<Node>& nodes = out_.nodes_;
    for (const BoundRule& r : out_.rules_) {
      if (r.root >= 0) nodes[static_cast<size_t>(r.root)].needed = true;
    }
    for (size_t i = nodes.size(); i-- > 0;) {
      Node& n = nodes[i];
      if (!n.needed) continue;
      for (size_t c = 0; c < n.children.size(); ++c) {
        // Kernels that read a column's ids directly skip their first child.
        if (c == 0 && n.direct_column >= 0) continue;
        nodes[static_cast<size_t>(n.children[c])].needed = true;
      }
    }
  }

  // Pair expressions: one frame of values per EvaluatePair, on the stack.
  // Constants come first, so one copy of their bytes initializes them.
  Status PlanPairFrame() {
    const std::vector<Node>& nodes = out_.nodes_;
    if (nodes.size() > static_cast<size_t>(kMaxPairNodes)) {
      return Status::InvalidArgument("pair expressions need " + std::to_string(nodes.size()) +
                                     " nodes, at most " + std::to_string(kMaxPairNodes) + " are supported");
    }
    in_.pair_offsets.assign(nodes.size(), -1);
    size_t bytes = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        if (!n.needed || (n.op == NodeOp::kConst) != (pass == 0)) continue;
        in_.pair_offsets[i] = static_cast<int32_t>(bytes);
        bytes += (ValueSize(n.type) + 7) / 8 * 8;
      }
      if (pass == 0) in_.pair_const_bytes = bytes;
    }
    in_.pair_frame_bytes = bytes;
    in_.pair_consts.assign((in_.pair_const_bytes + 7) / 8, 0);
    auto* base = reinterpret_cast<unsigned char*>(in_.pair_consts.data());
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node& n = nodes[i];
      if (!n.needed || n.op != NodeOp::kConst) continue;
      unsigned char* at = base + in_.pair_offsets[i];
      switch (n.type) {
        case ValueType::kBool: *at = static_cast<unsigned char>(n.bool_value ? Outcome::kPass : Outcome::kFail); break;
        case ValueType::kInteger: std::memcpy(at, &n.int_value, sizeof n.int_value); break;
        case ValueType::kFloat: std::memcpy(at, &n.float_value, sizeof n.float_value); break;
        case ValueType::kDate: std::memcpy(at, &n.date_value, sizeof n.date_value); break;
        case ValueType::kString: {
          const std::string_view v =
              n.is_null ? std::string_view() : std::string_view(n.string_value.data(), n.string_value.size());
          std::memcpy(at, &v, sizeof v);
          break;
        }
        default: break;
      }
    }
    return Status::OK();
  }

  CompiledRules& out_;
  const Table& table_;
  const BindOptions& options_;
  CompiledRules::Internals& in_;
  int32_t run_date_ = 0;
  std::unordered_map<std::string, int32_t> cse_;
  std::unordered_map<std::string, int32_t> regex_ids_;
  std::unordered_map<std::string, int32_t> string_list_ids_;
  std::unordered_map<std::string, int32_t> int_list_ids_;
  std::unordered_map<std::string, int32_t> lookup_ids_;
  std::unordered_map<int, int32_t> unique_ids_;
  std::set<std::string> fields_;
  std::set<std::string> foreign_;
  bool failed_ = false;
  bool skip_ = false;
  std::string skip_reason_;
  ExprError error_;
};

Result<CompiledRules> CompiledRules::Compile(const RuleSet& rules, const Table& table, const BindOptions& options) {
  VL_RETURN_IF_ERROR(table.Validate());
  CompiledRules out;
  out.table_ = &table;
  out.source_name_ = options.source_name;
  out.pair_fields_ = options.pair_fields;
  Binder binder(out, table, options);
  VL_RETURN_IF_ERROR(binder.BindAll(rules));
  return out;
}

Result<CheckResult> RunChecks(const RuleSet& rules, const Table& table, const BindOptions& bind_options,
                              const EvalOptions& eval_options) {
  VL_ASSIGN_OR_RETURN(CompiledRules compiled, CompiledRules::Compile(rules, table, bind_options));
  return compiled.Evaluate(eval_options);
}

}  // namespace vitalink::check
