// Column-wise evaluation of a CompiledRules DAG over chunks of rows.
//
// Each worker owns one buffer per node; per chunk it runs every needed node's
// kernel in index order (children come first), each a tight loop over the
// chunk. Constants are filled once per worker. Workers take chunks from an
// atomic counter and write outcomes to disjoint row ranges, and findings are
// kept per chunk and concatenated in chunk order, so the result is the same
// for any number of threads.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>
#include <thread>

#include "vitalink/check/program.h"
#include "vitalink/check/program_internal.h"
#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"

namespace vitalink::check {
namespace {

constexpr uint8_t kF = 0;  // fail
constexpr uint8_t kT = 1;  // pass
constexpr uint8_t kM = 2;  // missing

// Kleene's strong three-valued logic, indexed [a * 3 + b].
constexpr uint8_t kAndTable[9] = {kF, kF, kF, kF, kT, kM, kF, kM, kM};
constexpr uint8_t kOrTable[9] = {kF, kT, kM, kT, kT, kT, kM, kT, kM};
constexpr uint8_t kNotTable[3] = {kT, kF, kM};
// if a then b == (not a) or b.
constexpr uint8_t kImpliesTable[9] = {kT, kT, kT, kF, kT, kM, kM, kT, kM};

constexpr char kEmpty[] = "";

inline bool IsNullValue(int64_t v) { return v == kNullInt; }
inline bool IsNullValue(double v) { return std::isnan(v); }
inline bool IsNullValue(int32_t v) { return v == kNullDate; }
inline bool IsNullValue(std::string_view v) { return v.data() == nullptr; }
inline bool IsNullValue(uint8_t v) { return v == kM; }

template <typename T, typename Cmp>
void CompareKernel(const T* a, const T* b, uint8_t* out, int64_t n, Cmp cmp) {
  for (int64_t i = 0; i < n; ++i) {
    out[i] = (IsNullValue(a[i]) || IsNullValue(b[i])) ? kM : static_cast<uint8_t>(cmp(a[i], b[i]));
  }
}

template <typename T>
void Compare(NodeOp op, const T* a, const T* b, uint8_t* out, int64_t n) {
  switch (op) {
    case NodeOp::kEq: CompareKernel(a, b, out, n, [](const T& x, const T& y) { return x == y; }); break;
    case NodeOp::kNe: CompareKernel(a, b, out, n, [](const T& x, const T& y) { return x != y; }); break;
    case NodeOp::kLt: CompareKernel(a, b, out, n, [](const T& x, const T& y) { return x < y; }); break;
    case NodeOp::kLe: CompareKernel(a, b, out, n, [](const T& x, const T& y) { return x <= y; }); break;
    case NodeOp::kGt: CompareKernel(a, b, out, n, [](const T& x, const T& y) { return x > y; }); break;
    case NodeOp::kGe: CompareKernel(a, b, out, n, [](const T& x, const T& y) { return x >= y; }); break;
    default: break;
  }
}

inline int32_t DateOrNull(int64_t v) {
  return (v <= std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
             ? kNullDate
             : static_cast<int32_t>(v);
}

inline int64_t AgeAt(int32_t birth, int32_t at) {
  const CivilDate b = CivilFromDays(birth);
  const CivilDate d = CivilFromDays(at);
  int64_t age = d.year - b.year;
  if (d.month < b.month || (d.month == b.month && d.day < b.day)) --age;
  return age;
}

}  // namespace

class Evaluator {
 public:
  explicit Evaluator(const CompiledRules& rules) : rules_(rules), in_(*rules.internals_) {}

  struct Workspace {
    std::vector<std::vector<uint64_t>> storage;  // one per node, chunk_size values of its type
    std::vector<uint64_t*> buffers;              // storage[i].data()
  };

  // What the kernels read: each node's values, and per side (0 the checked
  // row, 1 the left and 2 the right record of a pair) the first row.
  struct Frame {
    uint64_t* const* buffers;
    int64_t begin[3];
  };

