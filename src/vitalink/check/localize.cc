// Fellegi–Holt error localization. Notation follows Fellegi & Holt (1976) and
// de Jonge & van der Loo (errorlocate): δ_f = 1 when field f is declared wrong
// (its value may change), x_f its new value, x⁰_f the observed one; minimize
// Σ w_f δ_f subject to every rule not failing.
//
// Each rule of the bound DAG is translated once into negation normal form
// (and/or over literals): linear comparisons of integer/date fields,
// membership of a text field in a code set, presence tests. Literals become
// big-M rows with indicator binaries per disjunct. A rule that does not
// translate is "only checked": when it fails, at least one of its fields
// must change (Σ_{f ∈ rule} δ_f ≥ 1), and changes are assumed not to break it.
//
// Missing values follow the evaluator's three-valued logic: a literal that
// reads a field kept missing is missing, and a rule in NNF does not fail
// exactly when it is true with its missing literals set to true (Kleene's
// logic is monotone in and/or), so such literals are relaxed. A changed field
// always receives a present value.
#include "vitalink/check/localize.h"

#include <glpk.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>

#include "vitalink/check/program_internal.h"

namespace vitalink::check {
namespace {

// Relative size of the seeded weight perturbation that breaks ties: weights
// closer than this (relative) count as equal.
constexpr double kTieScale = 1e-4;
// Margin for strict comparisons with fractional coefficients.
constexpr double kStrictEps = 1e-4;
// Nodes of the hitting-set search before it hands the record to the MIP.
constexpr int64_t kMaxSearchNodes = 20000;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// ---- The model: fields, literals, formulas ------------------------------------------------

enum class Cmp : uint8_t { kLe, kGe, kEq, kLt, kGt };

struct LinExpr {
  std::map<int32_t, double> coef;  // model field -> coefficient
  double constant = 0;
};

struct Literal {
  enum class Kind : uint8_t { kLinear, kCategory, kPresent, kMissing };
  Kind kind = Kind::kLinear;
  // kLinear: Σ coef·x + constant (cmp) 0.
  std::vector<std::pair<int32_t, double>> terms;
  double constant = 0;
  Cmp cmp = Cmp::kLe;
  bool integral = false;  // Σ coef·x + constant is an integer for integer x
  // kCategory, kPresent, kMissing.
  int32_t field = -1;
  // kCategory: the value is one of `values` (or none of them when `negated`);
  // resolved after all code lists are known into domain codes.
  std::vector<std::string> values;
  bool negated = false;
  std::vector<int32_t> codes;
};

struct Formula {
  enum class Kind : uint8_t { kTrue, kFalse, kAnd, kOr, kLiteral };
  Kind kind = Kind::kTrue;
  std::vector<int32_t> children;
  int32_t literal = -1;
};

struct RuleModel {
  bool mip = false;
  std::vector<int32_t> fields;  // model fields, ascending
  std::vector<Formula> formulas;
  std::vector<Literal> literals;
  int32_t root = -1;
};

struct FieldModel {
  std::string name;
  int column = -1;
  bool numeric = false;  // integer or date column; else text/code
  double weight = 1;
  // Numeric: the box new values are searched in.
  double lo = 0;
  double hi = 0;
  // Text: the domain is codes[0..n) plus code n = "any other value".
  std::vector<std::string> codes;
  std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> code_index;
  std::vector<int32_t> mip_rules;  // MIP rules reading the field
  bool in_multi_field_mip_rule = false;
};

class Model {
 public:
  static Result<Model> Make(const CompiledRules& rules, const LocalizeOptions& options);

  const CompiledRules& rules() const { return *rules_; }
  const RuleModel& rule(int32_t idx) const { return rule_models_[static_cast<size_t>(idx)]; }
  const FieldModel& field(int32_t idx) const { return fields_[static_cast<size_t>(idx)]; }
  int32_t num_fields() const { return static_cast<int32_t>(fields_.size()); }
  /// Rules `a == b` over two or more fields: when they pass, they corroborate their fields.
  const std::vector<int32_t>& corroborating_rules() const { return corroborating_rules_; }

 private:
  friend class Translator;
  const CompiledRules* rules_ = nullptr;
  std::vector<RuleModel> rule_models_;
  std::vector<FieldModel> fields_;
  std::unordered_map<int, int32_t> field_of_column_;
  std::vector<int32_t> corroborating_rules_;

  int32_t FieldOfColumn(int column);
};

int32_t Model::FieldOfColumn(int column) {
  auto [it, inserted] = field_of_column_.try_emplace(column, static_cast<int32_t>(fields_.size()));
  if (inserted) {
    FieldModel f;
    const Column& c = rules_->table().column(column);
    f.name = c.name();
    f.column = column;
    f.numeric = !c.is_string();
    fields_.push_back(std::move(f));
  }
  return it->second;
}

// Translates one rule's DAG into NNF; any node outside the supported forms
// makes the rule "only checked".
class Translator {
 public:
  Translator(Model& model, RuleModel& out) : model_(model), rules_(*model.rules_), out_(out) {}

  bool Run(int32_t root) {
    out_.root = Node(root, false);
    return out_.root >= 0;
  }

 private:
  const check::Node& At(int32_t idx) const { return rules_.nodes()[static_cast<size_t>(idx)]; }

  int32_t Add(Formula f) {
    out_.formulas.push_back(std::move(f));
    return static_cast<int32_t>(out_.formulas.size()) - 1;
  }
  int32_t AddLiteral(Literal l) {
    out_.literals.push_back(std::move(l));
    Formula f;
    f.kind = Formula::Kind::kLiteral;
    f.literal = static_cast<int32_t>(out_.literals.size()) - 1;
    return Add(std::move(f));
  }
  int32_t Junction(Formula::Kind kind, std::vector<int32_t> children) {
    for (int32_t c : children) {
      if (c < 0) return -1;
    }
    Formula f;
    f.kind = kind;
    f.children = std::move(children);
    return Add(std::move(f));
  }
  int32_t Const(bool value) {
    Formula f;
    f.kind = value ? Formula::Kind::kTrue : Formula::Kind::kFalse;
    return Add(std::move(f));
  }

  bool IsTableColumn(const check::Node& n) const { return n.op == NodeOp::kColumn && n.table == &rules_.table(); }

