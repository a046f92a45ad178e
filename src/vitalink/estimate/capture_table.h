// Capture histories: the counts of persons by the set of sources that recorded
// them, the input of every estimator in this stage.
//
// A history over K sources is a bit mask h in 1 … 2^K − 1: bit s is set when
// source s captured the person. The all-zero history (missed by every source)
// is the unobserved cell the estimators predict. As a string, source 0 comes
// first: for K = 3, "110" is "in sources 0 and 1, not in source 2" (h = 0b011).
//
//   // register only 40, hospital only 25, both 900:
//   VL_ASSIGN_OR_RETURN(CaptureTable t, CaptureTable::FromTwoSources(940, 925, 900));
//   VL_ASSIGN_OR_RETURN(CaptureTable u, CaptureTable::Make(3, {c100, c010, c110, c001, ...}));
//   int64_t both = t.count(0b11);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"

namespace vitalink::estimate {

/// Largest number of sources the log-linear estimators accept (63 observable cells).
inline constexpr int kMaxSources = 6;

/// Observed capture-history counts over K sources. Immutable; cheap to copy.
class CaptureTable {
 public:
  /// Take `counts[h − 1]` for every history h = 1 … 2^K − 1 (so counts.size() must be
  /// 2^K − 1). Return InvalidArgument unless 2 ≤ K ≤ kMaxSources and every count ≥ 0.
  static Result<CaptureTable> Make(int num_sources, std::vector<int64_t> counts);

  /// Return the two-source table from list sizes n1, n2 and matched count m
  /// (cells "10" = n1 − m, "01" = n2 − m, "11" = m). InvalidArgument unless
  /// 0 ≤ m ≤ min(n1, n2).
  static Result<CaptureTable> FromTwoSources(int64_t n1, int64_t n2, int64_t m);

  /// Parse "history=count" pairs such as {"100=12", "011=3", …}; histories not
  /// listed are zero. All histories must have the same length K.
  static Result<CaptureTable> FromStrings(const std::vector<std::string>& cells);

  int num_sources() const { return num_sources_; }
  /// Return 2^K − 1, the number of observable histories.
  int num_cells() const { return static_cast<int>(counts_.size()); }
  /// Return the count of history `h` (1 ≤ h ≤ 2^K − 1).
  int64_t count(uint32_t history) const { return counts_[history - 1]; }
  /// Return the counts indexed by h − 1.
  const std::vector<int64_t>& counts() const { return counts_; }
  /// Return n, the number of distinct persons observed by any source.
  int64_t observed() const { return observed_; }
  /// Return n_s, the number of persons captured by source `s`.
  int64_t source_total(int source) const;

  /// Return the history as a 0/1 string, source 0 first ("101").
  static std::string HistoryString(uint32_t history, int num_sources);
  /// Parse a 0/1 history string; InvalidArgument on other characters or all zeros.
  static Result<uint32_t> ParseHistory(std::string_view text);

 private:
  CaptureTable(int num_sources, std::vector<int64_t> counts);

  int num_sources_ = 0;
  std::vector<int64_t> counts_;
  int64_t observed_ = 0;
};

}  // namespace vitalink::estimate