  Workspace MakeWorkspace(int64_t chunk) const {
    Workspace ws;
    ws.storage.resize(rules_.nodes_.size());
    ws.buffers.assign(rules_.nodes_.size(), nullptr);
    for (size_t i = 0; i < rules_.nodes_.size(); ++i) {
      const Node& n = rules_.nodes_[i];
      if (!n.needed) continue;
      const size_t bytes = ValueSize(n.type) * static_cast<size_t>(chunk);
      ws.storage[i].assign((bytes + 7) / 8, 0);
      ws.buffers[i] = ws.storage[i].data();
      if (n.op == NodeOp::kConst) FillConst(n, ws.buffers[i], chunk);
    }
    return ws;
  }

  // Evaluate every needed node on rows [begin, begin + n).
  void RunChunk(Workspace& ws, int64_t begin, int64_t n) const {
    const Frame f{ws.buffers.data(), {begin, begin, begin}};
    RunNodes(f, n);
  }

  // Evaluate every needed node of a pair expression on rows (left, right).
  void RunPair(uint64_t* const* buffers, int64_t left, int64_t right) const {
    const Frame f{buffers, {left, left, right}};
    RunNodes(f, 1);
  }

  template <typename T>
  static T* As(uint64_t* p) {
    return reinterpret_cast<T*>(p);
  }
  template <typename T>
  const T* Arg(const Frame& f, const Node& n, size_t c) const {
    return reinterpret_cast<const T*>(f.buffers[static_cast<size_t>(n.children[c])]);
  }
  ValueType ArgType(const Node& n, size_t c) const {
    return rules_.nodes_[static_cast<size_t>(n.children[c])].type;
  }
  // Return the first row of the side child c is read from.
  int64_t ArgBegin(const Frame& f, const Node& n, size_t c) const {
    return f.begin[rules_.nodes_[static_cast<size_t>(n.children[c])].side];
  }

 private:
  static void FillConst(const Node& n, uint64_t* buf, int64_t chunk) {
    for (int64_t i = 0; i < chunk; ++i) {
      switch (n.type) {
        case ValueType::kBool: As<uint8_t>(buf)[i] = n.bool_value ? kT : kF; break;
        case ValueType::kInteger: As<int64_t>(buf)[i] = n.int_value; break;
        case ValueType::kFloat: As<double>(buf)[i] = n.float_value; break;
        case ValueType::kDate: As<int32_t>(buf)[i] = n.date_value; break;
        case ValueType::kString:
          As<std::string_view>(buf)[i] =
              n.is_null ? std::string_view() : std::string_view(n.string_value.data(), n.string_value.size());
          break;
        default: break;
      }
    }
  }

  std::string_view View(uint32_t id) const {
    if (id == StringPool::kNull) return {};
    const std::string_view s = rules_.table_->pool().Get(id);
    return s.data() == nullptr ? std::string_view(kEmpty, 0) : s;
  }

  // A string predicate on a column's ids, cached per pool id.
  template <typename Pred>
  void MemoPredicate(const Node& node, const Frame& f, int64_t n, uint8_t* out, Pred pred) const {
    if (node.direct_column < 0) {
      const auto* s = Arg<std::string_view>(f, node, 0);
      for (int64_t i = 0; i < n; ++i) out[i] = IsNullValue(s[i]) ? kM : static_cast<uint8_t>(pred(s[i]));
      return;
    }
    const uint32_t* ids = rules_.table_->column(node.direct_column).strings().data() + ArgBegin(f, node, 0);
    const Memo& memo = in_.memos[static_cast<size_t>(node.memo)];
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t id = ids[i];
      if (id == StringPool::kNull) {
        out[i] = kM;
      } else if (id < memo.size) {
        uint8_t v = memo.cells[id].load(std::memory_order_relaxed);
        if (v == 0) {
          v = static_cast<uint8_t>(pred(View(id)) ? kT + 1 : kF + 1);
          memo.cells[id].store(v, std::memory_order_relaxed);
        }
        out[i] = static_cast<uint8_t>(v - 1);
      } else {
        out[i] = static_cast<uint8_t>(pred(View(id)));
      }
    }
  }

  void RunNodes(const Frame& f, int64_t n) const {
    for (size_t i = 0; i < rules_.nodes_.size(); ++i) {
      const Node& node = rules_.nodes_[i];
      if (!node.needed || node.op == NodeOp::kConst) continue;
      RunNode(node, f, n, f.buffers[i]);
    }
  }

