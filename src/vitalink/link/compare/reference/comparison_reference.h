// Naive twin of the Comparator: the level of one comparison for one pair,
// computed straight from the table's values with the one-shot UTF-8 string
// metrics and the pinyin converter, no precomputation. Tests assert it agrees
// with Comparator::Compare on every pair.
//
//   uint8_t level = ReferenceComparisonLevel(rs, spec, a, b);
#pragma once

#include <cstdint>

#include "vitalink/link/compare/comparison.h"
#include "vitalink/link/record_set.h"

namespace vitalink::link {

/// Return the level of `spec` for records a and b (kNullLevel when a value is
/// missing). The spec's columns must exist in `rs` (derived ones included:
/// build a Comparator on `rs` first). Slow; for tests only.
uint8_t ReferenceComparisonLevel(const RecordSet& rs, const ComparisonSpec& spec, int64_t a, int64_t b);

}  // namespace vitalink::link
