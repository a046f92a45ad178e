#include "vitalink/estimate/capture_table.h"

#include <charconv>
#include <utility>

namespace vitalink::estimate {

CaptureTable::CaptureTable(int num_sources, std::vector<int64_t> counts)
    : num_sources_(num_sources), counts_(std::move(counts)) {
  for (int64_t c : counts_) observed_ += c;
}

Result<CaptureTable> CaptureTable::Make(int num_sources, std::vector<int64_t> counts) {
  if (num_sources < 2 || num_sources > kMaxSources) {
    return Status::InvalidArgument("capture table: number of sources must be 2.." +
                                   std::to_string(kMaxSources) + ", got " +
                                   std::to_string(num_sources));
  }
  const size_t expected = (size_t{1} << num_sources) - 1;
  if (counts.size() != expected) {
    return Status::InvalidArgument("capture table: expected " + std::to_string(expected) +
                                   " history counts, got " + std::to_string(counts.size()));
  }
  for (size_t cell_idx = 0; cell_idx < counts.size(); ++cell_idx) {
    if (counts[cell_idx] < 0) {
      return Status::InvalidArgument(
          "capture table: negative count for history " +
          HistoryString(static_cast<uint32_t>(cell_idx + 1), num_sources));
    }
  }
  return CaptureTable(num_sources, std::move(counts));
}

Result<CaptureTable> CaptureTable::FromTwoSources(int64_t n1, int64_t n2, int64_t m) {
  if (n1 < 0 || n2 < 0 || m < 0 || m > n1 || m > n2) {
    return Status::InvalidArgument(
        "two-source table: need 0 <= m <= min(n1, n2), got n1=" + std::to_string(n1) +
        " n2=" + std::to_string(n2) + " m=" + std::to_string(m));
  }
  // h = 1 (source 0 only), h = 2 (source 1 only), h = 3 (both).
  return Make(2, {n1 - m, n2 - m, m});
}

Result<CaptureTable> CaptureTable::FromStrings(const std::vector<std::string>& cells) {
  int num_sources = 0;
  std::vector<int64_t> counts;
  for (const std::string& cell : cells) {
    const size_t eq = cell.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("capture table: expected history=count, got '" + cell + "'");
    }
    VL_ASSIGN_OR_RETURN(uint32_t history, ParseHistory(std::string_view(cell).substr(0, eq)));
    const int k = static_cast<int>(eq);
    if (num_sources == 0) {
      if (k < 2 || k > kMaxSources) {
        return Status::InvalidArgument("capture table: history length must be 2.." +
                                       std::to_string(kMaxSources));
      }
      num_sources = k;
      counts.assign((size_t{1} << k) - 1, 0);
    } else if (k != num_sources) {
      return Status::InvalidArgument("capture table: histories of different lengths");
    }
    int64_t value = 0;
    const char* begin = cell.data() + eq + 1;
    const char* end = cell.data() + cell.size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end) {
      return Status::InvalidArgument("capture table: bad count in '" + cell + "'");
    }
    counts[history - 1] += value;
  }
  if (num_sources == 0) return Status::InvalidArgument("capture table: no cells");
  return Make(num_sources, std::move(counts));
}

int64_t CaptureTable::source_total(int source) const {
  int64_t total = 0;
  for (size_t cell_idx = 0; cell_idx < counts_.size(); ++cell_idx) {
    if (((cell_idx + 1) >> source) & 1U) total += counts_[cell_idx];
  }
  return total;
}

std::string CaptureTable::HistoryString(uint32_t history, int num_sources) {
  std::string s(static_cast<size_t>(num_sources), '0');
  for (int source = 0; source < num_sources; ++source) {
    if ((history >> source) & 1U) s[static_cast<size_t>(source)] = '1';
  }
  return s;
}

Result<uint32_t> CaptureTable::ParseHistory(std::string_view text) {
  if (text.empty() || text.size() > static_cast<size_t>(kMaxSources)) {
    return Status::InvalidArgument("capture history must have 1.." + std::to_string(kMaxSources) +
                                   " characters: '" + std::string(text) + "'");
  }
  uint32_t history = 0;
  for (size_t source = 0; source < text.size(); ++source) {
    if (text[source] == '1') {
      history |= 1U << source;
    } else if (text[source] != '0') {
      return Status::InvalidArgument("capture history must be 0/1: '" + std::string(text) + "'");
    }
  }
  if (history == 0) {
    return Status::InvalidArgument("capture history 0…0 is unobservable: '" + std::string(text) +
                                   "'");
  }
  return history;
}

}  // namespace vitalink::estimate