  std::optional<LinExpr> Linear(int32_t idx) {
    const check::Node& n = At(idx);
    switch (n.op) {
      case NodeOp::kConst: {
        if (n.is_null) return std::nullopt;
        LinExpr e;
        switch (n.type) {
          case ValueType::kInteger: e.constant = static_cast<double>(n.int_value); return e;
          case ValueType::kFloat: e.constant = n.float_value; return e;
          case ValueType::kDate: e.constant = n.date_value; return e;
          default: return std::nullopt;
        }
      }
      case NodeOp::kColumn: {
        if (!IsTableColumn(n) || (n.type != ValueType::kInteger && n.type != ValueType::kDate)) return std::nullopt;
        LinExpr e;
        e.coef[model_.FieldOfColumn(n.column)] = 1;
        return e;
      }
      case NodeOp::kToFloat: return Linear(n.children[0]);
      case NodeOp::kNeg: {
        auto e = Linear(n.children[0]);
        if (e) Scale(*e, -1);
        return e;
      }
      case NodeOp::kAdd:
      case NodeOp::kSub: {
        auto a = Linear(n.children[0]);
        auto b = Linear(n.children[1]);
        if (!a || !b) return std::nullopt;
        const double sign = n.op == NodeOp::kAdd ? 1 : -1;
        for (const auto& [f, c] : b->coef) a->coef[f] += sign * c;
        a->constant += sign * b->constant;
        return a;
      }
      case NodeOp::kMul: {
        auto a = Linear(n.children[0]);
        auto b = Linear(n.children[1]);
        if (!a || !b) return std::nullopt;
        if (b->coef.empty()) {
          Scale(*a, b->constant);
          return a;
        }
        if (a->coef.empty()) {
          Scale(*b, a->constant);
          return b;
        }
        return std::nullopt;
      }
      case NodeOp::kDiv: {
        auto a = Linear(n.children[0]);
        auto b = Linear(n.children[1]);
        // x / 0 is missing, not a linear form.
        if (!a || !b || !b->coef.empty() || b->constant == 0) return std::nullopt;
        Scale(*a, 1 / b->constant);
        return a;
      }
      default: return std::nullopt;
    }
  }

  static void Scale(LinExpr& e, double k) {
    for (auto& [f, c] : e.coef) c *= k;
    e.constant *= k;
  }

  int32_t LinearLiteral(const LinExpr& e, Cmp cmp) {
    Literal l;
    l.kind = Literal::Kind::kLinear;
    l.constant = e.constant;
    l.cmp = cmp;
    l.integral = std::floor(e.constant) == e.constant;
    for (const auto& [f, c] : e.coef) {
      if (c == 0) continue;
      l.terms.emplace_back(f, c);
      l.integral = l.integral && std::floor(c) == c;
    }
    return AddLiteral(std::move(l));
  }

  // a (op) b, negated when `neg`: one literal, or two for != .
  int32_t Comparison(NodeOp op, const LinExpr& a, const LinExpr& b, bool neg) {
    LinExpr d = a;
    for (const auto& [f, c] : b.coef) d.coef[f] -= c;
    d.constant -= b.constant;
    if (neg) {
      switch (op) {
        case NodeOp::kEq: op = NodeOp::kNe; break;
        case NodeOp::kNe: op = NodeOp::kEq; break;
        case NodeOp::kLt: op = NodeOp::kGe; break;
        case NodeOp::kLe: op = NodeOp::kGt; break;
        case NodeOp::kGt: op = NodeOp::kLe; break;
        default: op = NodeOp::kLt; break;  // kGe
      }
    }
    switch (op) {
      case NodeOp::kEq: return LinearLiteral(d, Cmp::kEq);
      case NodeOp::kNe: return Junction(Formula::Kind::kOr, {LinearLiteral(d, Cmp::kLt), LinearLiteral(d, Cmp::kGt)});
      case NodeOp::kLt: return LinearLiteral(d, Cmp::kLt);
      case NodeOp::kLe: return LinearLiteral(d, Cmp::kLe);
      case NodeOp::kGt: return LinearLiteral(d, Cmp::kGt);
      default: return LinearLiteral(d, Cmp::kGe);
    }
  }

  int32_t Category(int column, std::vector<std::string> values, bool negated) {
    Literal l;
    l.kind = Literal::Kind::kCategory;
    l.field = model_.FieldOfColumn(column);
    std::sort(values.begin(), values.end());
    l.values = std::move(values);
    l.negated = negated;
    return AddLiteral(std::move(l));
  }

  int32_t Node(int32_t idx, bool neg) {
    const check::Node& n = At(idx);
    switch (n.op) {
      case NodeOp::kConst:
        if (n.type != ValueType::kBool || n.is_null) return -1;
        return Const(n.bool_value != neg);
      case NodeOp::kNot: return Node(n.children[0], !neg);
      case NodeOp::kAnd:
      case NodeOp::kOr: {
        const bool conj = (n.op == NodeOp::kAnd) != neg;
        const int32_t a = Node(n.children[0], neg);
        const int32_t b = a < 0 ? -1 : Node(n.children[1], neg);
        return Junction(conj ? Formula::Kind::kAnd : Formula::Kind::kOr, {a, b});
      }
      case NodeOp::kImplies: {
        // if A then B  =  (not A) or B;  its negation is A and (not B).
        const int32_t a = Node(n.children[0], !neg);
        const int32_t b = a < 0 ? -1 : Node(n.children[1], neg);
        return Junction(neg ? Formula::Kind::kAnd : Formula::Kind::kOr, {a, b});
      }
      case NodeOp::kEq:
      case NodeOp::kNe:
      case NodeOp::kLt:
      case NodeOp::kLe:
      case NodeOp::kGt:
      case NodeOp::kGe: {
        const check::Node& a = At(n.children[0]);
        const check::Node& b = At(n.children[1]);
        if (a.type == ValueType::kString) {
          if (n.op != NodeOp::kEq && n.op != NodeOp::kNe) return -1;
          const check::Node* col = IsTableColumn(a) ? &a : IsTableColumn(b) ? &b : nullptr;
          const check::Node* lit = col == &a ? &b : &a;
          if (col == nullptr || lit->op != NodeOp::kConst || lit->is_null) return -1;
          return Category(col->column, {lit->string_value}, (n.op == NodeOp::kNe) != neg);
        }
        if (a.type == ValueType::kBool || b.type == ValueType::kBool) return -1;
        auto la = Linear(n.children[0]);
        auto lb = la ? Linear(n.children[1]) : std::nullopt;
        if (!la || !lb) return -1;
        return Comparison(n.op, *la, *lb, neg);
      }
      case NodeOp::kInList: {
        const check::Node& x = At(n.children[0]);
        if (!IsTableColumn(x)) return -1;
        const CompiledRules::Internals& in = rules_.internals();
        if (x.type == ValueType::kString) {
          const StringSet& set = in.string_lists[static_cast<size_t>(n.aux)];
          return Category(x.column, std::vector<std::string>(set.begin(), set.end()), neg);
        }
        if (x.type != ValueType::kInteger) return -1;
        // n in [v1, v2]  =  n == v1 or n == v2;  not in: n != v1 and n != v2.
        const auto f = model_.FieldOfColumn(x.column);
        std::vector<int32_t> parts;
        for (int64_t v : in.int_lists[static_cast<size_t>(n.aux)]) {
          LinExpr e;
          e.coef[f] = 1;
          e.constant = -static_cast<double>(v);
          parts.push_back(Comparison(NodeOp::kEq, e, LinExpr{}, neg));
        }
        if (parts.empty()) return Const(neg);
        return Junction(neg ? Formula::Kind::kAnd : Formula::Kind::kOr, std::move(parts));
      }
      case NodeOp::kIsMissing:
      case NodeOp::kIsPresent: {
        const check::Node& x = At(n.children[0]);
        if (!IsTableColumn(x)) return -1;
        Literal l;
        l.kind = (n.op == NodeOp::kIsPresent) != neg ? Literal::Kind::kPresent : Literal::Kind::kMissing;
        l.field = model_.FieldOfColumn(x.column);
        return AddLiteral(std::move(l));
      }
      default: return -1;
    }
  }

