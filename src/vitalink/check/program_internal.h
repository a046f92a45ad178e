// Side tables of a CompiledRules, shared by the binder and the evaluator.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <re2/re2.h>

#include "vitalink/check/program.h"
#include "vitalink/common/citizen_id.h"

namespace vitalink::check {

/// A parsed citizen id as the evaluator holds it (kIdInfo values).
struct IdValue {
  CitizenIdInfo info;
  bool null = true;
};

/// Return the bytes one value of type `t` takes in an evaluation buffer.
inline size_t ValueSize(ValueType t) {
  switch (t) {
    case ValueType::kBool: return sizeof(uint8_t);
    case ValueType::kInteger: return sizeof(int64_t);
    case ValueType::kFloat: return sizeof(double);
    case ValueType::kDate: return sizeof(int32_t);
    case ValueType::kString: return sizeof(std::string_view);
    case ValueType::kIdInfo: return sizeof(IdValue);
    case ValueType::kRow: return sizeof(int64_t);
  }
  return 8;
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// A code list of `x in [...]`.
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

/// Hash index of a referenced table's key column, by StringPool id.
struct LookupIndex {
  const Table* table = nullptr;
  int key_column = -1;
  /// row_of_id[id]: 0 = no row, -1 = several rows (ambiguous), else row + 1.
  std::vector<int32_t> row_of_id;
};

/// Per-pool-id cache of a string predicate: 0 = not yet computed, else outcome + 1.
/// Racing writers store the same value, so relaxed atomics suffice.
struct Memo {
  std::unique_ptr<std::atomic<uint8_t>[]> cells;
  size_t size = 0;
};

struct CompiledRules::Internals {
  std::vector<std::unique_ptr<re2::RE2>> regexes;
  std::vector<StringSet> string_lists;
  std::vector<std::vector<int64_t>> int_lists;  // sorted
  std::vector<LookupIndex> lookups;
  std::vector<std::vector<Outcome>> unique_flags;  // per row of the checked table
  std::vector<Memo> memos;
  const AreaTable* areas = nullptr;
  /// Pair expressions: each needed node's value slot in an EvaluatePair
  /// frame (byte offsets; -1 = not needed), the frame's size, and the
  /// constants' bytes, copied into the frame's first const_bytes per pair.
  std::vector<int32_t> pair_offsets;
  size_t pair_frame_bytes = 0;
  size_t pair_const_bytes = 0;
  std::vector<uint64_t> pair_consts;
};

}  // namespace vitalink::check
