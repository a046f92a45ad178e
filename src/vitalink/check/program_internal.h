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

namespace vitalink::check {

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
};

}  // namespace vitalink::check