  void RunNode(const Node& node, const Frame& f, int64_t n, uint64_t* buf) const {
    switch (node.op) {
      case NodeOp::kConst: return;
      case NodeOp::kColumn: {
        const Column& col = node.table->column(node.column);
        const auto b = static_cast<size_t>(f.begin[node.side]);
        const auto len = static_cast<size_t>(n);
        switch (node.type) {
          case ValueType::kInteger: std::memcpy(buf, col.ints().data() + b, len * sizeof(int64_t)); return;
          case ValueType::kDate: std::memcpy(buf, col.dates().data() + b, len * sizeof(int32_t)); return;
          default: {
            auto* out = As<std::string_view>(buf);
            const uint32_t* ids = col.strings().data() + b;
            for (int64_t i = 0; i < n; ++i) out[i] = View(ids[i]);
            return;
          }
        }
      }
      case NodeOp::kNot: {
        const auto* a = Arg<uint8_t>(f, node, 0);
        auto* out = As<uint8_t>(buf);
        for (int64_t i = 0; i < n; ++i) out[i] = kNotTable[a[i]];
        return;
      }
      case NodeOp::kAnd:
      case NodeOp::kOr:
      case NodeOp::kImplies: {
        const uint8_t* table = node.op == NodeOp::kAnd  ? kAndTable
                               : node.op == NodeOp::kOr ? kOrTable
                                                        : kImpliesTable;
        const auto* a = Arg<uint8_t>(f, node, 0);
        const auto* b = Arg<uint8_t>(f, node, 1);
        auto* out = As<uint8_t>(buf);
        for (int64_t i = 0; i < n; ++i) out[i] = table[a[i] * 3 + b[i]];
        return;
      }
      case NodeOp::kEq:
      case NodeOp::kNe:
      case NodeOp::kLt:
      case NodeOp::kLe:
      case NodeOp::kGt:
      case NodeOp::kGe: {
        auto* out = As<uint8_t>(buf);
        switch (ArgType(node, 0)) {
          case ValueType::kBool:
            Compare(node.op, Arg<uint8_t>(f, node, 0), Arg<uint8_t>(f, node, 1), out, n);
            return;
          case ValueType::kInteger:
            Compare(node.op, Arg<int64_t>(f, node, 0), Arg<int64_t>(f, node, 1), out, n);
            return;
          case ValueType::kFloat:
            Compare(node.op, Arg<double>(f, node, 0), Arg<double>(f, node, 1), out, n);
            return;
          case ValueType::kDate:
            Compare(node.op, Arg<int32_t>(f, node, 0), Arg<int32_t>(f, node, 1), out, n);
            return;
          case ValueType::kString:
            Compare(node.op, Arg<std::string_view>(f, node, 0), Arg<std::string_view>(f, node, 1), out, n);
            return;
          default: return;
        }
      }
      case NodeOp::kNeg: {
        if (node.type == ValueType::kFloat) {
          const auto* a = Arg<double>(f, node, 0);
          auto* out = As<double>(buf);
          for (int64_t i = 0; i < n; ++i) out[i] = -a[i];
        } else {
          const auto* a = Arg<int64_t>(f, node, 0);
          auto* out = As<int64_t>(buf);
          // -kNullInt would overflow; the null stays null.
          for (int64_t i = 0; i < n; ++i) out[i] = IsNullValue(a[i]) ? kNullInt : -a[i];
        }
        return;
      }
      case NodeOp::kToFloat: {
        const auto* a = Arg<int64_t>(f, node, 0);
        auto* out = As<double>(buf);
        for (int64_t i = 0; i < n; ++i) {
          out[i] = IsNullValue(a[i]) ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(a[i]);
        }
        return;
      }
      case NodeOp::kAdd:
      case NodeOp::kSub:
      case NodeOp::kMul:
      case NodeOp::kDiv: RunArithmetic(node, f, n, buf); return;
      case NodeOp::kAbs: {
        if (node.type == ValueType::kFloat) {
          const auto* a = Arg<double>(f, node, 0);
          auto* out = As<double>(buf);
          for (int64_t i = 0; i < n; ++i) out[i] = std::fabs(a[i]);  // NaN (missing) stays NaN
        } else {
          const auto* a = Arg<int64_t>(f, node, 0);
          auto* out = As<int64_t>(buf);
          // The null sentinel is the one value without a positive twin.
          for (int64_t i = 0; i < n; ++i) out[i] = IsNullValue(a[i]) ? kNullInt : (a[i] < 0 ? -a[i] : a[i]);
        }
        return;
      }
      case NodeOp::kIsMissing:
      case NodeOp::kIsPresent: {
        auto* out = As<uint8_t>(buf);
        const uint8_t if_null = node.op == NodeOp::kIsMissing ? kT : kF;
        const uint8_t if_value = node.op == NodeOp::kIsMissing ? kF : kT;
        const void* p = f.buffers[static_cast<size_t>(node.children[0])];
        switch (ArgType(node, 0)) {
          case ValueType::kBool: Presence(static_cast<const uint8_t*>(p), out, n, if_null, if_value); return;
          case ValueType::kInteger: Presence(static_cast<const int64_t*>(p), out, n, if_null, if_value); return;
          case ValueType::kFloat: Presence(static_cast<const double*>(p), out, n, if_null, if_value); return;
          case ValueType::kDate: Presence(static_cast<const int32_t*>(p), out, n, if_null, if_value); return;
          case ValueType::kString:
            Presence(static_cast<const std::string_view*>(p), out, n, if_null, if_value);
            return;
          default: return;
        }
      }
      case NodeOp::kInList: {
        auto* out = As<uint8_t>(buf);
        if (ArgType(node, 0) == ValueType::kString) {
          const StringSet& set = in_.string_lists[static_cast<size_t>(node.aux)];
          MemoPredicate(node, f, n, out, [&](std::string_view s) { return set.find(s) != set.end(); });
        } else {
          const std::vector<int64_t>& list = in_.int_lists[static_cast<size_t>(node.aux)];
          const auto* a = Arg<int64_t>(f, node, 0);
          for (int64_t i = 0; i < n; ++i) {
            out[i] = IsNullValue(a[i]) ? kM
                                       : static_cast<uint8_t>(std::binary_search(list.begin(), list.end(), a[i]));
          }
        }
        return;
      }
      case NodeOp::kMatches: {
        const RE2& re = *in_.regexes[static_cast<size_t>(node.aux)];
        MemoPredicate(node, f, n, As<uint8_t>(buf), [&](std::string_view s) {
          return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
        });
        return;
      }
      case NodeOp::kAreaExists: {
        const AreaTable& areas = *in_.areas;
        MemoPredicate(node, f, n, As<uint8_t>(buf),
                      [&](std::string_view s) { return areas.Find(s) != nullptr; });
        return;
      }
      case NodeOp::kStartsWith: {
        auto* out = As<uint8_t>(buf);
        const auto* prefix = Arg<std::string_view>(f, node, 1);
        if (node.memo >= 0) {
          if (IsNullValue(prefix[0])) {
            std::fill(out, out + n, kM);
            return;
          }
          const std::string_view p = prefix[0];
          MemoPredicate(node, f, n, out, [&](std::string_view s) { return s.starts_with(p); });
          return;
        }
        const auto* s = Arg<std::string_view>(f, node, 0);
        for (int64_t i = 0; i < n; ++i) {
          out[i] = IsNullValue(s[i]) || IsNullValue(prefix[i]) ? kM
                                                               : static_cast<uint8_t>(s[i].starts_with(prefix[i]));
        }
        return;
      }
      case NodeOp::kLength: {
        const auto* s = Arg<std::string_view>(f, node, 0);
        auto* out = As<int64_t>(buf);
        for (int64_t i = 0; i < n; ++i) {
          out[i] = IsNullValue(s[i]) ? kNullInt : static_cast<int64_t>(CodePointCount(s[i]));
        }
        return;
      }
      case NodeOp::kYear:
      case NodeOp::kMonth:
      case NodeOp::kDay: {
        const auto* d = Arg<int32_t>(f, node, 0);
        auto* out = As<int64_t>(buf);
        for (int64_t i = 0; i < n; ++i) {
          if (IsNullValue(d[i])) {
            out[i] = kNullInt;
            continue;
          }
          const CivilDate c = CivilFromDays(d[i]);
          out[i] = node.op == NodeOp::kYear ? c.year : node.op == NodeOp::kMonth ? c.month : c.day;
        }
        return;
      }
      case NodeOp::kAgeAt:
      case NodeOp::kDaysBetween: {
        const auto* a = Arg<int32_t>(f, node, 0);
        const auto* b = Arg<int32_t>(f, node, 1);
        auto* out = As<int64_t>(buf);
        for (int64_t i = 0; i < n; ++i) {
          if (IsNullValue(a[i]) || IsNullValue(b[i])) {
            out[i] = kNullInt;
          } else {
            out[i] = node.op == NodeOp::kAgeAt ? AgeAt(a[i], b[i]) : static_cast<int64_t>(b[i]) - a[i];
          }
        }
        return;
      }
      case NodeOp::kIdParse: {
        const auto* s = Arg<std::string_view>(f, node, 0);
        auto* out = As<IdValue>(buf);
        for (int64_t i = 0; i < n; ++i) {
          out[i].null = IsNullValue(s[i]);
          if (!out[i].null) out[i].info = ParseCitizenId(s[i]);
        }
        return;
      }
      case NodeOp::kIdValid: {
        const auto* id = Arg<IdValue>(f, node, 0);
        auto* out = As<uint8_t>(buf);
        for (int64_t i = 0; i < n; ++i) {
          out[i] = id[i].null ? kM : static_cast<uint8_t>(id[i].info.status == IdStatus::kValid);
        }
        return;
      }
      case NodeOp::kIdBirthDate: {
        const auto* id = Arg<IdValue>(f, node, 0);
        auto* out = As<int32_t>(buf);
        for (int64_t i = 0; i < n; ++i) {
          out[i] = !id[i].null && id[i].info.status == IdStatus::kValid ? id[i].info.birth_days : kNullDate;
        }
        return;
      }
      case NodeOp::kIdSex: {
        static constexpr char kMale[] = "1";
        static constexpr char kFemale[] = "2";
        const auto* id = Arg<IdValue>(f, node, 0);
        auto* out = As<std::string_view>(buf);
        for (int64_t i = 0; i < n; ++i) {
          const bool ok = !id[i].null && id[i].info.status == IdStatus::kValid;
          out[i] = !ok                    ? std::string_view()
                   : id[i].info.sex == 1 ? std::string_view(kMale, 1)
                   : id[i].info.sex == 2 ? std::string_view(kFemale, 1)
                                         : std::string_view();
        }
        return;
      }
      case NodeOp::kIdArea: {
        const auto* id = Arg<IdValue>(f, node, 0);
        const auto* s = Arg<std::string_view>(f, node, 1);
        auto* out = As<std::string_view>(buf);
        for (int64_t i = 0; i < n; ++i) {
          const bool ok = !id[i].null && id[i].info.status == IdStatus::kValid;
          out[i] = ok ? s[i].substr(0, 6) : std::string_view();
        }
        return;
      }
      case NodeOp::kIsUnique: {
        const std::vector<Outcome>& flags = in_.unique_flags[static_cast<size_t>(node.aux)];
        std::memcpy(buf, flags.data() + f.begin[node.side], static_cast<size_t>(n));
        return;
      }
      case NodeOp::kLookupRow: {
        const LookupIndex& li = in_.lookups[static_cast<size_t>(node.aux)];
        auto* out = As<int64_t>(buf);
        const size_t size = li.row_of_id.size();
        auto row_of = [&](uint32_t id) -> int64_t {
          if (id == StringPool::kNull || id >= size) return -1;
          const int32_t r = li.row_of_id[id];
          return r <= 0 ? -1 : r - 1;
        };
        if (node.direct_column >= 0) {
          const uint32_t* ids = rules_.table_->column(node.direct_column).strings().data() + ArgBegin(f, node, 0);
          for (int64_t i = 0; i < n; ++i) out[i] = row_of(ids[i]);
        } else {
          const auto* s = Arg<std::string_view>(f, node, 0);
          const StringPool& pool = rules_.table_->pool();
          for (int64_t i = 0; i < n; ++i) out[i] = IsNullValue(s[i]) ? -1 : row_of(pool.Find(s[i]));
        }
        return;
      }
      case NodeOp::kLookupField: {
        const auto* rows = Arg<int64_t>(f, node, 0);
        const Column& col = node.table->column(node.column);
        for (int64_t i = 0; i < n; ++i) {
          const int64_t r = rows[i];
          switch (node.type) {
            case ValueType::kInteger: As<int64_t>(buf)[i] = r < 0 ? kNullInt : col.integer(r); break;
            case ValueType::kDate: As<int32_t>(buf)[i] = r < 0 ? kNullDate : col.date(r); break;
            default: As<std::string_view>(buf)[i] = r < 0 ? std::string_view() : View(col.string_id(r)); break;
          }
        }
        return;
      }
    }
  }

