// Record lookup by (source name, record id) for decisions and follow-up outcomes, which
// name records the way staff see them. A source's index is built on first use only.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vitalink/ingest/ingest.h"

namespace vitalink::review::internal {

class RecordIndex {
 public:
  RecordIndex(const ingest::IngestResult& ingest, std::span<const int64_t> offsets)
      : ingest_(ingest), offsets_(offsets), rows_(ingest.sources.size()), indexed_(ingest.sources.size(), false) {
    for (size_t s = 0; s < ingest.sources.size(); ++s) source_by_name_[ingest.sources[s].config.name] = s;
  }

  /// Return the source's index, or -1 when this run ingested no such source.
  int Source(std::string_view name) const {
    const auto it = source_by_name_.find(name);
    return it == source_by_name_.end() ? -1 : static_cast<int>(it->second);
  }

  /// Return the global index (offsets[source] + row) of the record, or -1.
  int64_t Global(std::string_view source, std::string_view id) {
    const int s = Source(source);
    if (s < 0) return -1;
    const auto si = static_cast<size_t>(s);
    const Table& t = ingest_.sources[si].table;
    if (!indexed_[si]) {
      indexed_[si] = true;
      rows_[si].reserve(static_cast<size_t>(t.num_rows()));
      for (int64_t r = 0; r < t.num_rows(); ++r) rows_[si].emplace(t.pool().Get(t.column(0).string_id(r)), r);
    }
    const auto row = rows_[si].find(id);
    return row == rows_[si].end() ? -1 : offsets_[si] + row->second;
  }

 private:
  const ingest::IngestResult& ingest_;
  std::span<const int64_t> offsets_;
  std::map<std::string, size_t, std::less<>> source_by_name_;
  std::vector<std::unordered_map<std::string_view, int64_t>> rows_;
  std::vector<bool> indexed_;
};

}  // namespace vitalink::review::internal