  Model& model_;
  const CompiledRules& rules_;
  RuleModel& out_;
};

Result<Model> Model::Make(const CompiledRules& rules, const LocalizeOptions& options) {
  for (const auto& [name, w] : options.weights) {
    if (!(w > 0) || !std::isfinite(w)) {
      return Status::InvalidArgument("localization weight of '" + name + "' must be positive and finite");
    }
  }
  Model m;
  m.rules_ = &rules;
  const Table& table = rules.table();
  m.rule_models_.resize(static_cast<size_t>(rules.num_rules()));
  for (int32_t rule_idx = 0; rule_idx < rules.num_rules(); ++rule_idx) {
    const BoundRule& br = rules.rule(rule_idx);
    RuleModel& rm = m.rule_models_[static_cast<size_t>(rule_idx)];
    if (br.root < 0) continue;  // skipped: never fails
    Translator t(m, rm);
    rm.mip = t.Run(br.root);
    std::vector<int32_t> fields;
    if (rm.mip) {
      for (const Literal& l : rm.literals) {
        if (l.field >= 0) fields.push_back(l.field);
        for (const auto& [f, c] : l.terms) fields.push_back(f);
      }
    } else {
      rm.formulas.clear();
      rm.literals.clear();
      rm.root = -1;
      for (const std::string& name : br.fields) {
        const int col = table.FindColumn(name);
        if (col >= 0) fields.push_back(m.FieldOfColumn(col));
      }
    }
    std::sort(fields.begin(), fields.end());
    fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
    rm.fields = std::move(fields);
    if (rules.nodes()[static_cast<size_t>(br.root)].op == NodeOp::kEq && rm.fields.size() >= 2) {
      m.corroborating_rules_.push_back(rule_idx);
    }
  }

  // Text domains: every constant the MIP rules compare a field with.
  std::vector<std::vector<std::string>> consts(m.fields_.size());
  for (const RuleModel& rm : m.rule_models_) {
    for (const Literal& l : rm.literals) {
      if (l.kind != Literal::Kind::kCategory) continue;
      auto& c = consts[static_cast<size_t>(l.field)];
      c.insert(c.end(), l.values.begin(), l.values.end());
    }
  }
  for (size_t fi = 0; fi < m.fields_.size(); ++fi) {
    FieldModel& f = m.fields_[fi];
    auto& c = consts[fi];
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());
    f.codes = std::move(c);
    for (size_t k = 0; k < f.codes.size(); ++k) f.code_index.emplace(f.codes[k], static_cast<int32_t>(k));
    if (auto it = options.weights.find(f.name); it != options.weights.end()) f.weight = it->second;
  }
  for (RuleModel& rm : m.rule_models_) {
    for (Literal& l : rm.literals) {
      if (l.kind != Literal::Kind::kCategory) continue;
      const FieldModel& f = m.fields_[static_cast<size_t>(l.field)];
      const auto n = static_cast<int32_t>(f.codes.size());
      std::vector<char> in(static_cast<size_t>(n) + 1, 0);
      for (const std::string& v : l.values) in[static_cast<size_t>(f.code_index.at(v))] = 1;
      for (int32_t k = 0; k <= n; ++k) {
        if ((in[static_cast<size_t>(k)] != 0) != l.negated) l.codes.push_back(k);
      }
    }
  }

  // Numeric boxes: new values are searched in [lo - 4G - 1, hi + 4G + 1],
  // where [lo, hi] is the field's observed range and G the largest magnitude
  // of any observed value or literal constant among the fields linked to it
  // through linear literals (a balance edit may need the sum of several fields).
  const size_t nf = m.fields_.size();
  std::vector<double> lo(nf, std::numeric_limits<double>::infinity());
  std::vector<double> hi(nf, -std::numeric_limits<double>::infinity());
  std::vector<double> mag(nf, 1);
  std::vector<size_t> parent(nf);
  for (size_t fi = 0; fi < nf; ++fi) parent[fi] = fi;
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (size_t fi = 0; fi < nf; ++fi) {
    const FieldModel& f = m.fields_[fi];
    if (!f.numeric) continue;
    const Column& col = table.column(f.column);
    for (int64_t row = 0; row < table.num_rows(); ++row) {
      if (col.IsNull(row)) continue;
      const double v = col.type() == FieldType::kDate ? col.date(row) : static_cast<double>(col.integer(row));
      lo[fi] = std::min(lo[fi], v);
      hi[fi] = std::max(hi[fi], v);
    }
    if (lo[fi] <= hi[fi]) mag[fi] = std::max({mag[fi], std::abs(lo[fi]), std::abs(hi[fi])});
  }
  for (const RuleModel& rm : m.rule_models_) {
    for (const Literal& l : rm.literals) {
      for (const auto& [f, c] : l.terms) {
        const auto fi = static_cast<size_t>(f);
        mag[fi] = std::max(mag[fi], std::abs(l.constant / c));
        parent[find(fi)] = find(static_cast<size_t>(l.terms.front().first));
      }
    }
  }
  std::vector<double> comp_mag(nf, 1);
  for (size_t fi = 0; fi < nf; ++fi) comp_mag[find(fi)] = std::max(comp_mag[find(fi)], mag[fi]);
  for (size_t fi = 0; fi < nf; ++fi) {
    FieldModel& f = m.fields_[fi];
    if (!f.numeric) continue;
    if (lo[fi] > hi[fi]) lo[fi] = hi[fi] = 0;
    const double g = comp_mag[find(fi)];
    f.lo = std::floor(lo[fi] - 4 * g - 1);
    f.hi = std::ceil(hi[fi] + 4 * g + 1);
  }