  template <typename T>
  static void Presence(const T* a, uint8_t* out, int64_t n, uint8_t if_null, uint8_t if_value) {
    for (int64_t i = 0; i < n; ++i) out[i] = IsNullValue(a[i]) ? if_null : if_value;
  }

  void RunArithmetic(const Node& node, const Frame& f, int64_t n, uint64_t* buf) const {
    if (node.type == ValueType::kFloat) {
      const auto* a = Arg<double>(f, node, 0);
      const auto* b = Arg<double>(f, node, 1);
      auto* out = As<double>(buf);
      constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
      for (int64_t i = 0; i < n; ++i) {
        switch (node.op) {
          case NodeOp::kAdd: out[i] = a[i] + b[i]; break;
          case NodeOp::kSub: out[i] = a[i] - b[i]; break;
          case NodeOp::kMul: out[i] = a[i] * b[i]; break;
          default: out[i] = b[i] == 0 ? kNaN : a[i] / b[i]; break;  // x / 0 is missing
        }
        if (std::isinf(out[i])) out[i] = kNaN;
      }
      return;
    }
    if (node.type == ValueType::kDate) {
      // date ± days
      const auto* a = Arg<int32_t>(f, node, 0);
      const auto* b = Arg<int64_t>(f, node, 1);
      auto* out = As<int32_t>(buf);
      for (int64_t i = 0; i < n; ++i) {
        if (IsNullValue(a[i]) || IsNullValue(b[i]) || b[i] > (int64_t{1} << 40) || b[i] < -(int64_t{1} << 40)) {
          out[i] = kNullDate;
        } else {
          out[i] = DateOrNull(node.op == NodeOp::kAdd ? a[i] + b[i] : a[i] - b[i]);
        }
      }
      return;
    }
    auto* out = As<int64_t>(buf);
    if (ArgType(node, 0) == ValueType::kDate) {  // date - date = days
      const auto* a = Arg<int32_t>(f, node, 0);
      const auto* b = Arg<int32_t>(f, node, 1);
      for (int64_t i = 0; i < n; ++i) {
        out[i] = IsNullValue(a[i]) || IsNullValue(b[i]) ? kNullInt : static_cast<int64_t>(a[i]) - b[i];
      }
      return;
    }
    const auto* a = Arg<int64_t>(f, node, 0);
    const auto* b = Arg<int64_t>(f, node, 1);
    for (int64_t i = 0; i < n; ++i) {
      int64_t r = 0;
      bool overflow = false;
      switch (node.op) {
        case NodeOp::kAdd: overflow = __builtin_add_overflow(a[i], b[i], &r); break;
        case NodeOp::kSub: overflow = __builtin_sub_overflow(a[i], b[i], &r); break;
        default: overflow = __builtin_mul_overflow(a[i], b[i], &r); break;
      }
      // Overflow, or a result landing on the null sentinel, is missing.
      out[i] = IsNullValue(a[i]) || IsNullValue(b[i]) || overflow ? kNullInt : r;
    }
  }

  const CompiledRules& rules_;
  const CompiledRules::Internals& in_;
};

Result<CheckResult> CompiledRules::Evaluate(const EvalOptions& options) const {
  const Table& table = *table_;
  if (options.chunk_size <= 0) return Status::InvalidArgument("chunk_size must be positive");
  if (pair_fields_) {
    return Status::FailedPrecondition("pair expressions (l.x, r.x) are evaluated per pair: use EvaluatePair");
  }
  CheckResult result;
  result.source = source_name_;
  result.num_rows = table.num_rows();
  for (const BoundRule& r : rules_) {
    RuleSummary s;
    s.rule_id = r.rule.id;
    s.label_zh = r.rule.label_zh;
    s.label_en = r.rule.label_en;
    s.severity = r.rule.severity;
    s.kind = r.rule.kind;
    s.tolerance = r.rule.tolerance;
    s.fields = r.fields;
    s.foreign_fields = r.foreign_fields;
    s.skipped = r.root < 0;
    s.skip_reason = r.skip_reason;
    result.summaries.push_back(std::move(s));
    result.outcomes.emplace_back(r.root < 0 ? 0 : static_cast<size_t>(table.num_rows()));
  }
  for (int c = 0; c < table.num_columns(); ++c) {
    if (table.column(c).size() != table.num_rows()) {
      return Status::FailedPrecondition("table changed after the rules were compiled");
    }
  }
  const int64_t rows = table.num_rows();
  const int64_t chunk = options.chunk_size;
  const int64_t num_chunks = (rows + chunk - 1) / chunk;
  int threads = options.num_threads > 0 ? options.num_threads
                                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, num_chunks)));

  std::vector<std::vector<Finding>> chunk_findings(static_cast<size_t>(num_chunks));
  std::vector<std::vector<int64_t>> counts(static_cast<size_t>(threads),
                                           std::vector<int64_t>(rules_.size() * 3, 0));
  std::atomic<int64_t> next_chunk{0};
  Evaluator evaluator(*this);

  auto worker = [&](int thread_idx) {
    Evaluator::Workspace ws = evaluator.MakeWorkspace(chunk);
    std::vector<int64_t>& my_counts = counts[static_cast<size_t>(thread_idx)];
    while (true) {
      const int64_t chunk_idx = next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (chunk_idx >= num_chunks) break;
      const int64_t begin = chunk_idx * chunk;
      const int64_t n = std::min(chunk, rows - begin);
      evaluator.RunChunk(ws, begin, n);
      std::vector<Finding>& found = chunk_findings[static_cast<size_t>(chunk_idx)];
      for (size_t rule_idx = 0; rule_idx < rules_.size(); ++rule_idx) {
        const int32_t root = rules_[rule_idx].root;
        if (root < 0) continue;
        const auto* v = reinterpret_cast<const uint8_t*>(ws.buffers[static_cast<size_t>(root)]);
        std::memcpy(result.outcomes[rule_idx].data() + begin, v, static_cast<size_t>(n));
        int64_t c[3] = {0, 0, 0};
        for (int64_t i = 0; i < n; ++i) ++c[v[i]];
        for (int k = 0; k < 3; ++k) my_counts[rule_idx * 3 + static_cast<size_t>(k)] += c[k];
      }
      // Findings row-major within the chunk.
      for (int64_t row_idx = begin; row_idx < begin + n; ++row_idx) {
        for (size_t rule_idx = 0; rule_idx < rules_.size(); ++rule_idx) {
          if (rules_[rule_idx].root < 0) continue;
          if (result.outcomes[rule_idx][static_cast<size_t>(row_idx)] == Outcome::kFail) {
            found.push_back({row_idx, table.origin_line(row_idx), static_cast<int32_t>(rule_idx)});
          }
        }
      }
    }
  };
  if (threads == 1) {
    worker(0);
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  }
  size_t total = 0;
  for (const auto& f : chunk_findings) total += f.size();
  result.findings.reserve(total);
  for (auto& f : chunk_findings) result.findings.insert(result.findings.end(), f.begin(), f.end());
  for (size_t rule_idx = 0; rule_idx < rules_.size(); ++rule_idx) {
    RuleSummary& s = result.summaries[rule_idx];
    if (s.skipped) continue;
    for (const auto& c : counts) {
      s.fails += c[rule_idx * 3 + kF];
      s.passes += c[rule_idx * 3 + kT];
      s.missing += c[rule_idx * 3 + kM];
    }
    s.items = s.passes + s.fails + s.missing;
    const int64_t decided = s.passes + s.fails;
    s.pass_rate = decided == 0 ? 1.0 : static_cast<double>(s.passes) / static_cast<double>(decided);
    s.within_tolerance = s.pass_rate >= s.tolerance;
  }
  return result;
}