  for (int32_t rule_idx = 0; rule_idx < rules.num_rules(); ++rule_idx) {
    const RuleModel& rm = m.rule_models_[static_cast<size_t>(rule_idx)];
    if (!rm.mip) continue;
    for (int32_t f : rm.fields) {
      FieldModel& fm = m.fields_[static_cast<size_t>(f)];
      fm.mip_rules.push_back(rule_idx);
      fm.in_multi_field_mip_rule = fm.in_multi_field_mip_rule || rm.fields.size() > 1;
    }
  }
  return m;
}

// ---- Per-record solving ----------------------------------------------------------------------

// A GLPK row Σ val·col (type) rhs, built before loading.
struct Row {
  int type = GLP_UP;  // GLP_UP: ≤ rhs; GLP_LO: ≥ rhs; GLP_FX: = rhs
  double rhs = 0;
  std::vector<std::pair<int, double>> terms;
};

// Per-thread scratch: the GLPK problem is reused (glp_erase_prob) across records.
class Worker {
 public:
  Worker(const Model& model, const CheckResult& result, const LocalizeOptions& options)
      : model_(model), result_(result), options_(options), weight_(static_cast<size_t>(model.num_fields())),
        factor_(static_cast<size_t>(model.num_fields()), 1.0), mark_(static_cast<size_t>(model.num_fields()), 0),
        col_of_(static_cast<size_t>(model.num_fields()), 0) {
    glp_term_out(GLP_OFF);
  }
  ~Worker() {
    if (lp_ != nullptr) glp_delete_prob(lp_);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  Localization Localize(int64_t row, std::span<const int32_t> failing);

 private:
  // The record's weight of f: the caller's, times the corroboration factor.
  double Weight(int32_t f) const { return model_.field(f).weight * factor_[static_cast<size_t>(f)]; }
  // Perturbed weight w_f (1 + kTieScale·u), u ∈ [0, 1) from (seed, row, field).
  double PerturbedWeight(int64_t row, int32_t f) const {
    const uint64_t h = SplitMix64(options_.seed ^ SplitMix64(static_cast<uint64_t>(row) * 0x100000001b3ULL +
                                                            static_cast<uint64_t>(f)));
    const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
    return Weight(f) * (1 + kTieScale * u);
  }

  void Search(double current);
  bool SolveMip(int64_t row, std::span<const int32_t> failing, Localization& out);

  // One-field feasibility: every other field keeps its observed value.
  using Intervals = std::vector<std::pair<double, double>>;  // sorted, disjoint, integer ends
  bool SingleFieldFeasible(int64_t row, int32_t f);
  Intervals NumericSet(const RuleModel& rm, int32_t fi, int32_t f, int64_t row) const;
  bool HoldsWithCode(const RuleModel& rm, int32_t fi, int32_t f, int32_t code, int64_t row) const;
  // Value of a literal on the observed record; nullopt when it reads field f
  // (the free one). Literals reading a missing value hold (they are missing).
  std::optional<bool> ObservedLiteral(const Literal& l, int32_t f, int64_t row) const;
  bool Observed(int32_t g, int64_t row, double& value) const;
  int32_t ObservedCode(int32_t g, int64_t row) const;  // -1 when missing

  // Row building.
  int AddCol(int kind, double lo, double hi, double obj);
  void EmitFormula(const RuleModel& rm, int32_t fi, int z);
  void EmitLiteral(const Literal& l, int z);
  void EmitLe(const std::vector<std::pair<int32_t, double>>& terms, double rhs, int z);

  const Model& model_;
  const CheckResult& result_;
  const LocalizeOptions& options_;
  std::vector<double> weight_;  // perturbed, valid for the current record's fields
  std::vector<double> factor_;  // corroboration factor of the current record, per field
  std::vector<int32_t> corroborated_;
  std::vector<char> mark_;
  // Hitting-set search.
  std::vector<std::vector<int32_t>> sets_;
  std::vector<int32_t> chosen_;
  std::vector<int32_t> best_;
  double best_weight_ = 0;
  int64_t nodes_ = 0;
  // MIP.
  glp_prob* lp_ = nullptr;
  std::vector<int> col_of_;          // δ column per field (0 = not in the model)
  std::vector<int> value_col_;       // x column (numeric) or first y column (text), per field
  std::vector<char> missing0_;       // observed value missing, per field
  std::vector<Row> rows_;
  int num_cols_ = 0;
  std::vector<int> col_kind_;
  std::vector<double> col_lo_, col_hi_, col_obj_;
  bool infeasible_ = false;
};

void Worker::Search(double current) {
  if (++nodes_ > kMaxSearchNodes || current >= best_weight_) return;
  for (const std::vector<int32_t>& set : sets_) {
    bool hit = false;
    for (int32_t f : set) hit = hit || mark_[static_cast<size_t>(f)] != 0;
    if (hit) continue;
    for (int32_t f : set) {  // sets are sorted by perturbed weight
      mark_[static_cast<size_t>(f)] = 1;
      chosen_.push_back(f);
      Search(current + weight_[static_cast<size_t>(f)]);
      chosen_.pop_back();
      mark_[static_cast<size_t>(f)] = 0;
    }
    return;
  }
  best_ = chosen_;
  best_weight_ = current;
}

Localization Worker::Localize(int64_t row, std::span<const int32_t> failing) {
  Localization out;
  out.row = row;
  sets_.clear();
  for (int32_t f : corroborated_) factor_[static_cast<size_t>(f)] = 1;
  corroborated_.clear();
  if (options_.corroboration_factor != 1) {
    for (int32_t rule_idx : model_.corroborating_rules()) {
      if (result_.outcomes[static_cast<size_t>(rule_idx)][static_cast<size_t>(row)] != Outcome::kPass) continue;
      for (int32_t f : model_.rule(rule_idx).fields) {
        factor_[static_cast<size_t>(f)] = options_.corroboration_factor;
        corroborated_.push_back(f);
      }
    }
  }
  bool ignored = false;
  for (int32_t rule_idx : failing) {
    const RuleModel& rm = model_.rule(rule_idx);
    if (rm.fields.empty()) {
      ignored = true;
      continue;
    }
    for (int32_t f : rm.fields) weight_[static_cast<size_t>(f)] = PerturbedWeight(row, f);
    sets_.push_back(rm.fields);
  }
  if (sets_.empty()) {
    out.status = "no_fields";
    return out;
  }
  for (std::vector<int32_t>& s : sets_) {
    std::sort(s.begin(), s.end(), [&](int32_t a, int32_t b) {
      return weight_[static_cast<size_t>(a)] < weight_[static_cast<size_t>(b)];
    });
  }
  // Singletons first: they are forced and prune the search at once.
  std::stable_sort(sets_.begin(), sets_.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  chosen_.clear();
  best_.clear();
  best_weight_ = std::numeric_limits<double>::infinity();
  nodes_ = 0;
  Search(0);
  bool fast = options_.fast_path && nodes_ <= kMaxSearchNodes && !best_.empty();
  // The minimum hitting set S is a lower bound; it is the answer when it is
  // feasible. Cheap sufficient test: no MIP rule reads two fields of S, so
  // each field of S can be settled alone with all other fields kept: a field
  // in single-field MIP rules only is assumed settable (rule sets are assumed
  // consistent per field); otherwise its feasible values are computed exactly
  // (intervals of an integer/date field, or the codes of a text field).
  for (int32_t f : best_) mark_[static_cast<size_t>(f)] = 1;
  for (int32_t f : best_) {
    if (!fast) break;
    const FieldModel& fm = model_.field(f);
    if (!fm.in_multi_field_mip_rule) continue;
    for (int32_t rule_idx : fm.mip_rules) {
      int in_s = 0;
      for (int32_t g : model_.rule(rule_idx).fields) in_s += mark_[static_cast<size_t>(g)];
      fast = fast && in_s == 1;
    }
    fast = fast && SingleFieldFeasible(row, f);
  }
  for (int32_t f : best_) mark_[static_cast<size_t>(f)] = 0;
  out.status = ignored ? "partial" : "ok";
  if (!fast) {
    out.solved_by_mip = true;
    if (!SolveMip(row, failing, out)) {
      if (out.status == "solver_error") return out;
      // No MIP solution: report the hitting set, flagged.
      out.fields.clear();
      for (int32_t f : best_) out.fields.push_back(model_.field(f).name);
      out.status = "infeasible";
    }
  } else {
    for (int32_t f : best_) out.fields.push_back(model_.field(f).name);
  }
  std::sort(out.fields.begin(), out.fields.end());
  out.weight = 0;
  for (int32_t f = 0; f < model_.num_fields(); ++f) {
    if (std::binary_search(out.fields.begin(), out.fields.end(), model_.field(f).name)) out.weight += Weight(f);
  }
  return out;
}

bool Worker::Observed(int32_t g, int64_t row, double& value) const {
  const Column& col = model_.rules().table().column(model_.field(g).column);
  if (col.IsNull(row)) return false;
  value = col.type() == FieldType::kDate ? col.date(row) : static_cast<double>(col.integer(row));
  return true;
}

int32_t Worker::ObservedCode(int32_t g, int64_t row) const {
  const FieldModel& fm = model_.field(g);
  const Table& table = model_.rules().table();
  const Column& col = table.column(fm.column);
  if (col.IsNull(row)) return -1;
  auto it = fm.code_index.find(table.pool().Get(col.string_id(row)));
  return it == fm.code_index.end() ? static_cast<int32_t>(fm.codes.size()) : it->second;
}

std::optional<bool> Worker::ObservedLiteral(const Literal& l, int32_t f, int64_t row) const {
  switch (l.kind) {
    case Literal::Kind::kLinear: {
      double sum = l.constant;
      for (const auto& [g, c] : l.terms) {
        if (g == f) return std::nullopt;
        double v = 0;
        if (!Observed(g, row, v)) return true;
        sum += c * v;
      }
      const double eps = l.integral ? 1 : kStrictEps;
      switch (l.cmp) {
        case Cmp::kLe: return sum <= 1e-9;
        case Cmp::kGe: return sum >= -1e-9;
        case Cmp::kEq: return std::abs(sum) <= 1e-9;
        case Cmp::kLt: return sum <= -eps + 1e-9;
        case Cmp::kGt: return sum >= eps - 1e-9;
      }
      return true;
    }
    case Literal::Kind::kCategory: {
      if (l.field == f) return std::nullopt;
      const int32_t code = ObservedCode(l.field, row);
      return code < 0 || std::binary_search(l.codes.begin(), l.codes.end(), code);
    }
    case Literal::Kind::kPresent:
    case Literal::Kind::kMissing: {
      if (l.field == f) return std::nullopt;
      const bool missing = model_.rules().table().column(model_.field(l.field).column).IsNull(row);
      return missing == (l.kind == Literal::Kind::kMissing);
    }
  }
  return true;
}

namespace {

using IntervalSet = std::vector<std::pair<double, double>>;

IntervalSet Intersect(const IntervalSet& a, const IntervalSet& b) {
  IntervalSet out;
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const double lo = std::max(a[i].first, b[j].first);
    const double hi = std::min(a[i].second, b[j].second);
    if (lo <= hi) out.emplace_back(lo, hi);
    if (a[i].second < b[j].second) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

IntervalSet Union(const IntervalSet& a, const IntervalSet& b) {
  IntervalSet all = a;
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  IntervalSet out;
  for (const auto& iv : all) {
    // Integer ranges [1, 3] and [4, 6] touch.
    if (!out.empty() && iv.first <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, iv.second);
    } else {
      out.push_back(iv);
    }
  }
  return out;
}

}  // namespace

// Integer values of field f that make formula fi hold, other fields observed.
Worker::Intervals Worker::NumericSet(const RuleModel& rm, int32_t fi, int32_t f, int64_t row) const {
  const FieldModel& fm = model_.field(f);
  const Intervals full = {{fm.lo, fm.hi}};
  const Formula& node = rm.formulas[static_cast<size_t>(fi)];
  switch (node.kind) {
    case Formula::Kind::kTrue: return full;
    case Formula::Kind::kFalse: return {};
    case Formula::Kind::kAnd: {
      Intervals acc = full;
      for (int32_t c : node.children) {
        acc = Intersect(acc, NumericSet(rm, c, f, row));
        if (acc.empty()) break;
      }
      return acc;
    }
    case Formula::Kind::kOr: {
      Intervals acc;
      for (int32_t c : node.children) acc = Union(acc, NumericSet(rm, c, f, row));
      return acc;
    }
    case Formula::Kind::kLiteral: break;
  }
  const Literal& l = rm.literals[static_cast<size_t>(node.literal)];
  if (auto v = ObservedLiteral(l, f, row)) return *v ? full : Intervals{};
  if (l.kind != Literal::Kind::kLinear) {
    // Presence of the changed field: it receives a present value.
    return l.kind == Literal::Kind::kMissing ? Intervals{} : full;
  }
  // a·x + c (cmp) 0 with every other term observed.
  double a = 0;
  double c = l.constant;
  for (const auto& [g, coef] : l.terms) {
    double v = 0;
    if (g == f) {
      a += coef;
    } else if (!Observed(g, row, v)) {
      return full;  // missing: the literal is free
    } else {
      c += coef * v;
    }
  }
  Cmp cmp = l.cmp;
  if (a == 0) {
    Literal constant;
    constant.constant = c;
    constant.cmp = cmp;
    constant.integral = l.integral;
    return ObservedLiteral(constant, -1, row).value() ? full : Intervals{};
  }
  if (a < 0) {  // make a positive: flip the comparison
    a = -a;
    c = -c;
    switch (cmp) {
      case Cmp::kLe: cmp = Cmp::kGe; break;
      case Cmp::kGe: cmp = Cmp::kLe; break;
      case Cmp::kLt: cmp = Cmp::kGt; break;
      case Cmp::kGt: cmp = Cmp::kLt; break;
      case Cmp::kEq: break;
    }
  }
  const double v = -c / a;  // x (cmp) v
  constexpr double kTol = 1e-9;
  double lo = fm.lo;
  double hi = fm.hi;
  switch (cmp) {
    case Cmp::kLe: hi = std::floor(v + kTol); break;
    case Cmp::kGe: lo = std::ceil(v - kTol); break;
    case Cmp::kLt: hi = l.integral ? std::ceil(v - kTol) - 1 : std::floor(v - kStrictEps / a + kTol); break;
    case Cmp::kGt: lo = l.integral ? std::floor(v + kTol) + 1 : std::ceil(v + kStrictEps / a - kTol); break;
    case Cmp::kEq:
      if (std::abs(v - std::round(v)) > kTol) return {};
      lo = hi = std::round(v);
      break;
  }
  lo = std::max(lo, fm.lo);
  hi = std::min(hi, fm.hi);
  if (lo > hi) return {};
  return {{lo, hi}};
}

bool Worker::HoldsWithCode(const RuleModel& rm, int32_t fi, int32_t f, int32_t code, int64_t row) const {
  const Formula& node = rm.formulas[static_cast<size_t>(fi)];
  switch (node.kind) {
    case Formula::Kind::kTrue: return true;
    case Formula::Kind::kFalse: return false;
    case Formula::Kind::kAnd:
      for (int32_t c : node.children) {
        if (!HoldsWithCode(rm, c, f, code, row)) return false;
      }
      return true;
    case Formula::Kind::kOr:
      for (int32_t c : node.children) {
        if (HoldsWithCode(rm, c, f, code, row)) return true;
      }
      return false;
    case Formula::Kind::kLiteral: break;
  }
  const Literal& l = rm.literals[static_cast<size_t>(node.literal)];
  if (auto v = ObservedLiteral(l, f, row)) return *v;
  switch (l.kind) {
    case Literal::Kind::kCategory: return std::binary_search(l.codes.begin(), l.codes.end(), code);
    case Literal::Kind::kPresent: return true;
    default: return false;  // kMissing: a changed field is present
  }
}

bool Worker::SingleFieldFeasible(int64_t row, int32_t f) {
  const FieldModel& fm = model_.field(f);
  if (fm.numeric) {
    Intervals acc = {{fm.lo, fm.hi}};
    for (int32_t rule_idx : fm.mip_rules) {
      const RuleModel& rm = model_.rule(rule_idx);
      acc = Intersect(acc, NumericSet(rm, rm.root, f, row));
      if (acc.empty()) return false;
    }
    return true;
  }
  const auto n = static_cast<int32_t>(fm.codes.size());
  for (int32_t code = 0; code <= n; ++code) {
    bool all = true;
    for (int32_t rule_idx : fm.mip_rules) {
      const RuleModel& rm = model_.rule(rule_idx);
      if (!HoldsWithCode(rm, rm.root, f, code, row)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

int Worker::AddCol(int kind, double lo, double hi, double obj) {
  col_kind_.push_back(kind);
  col_lo_.push_back(lo);
  col_hi_.push_back(hi);
  col_obj_.push_back(obj);
  return ++num_cols_;
}

// Σ coef·x ≤ rhs, relaxed when indicator z is 0 or a field of the literal is
// kept missing:  Σ coef·x + M z + M Σ_{g missing} δ_g ≤ rhs + M (1 + k),
// with M = max over the box of Σ coef·x − rhs (z = 0: forced, no z term).
void Worker::EmitLe(const std::vector<std::pair<int32_t, double>>& terms, double rhs, int z) {
  double max_lhs = 0;
  Row r;
  r.type = GLP_UP;
  int k = 0;
  for (const auto& [f, c] : terms) {
    const FieldModel& fm = model_.field(f);
    max_lhs += std::max(c * fm.lo, c * fm.hi);
    r.terms.emplace_back(value_col_[static_cast<size_t>(f)], c);
  }
  const double big_m = max_lhs - rhs;
  if (big_m <= 0) return;  // holds everywhere in the box
  for (const auto& [f, c] : terms) {
    if (missing0_[static_cast<size_t>(f)] == 0) continue;
    r.terms.emplace_back(col_of_[static_cast<size_t>(f)], big_m);
    ++k;
  }
  r.rhs = rhs + big_m * k;
  if (z != 0) {
    r.terms.emplace_back(z, big_m);
    r.rhs += big_m;
  }
  rows_.push_back(std::move(r));
}

void Worker::EmitLiteral(const Literal& l, int z) {
  switch (l.kind) {
    case Literal::Kind::kLinear: {
      const double eps = l.integral ? 1 : kStrictEps;
      std::vector<std::pair<int32_t, double>> neg = l.terms;
      for (auto& [f, c] : neg) c = -c;
      switch (l.cmp) {
        case Cmp::kLe: EmitLe(l.terms, -l.constant, z); return;
        case Cmp::kGe: EmitLe(neg, l.constant, z); return;
        case Cmp::kEq:
          EmitLe(l.terms, -l.constant, z);
          EmitLe(neg, l.constant, z);
          return;
        case Cmp::kLt: EmitLe(l.terms, -l.constant - eps, z); return;
        case Cmp::kGt: EmitLe(neg, l.constant - eps, z); return;
      }
      return;
    }
    case Literal::Kind::kCategory: {
      // Σ_{k ∈ codes} y_k ≥ z, or when the observed value is missing
      // Σ y_k + (1 − δ) ≥ z (a kept missing value leaves the literal free).
      const auto f = static_cast<size_t>(l.field);
      Row r;
      r.type = GLP_LO;
      for (int32_t code : l.codes) r.terms.emplace_back(value_col_[f] + code, 1.0);
      r.rhs = z == 0 ? 1 : 0;
      if (z != 0) r.terms.emplace_back(z, -1.0);
      if (missing0_[f] != 0) {
        r.terms.emplace_back(col_of_[f], -1.0);
        r.rhs -= 1;
      }
      rows_.push_back(std::move(r));
      return;
    }
    case Literal::Kind::kPresent:
    case Literal::Kind::kMissing: {
      const auto f = static_cast<size_t>(l.field);
      const bool want_present = l.kind == Literal::Kind::kPresent;
      if (missing0_[f] == 0) {
        // Present and stays present (a change gives a present value).
        if (want_present) return;
        if (z == 0) {
          infeasible_ = true;
        } else {
          col_hi_[static_cast<size_t>(z) - 1] = 0;
        }
        return;
      }
      Row r;
      r.type = GLP_LO;
      if (want_present) {  // δ ≥ z
        r.terms.emplace_back(col_of_[f], 1.0);
        r.rhs = z == 0 ? 1 : 0;
      } else {  // 1 − δ ≥ z
        r.terms.emplace_back(col_of_[f], -1.0);
        r.rhs = z == 0 ? 0 : -1;
      }
      if (z != 0) r.terms.emplace_back(z, -1.0);
      rows_.push_back(std::move(r));
      return;
    }
  }
}

// Formula `fi` holds when indicator z is 1 (z = 0: must hold). A conjunction
// passes its indicator down; a disjunction gets one binary per disjunct.
void Worker::EmitFormula(const RuleModel& rm, int32_t fi, int z) {
  const Formula& f = rm.formulas[static_cast<size_t>(fi)];
  switch (f.kind) {
    case Formula::Kind::kTrue: return;
    case Formula::Kind::kFalse:
      if (z == 0) {
        infeasible_ = true;
      } else {
        col_hi_[static_cast<size_t>(z) - 1] = 0;
      }
      return;
    case Formula::Kind::kAnd:
      for (int32_t c : f.children) EmitFormula(rm, c, z);
      return;
    case Formula::Kind::kOr: {
      Row r;
      r.type = GLP_LO;
      r.rhs = z == 0 ? 1 : 0;
      if (z != 0) r.terms.emplace_back(z, -1.0);
      for (int32_t c : f.children) {
        if (rm.formulas[static_cast<size_t>(c)].kind == Formula::Kind::kTrue) return;
      }
      for (int32_t c : f.children) {
        if (rm.formulas[static_cast<size_t>(c)].kind == Formula::Kind::kFalse) continue;
        const int zc = AddCol(GLP_BV, 0, 1, 0);
        r.terms.emplace_back(zc, 1.0);
        EmitFormula(rm, c, zc);
      }
      rows_.push_back(std::move(r));
      return;
    }
    case Formula::Kind::kLiteral: EmitLiteral(rm.literals[static_cast<size_t>(f.literal)], z); return;
  }
}

bool Worker::SolveMip(int64_t row, std::span<const int32_t> failing, Localization& out) {
  const Table& table = model_.rules().table();
  const auto nf = static_cast<size_t>(model_.num_fields());
  rows_.clear();
  col_kind_.clear();
  col_lo_.clear();
  col_hi_.clear();
  col_obj_.clear();
  num_cols_ = 0;
  infeasible_ = false;
  value_col_.assign(nf, 0);
  missing0_.assign(nf, 0);
  std::fill(col_of_.begin(), col_of_.end(), 0);

  // Closure: the failing rules' fields, then every MIP rule reading a field
  // already in, until nothing is added. Only-checked rules do not spread it.
  std::vector<int32_t> fields;
  std::vector<int32_t> mip_rules;
  std::vector<char> rule_in(static_cast<size_t>(model_.rules().num_rules()), 0);
  auto add_field = [&](int32_t f) {
    if (col_of_[static_cast<size_t>(f)] != 0) return;
    col_of_[static_cast<size_t>(f)] = -1;  // placeholder until columns are made
    fields.push_back(f);
  };
  for (int32_t rule_idx : failing) {
    for (int32_t f : model_.rule(rule_idx).fields) add_field(f);
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    for (int32_t rule_idx : model_.field(fields[i]).mip_rules) {
      if (rule_in[static_cast<size_t>(rule_idx)] != 0) continue;
      rule_in[static_cast<size_t>(rule_idx)] = 1;
      mip_rules.push_back(rule_idx);
      for (int32_t g : model_.rule(rule_idx).fields) add_field(g);
    }
  }

  // Columns: δ_f; x_f (numeric) or y_{f,k} (text) for fields MIP rules read.
  for (int32_t f : fields) {
    const FieldModel& fm = model_.field(f);
    const auto fi = static_cast<size_t>(f);
    col_of_[fi] = AddCol(GLP_BV, 0, 1, PerturbedWeight(row, f));
    const Column& col = table.column(fm.column);
    missing0_[fi] = col.IsNull(row) ? 1 : 0;
    if (fm.mip_rules.empty()) continue;
    if (fm.numeric) {
      value_col_[fi] = AddCol(GLP_IV, fm.lo, fm.hi, 0);
      if (missing0_[fi] != 0) continue;
      // Kept unless changed: x − (hi − x⁰) δ ≤ x⁰ and x + (x⁰ − lo) δ ≥ x⁰.
      const double x0 = col.type() == FieldType::kDate ? col.date(row) : static_cast<double>(col.integer(row));
      rows_.push_back({GLP_UP, x0, {{value_col_[fi], 1.0}, {col_of_[fi], -(fm.hi - x0)}}});
      rows_.push_back({GLP_LO, x0, {{value_col_[fi], 1.0}, {col_of_[fi], x0 - fm.lo}}});
    } else {
      const auto n = static_cast<int32_t>(fm.codes.size());
      for (int32_t k = 0; k <= n; ++k) {
        const int c = AddCol(GLP_BV, 0, 1, 0);
        if (k == 0) value_col_[fi] = c;
      }
      Row one;  // one code when present: Σ y = 1 (observed present) or Σ y = δ (observed missing)
      one.type = GLP_FX;
      for (int32_t k = 0; k <= n; ++k) one.terms.emplace_back(value_col_[fi] + k, 1.0);
      if (missing0_[fi] != 0) {
        one.terms.emplace_back(col_of_[fi], -1.0);
        one.rhs = 0;
        rows_.push_back(std::move(one));
        continue;
      }
      one.rhs = 1;
      rows_.push_back(std::move(one));
      // y_{code(x⁰)} + δ ≥ 1: a value outside the code lists is "any other value".
      const std::string_view v = table.pool().Get(col.string_id(row));
      auto it = fm.code_index.find(v);
      const int32_t code0 = it == fm.code_index.end() ? n : it->second;
      rows_.push_back({GLP_LO, 1, {{value_col_[fi] + code0, 1.0}, {col_of_[fi], 1.0}}});
    }
  }
  for (int32_t rule_idx : mip_rules) {
    const RuleModel& rm = model_.rule(rule_idx);
    EmitFormula(rm, rm.root, 0);
  }
  for (int32_t rule_idx : failing) {
    const RuleModel& rm = model_.rule(rule_idx);
    if (rm.mip || rm.fields.empty()) continue;
    Row hit;  // an only-checked rule: change at least one of its fields
    hit.type = GLP_LO;
    hit.rhs = 1;
    for (int32_t f : rm.fields) hit.terms.emplace_back(col_of_[static_cast<size_t>(f)], 1.0);
    rows_.push_back(std::move(hit));
  }
  if (infeasible_) return false;

  if (lp_ == nullptr) {
    lp_ = glp_create_prob();
  } else {
    glp_erase_prob(lp_);
  }
  glp_set_obj_dir(lp_, GLP_MIN);
  glp_add_cols(lp_, num_cols_);
  for (int c = 1; c <= num_cols_; ++c) {
    const auto ci = static_cast<size_t>(c) - 1;
    glp_set_col_kind(lp_, c, col_kind_[ci]);
    if (col_kind_[ci] != GLP_BV || col_hi_[ci] != 1) {
      glp_set_col_bnds(lp_, c, col_lo_[ci] == col_hi_[ci] ? GLP_FX : GLP_DB, col_lo_[ci], col_hi_[ci]);
    }
    glp_set_obj_coef(lp_, c, col_obj_[ci]);
  }
  if (!rows_.empty()) glp_add_rows(lp_, static_cast<int>(rows_.size()));
  std::vector<int> ind;
  std::vector<double> val;
  for (size_t r = 0; r < rows_.size(); ++r) {
    Row& row_def = rows_[r];
    // GLPK refuses duplicate columns in a row: merge them.
    std::sort(row_def.terms.begin(), row_def.terms.end());
    ind.assign(1, 0);
    val.assign(1, 0);
    for (const auto& [c, v] : row_def.terms) {
      if (ind.size() > 1 && ind.back() == c) {
        val.back() += v;
      } else {
        ind.push_back(c);
        val.push_back(v);
      }
    }
    const int ri = static_cast<int>(r) + 1;
    glp_set_row_bnds(lp_, ri, row_def.type, row_def.rhs, row_def.rhs);
    glp_set_mat_row(lp_, ri, static_cast<int>(ind.size()) - 1, ind.data(), val.data());
  }
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.presolve = GLP_ON;
  parm.msg_lev = GLP_MSG_OFF;
  // δ must be exactly 0 or 1: with big-M up to ~1e6 the default 1e-5 would let
  // a "kept" integer field move.
  parm.tol_int = 1e-9;
  const int ret = glp_intopt(lp_, &parm);
  if (ret == GLP_ENOPFS || ret == GLP_ENODFS) return false;
  if (ret != 0) {
    out.status = "solver_error";
    return false;
  }
  const int st = glp_mip_status(lp_);
  if (st != GLP_OPT) {
    if (st != GLP_NOFEAS) out.status = "solver_error";
    return false;
  }
  out.fields.clear();
  for (int32_t f : fields) {
    if (glp_mip_col_val(lp_, col_of_[static_cast<size_t>(f)]) > 0.5) out.fields.push_back(model_.field(f).name);
  }
  return true;
}

}  // namespace

std::vector<bool> LocalizableRules(const CompiledRules& rules) {
  std::vector<bool> out(static_cast<size_t>(rules.num_rules()), false);
  auto model = Model::Make(rules, {});
  if (!model.ok()) return out;
  for (int32_t rule_idx = 0; rule_idx < rules.num_rules(); ++rule_idx) {
    out[static_cast<size_t>(rule_idx)] = model->rule(rule_idx).mip;
  }
  return out;
}

Result<std::vector<Localization>> LocalizeErrors(const CompiledRules& rules, const CheckResult& result,
                                                 const LocalizeOptions& options) {
  if (static_cast<int>(result.summaries.size()) != rules.num_rules() ||
      result.num_rows != rules.table().num_rows()) {
    return Status::InvalidArgument("localization: the check result does not come from these rules and table");
  }
  for (int rule_idx = 0; rule_idx < rules.num_rules(); ++rule_idx) {
    if (result.summaries[static_cast<size_t>(rule_idx)].rule_id != rules.rule(rule_idx).rule.id) {
      return Status::InvalidArgument("localization: rule " + std::to_string(rule_idx) + " is '" +
                                     result.summaries[static_cast<size_t>(rule_idx)].rule_id + "' in the result but '" +
                                     rules.rule(rule_idx).rule.id + "' in the rules");
    }
  }
  if (!(options.corroboration_factor > 0) || !std::isfinite(options.corroboration_factor)) {
    return Status::InvalidArgument("localization: corroboration_factor must be positive and finite");
  }
  VL_ASSIGN_OR_RETURN(Model model, Model::Make(rules, options));
  for (int rule_idx : model.corroborating_rules()) {
    if (result.outcomes[static_cast<size_t>(rule_idx)].size() != static_cast<size_t>(result.num_rows)) {
      return Status::InvalidArgument("localization: the check result lacks the outcomes of rule '" +
                                     rules.rule(rule_idx).rule.id + "'");
    }
  }

  // Records with failures: [begin, end) ranges of their failing rules.
  std::vector<int32_t> failing;
  std::vector<int64_t> rows;
  std::vector<size_t> begins;
  failing.reserve(result.findings.size());
  for (const Finding& f : result.findings) {
    if (f.rule_index < 0 || f.rule_index >= rules.num_rules()) {
      return Status::InvalidArgument("localization: finding with rule index " + std::to_string(f.rule_index));
    }
    if (!options.include_warnings &&
        result.summaries[static_cast<size_t>(f.rule_index)].severity == Severity::kWarning) {
      continue;
    }
    if (rows.empty() || rows.back() != f.row) {
      rows.push_back(f.row);
      begins.push_back(failing.size());
    }
    failing.push_back(f.rule_index);
  }
  begins.push_back(failing.size());
  const size_t num_records = rows.size();
  std::vector<Localization> out(num_records);

  constexpr size_t kBlock = 256;
  const size_t num_blocks = (num_records + kBlock - 1) / kBlock;
  int threads = options.num_threads > 0 ? options.num_threads
                                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), std::max<size_t>(1, num_blocks)));
  std::atomic<size_t> next{0};
  auto work = [&] {
    {
      Worker worker(model, result, options);
      for (size_t block = next.fetch_add(1); block < num_blocks; block = next.fetch_add(1)) {
        const size_t end = std::min(num_records, (block + 1) * kBlock);
        for (size_t rec = block * kBlock; rec < end; ++rec) {
          out[rec] = worker.Localize(
              rows[rec], std::span<const int32_t>(failing.data() + begins[rec], begins[rec + 1] - begins[rec]));
        }
      }
    }
    // GLPK keeps its environment per thread; free it before the thread ends.
    glp_free_env();
  };
  // Workers always run on threads of their own so that glp_free_env() never
  // frees an environment the caller's thread might be using.
  std::vector<std::jthread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  pool.clear();
  return out;
}

}  // namespace vitalink::check