void CompiledRules::EvaluatePair(int64_t left, int64_t right, Outcome* outcomes) const {
  VL_CHECK(pair_fields_);
  const Internals& in = *internals_;
  // One value per node in 8-byte aligned slots (IdValue is the largest type).
  constexpr size_t kSlot = (sizeof(IdValue) + 7) / 8 * 8;
  alignas(16) unsigned char frame[kMaxPairNodes * kSlot];
  uint64_t* buffers[kMaxPairNodes];
  VL_DCHECK(in.pair_frame_bytes <= sizeof frame);
  std::memcpy(frame, in.pair_consts.data(), in.pair_const_bytes);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const int32_t off = in.pair_offsets[i];
    buffers[i] = off < 0 ? nullptr : reinterpret_cast<uint64_t*>(frame + off);
  }
  Evaluator(*this).RunPair(buffers, left, right);
  for (size_t rule_idx = 0; rule_idx < rules_.size(); ++rule_idx) {
    const int32_t root = rules_[rule_idx].root;
    outcomes[rule_idx] =
        root < 0 ? Outcome::kMissing : static_cast<Outcome>(*reinterpret_cast<const uint8_t*>(buffers[root]));
  }
}

Result<AreaSummary> SummarizeByArea(const CheckResult& result, const Table& table, std::string_view area_field) {
  const int col = table.FindColumn(area_field);
  if (col < 0) return Status::InvalidArgument("no area field '" + std::string(area_field) + "' in the table");
  const Column& area = table.column(col);
  if (!area.is_string()) return Status::InvalidArgument("area field '" + std::string(area_field) + "' must be text");
  if (table.num_rows() != result.num_rows) {
    return Status::InvalidArgument("the check result was computed on a different table");
  }
  // Per pool id of the area code: wrong and missing counts per record first.
  struct Acc {
    int64_t records = 0, wrong = 0, missing = 0;
  };
  std::unordered_map<uint32_t, Acc> by_code;
  for (int64_t row = 0; row < table.num_rows(); ++row) {
    Acc& a = by_code[area.string_id(row)];
    ++a.records;
  }
  for (const Finding& f : result.findings) {
    Acc& a = by_code[area.string_id(f.row)];
    if (result.summaries[static_cast<size_t>(f.rule_index)].kind == RuleKind::kMissing) {
      ++a.missing;
    } else {
      ++a.wrong;
    }
  }
  std::map<std::string, Acc> villages;
  std::map<std::string, Acc> townships;
  auto add = [](Acc& to, const Acc& from) {
    to.records += from.records;
    to.wrong += from.wrong;
    to.missing += from.missing;
  };
  for (const auto& [id, acc] : by_code) {
    const std::string_view code = id == StringPool::kNull ? std::string_view() : table.pool().Get(id);
    const bool village = code.size() == 12 && std::all_of(code.begin(), code.end(), [](char c) {
                           return c >= '0' && c <= '9';
                         });
    add(villages[village ? std::string(code) : std::string()], acc);
    add(townships[village ? std::string(code.substr(0, 9)) : std::string()], acc);
  }
  auto to_rates = [](const std::map<std::string, Acc>& m) {
    std::vector<AreaRate> out;
    for (const auto& [code, acc] : m) {
      AreaRate r;
      r.code = code;
      r.records = acc.records;
      r.wrong_items = acc.wrong;
      r.missing_items = acc.missing;
      r.wrong_per_100 = acc.records == 0 ? 0 : 100.0 * static_cast<double>(acc.wrong) / static_cast<double>(acc.records);
      r.missing_per_100 =
          acc.records == 0 ? 0 : 100.0 * static_cast<double>(acc.missing) / static_cast<double>(acc.records);
      out.push_back(std::move(r));
    }
    return out;
  };
  AreaSummary summary;
  summary.villages = to_rates(villages);
  summary.townships = to_rates(townships);
  return summary;
}

}  // namespace vitalink::check
