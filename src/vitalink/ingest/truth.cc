#include "vitalink/ingest/truth.h"

#include <algorithm>
#include <regex>
#include <unordered_map>

#include "vitalink/ingest/csv_reader.h"

namespace vitalink::ingest {
namespace {

int64_t EntityNumber(std::unordered_map<std::string, int64_t>& ids, std::vector<std::string>& names,
                     std::string_view name) {
  auto [it, inserted] = ids.try_emplace(std::string(name), static_cast<int64_t>(names.size()));
  if (inserted) names.emplace_back(name);
  return it->second;
}

}  // namespace

bool HasTruth(const ProjectConfig& config) {
  return !config.truth_path.empty() || !config.truth_column.empty();
}

Result<Truth> LoadTruth(const ProjectConfig& config, const IngestResult& ingest) {
  Truth truth;
  truth.entity.resize(ingest.sources.size());
  truth.errors.resize(ingest.sources.size());
  for (size_t s = 0; s < ingest.sources.size(); ++s) {
    truth.entity[s].assign(static_cast<size_t>(ingest.sources[s].table.num_rows()), -1);
    truth.errors[s].assign(static_cast<size_t>(ingest.sources[s].table.num_rows()), std::string());
  }
  std::unordered_map<std::string, int64_t> ids;

  if (!config.truth_column.empty()) {
    std::regex re;
    const bool use_re = !config.truth_pattern.empty();
    if (use_re) {
      try {
        re = std::regex(config.truth_pattern);
      } catch (const std::regex_error& e) {
        return Status::InvalidArgument(config.path + ": truth.pattern: " + e.what());
      }
    }
    for (size_t s = 0; s < ingest.sources.size(); ++s) {
      const SourceData& src = ingest.sources[s];
      std::string column = config.truth_column;
      // The record id column is stored as "record_id" whatever its header.
      if (column == src.config.record_id) column = "record_id";
      const int col = src.table.FindColumn(column);
      if (col < 0) {
        return Status::InvalidArgument(config.path + ": truth.column '" + config.truth_column +
                                       "' is not a column of source '" + src.config.name + "'");
      }
      // Resolve once per distinct value.
      std::unordered_map<uint32_t, int64_t> by_value;
      const Column& c = src.table.column(col);
      for (int64_t r = 0; r < src.table.num_rows(); ++r) {
        if (c.IsNull(r)) continue;
        const uint32_t v = c.string_id(r);
        auto it = by_value.find(v);
        if (it == by_value.end()) {
          const std::string text(src.table.pool().Get(v));
          int64_t e = -1;
          if (!use_re) {
            e = EntityNumber(ids, truth.entity_names, text);
          } else if (std::smatch m; std::regex_search(text, m, re) && m.size() > 1) {
            e = EntityNumber(ids, truth.entity_names, m[1].str());
          }
          it = by_value.emplace(v, e).first;
        }
        truth.entity[s][static_cast<size_t>(r)] = it->second;
        truth.records_with_truth += it->second >= 0;
      }
    }
    return truth;
  }

  if (config.truth_path.empty()) return truth;
  // The generator's truth file: source,record_id,person_id,errors.
  VL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::Open(config.truth_path, CsvOptions{}));
  const auto& h = reader.header();
  auto find = [&h](std::string_view n) {
    for (size_t i = 0; i < h.size(); ++i) {
      if (h[i] == n) return static_cast<int>(i);
    }
    return -1;
  };
  const int c_source = find("source"), c_record = find("record_id"), c_person = find("person_id"),
            c_errors = find("errors");
  if (c_source < 0 || c_record < 0 || c_person < 0) {
    return Status::InvalidArgument(config.truth_path +
                                   ": truth file needs columns source, record_id, person_id");
  }
  // (source, record id) → row: record ids are already interned in the
  // project's pool, so each source keeps (pool id, row) sorted by pool id.
  std::vector<std::vector<std::pair<uint32_t, int64_t>>> rows(ingest.sources.size());
  std::unordered_map<std::string_view, size_t> source_index;
  for (size_t s = 0; s < ingest.sources.size(); ++s) {
    const SourceData& src = ingest.sources[s];
    source_index.emplace(src.config.name, s);
    const Column& rid = src.table.column(src.table.FindColumn("record_id"));
    rows[s].reserve(static_cast<size_t>(src.table.num_rows()));
    for (int64_t r = 0; r < src.table.num_rows(); ++r) {
      if (!rid.IsNull(r)) rows[s].emplace_back(rid.string_id(r), r);
    }
    std::sort(rows[s].begin(), rows[s].end());
  }
  const StringPool& pool = *ingest.pool;
  StringPool entities;  // entity name → dense number + 1
  CsvRow row;
  while (reader.Next(row)) {
    if (row.error != CsvRowError::kNone) {
      return Status::ParseError(config.truth_path + ":" + std::to_string(row.line) + ": " +
                                row.error_message);
    }
    auto s = source_index.find(row.fields[static_cast<size_t>(c_source)]);
    if (s == source_index.end()) continue;
    const uint32_t id = pool.Find(row.fields[static_cast<size_t>(c_record)]);
    if (id == StringPool::kNull) continue;  // a rejected row's record
    const auto& index = rows[s->second];
    auto it = std::lower_bound(index.begin(), index.end(), std::make_pair(id, int64_t{-1}));
    if (it == index.end() || it->first != id) continue;
    const std::string_view person = row.fields[static_cast<size_t>(c_person)];
    const uint32_t before = entities.size();
    const int64_t e = static_cast<int64_t>(entities.Intern(person)) - 1;
    if (entities.size() != before) truth.entity_names.emplace_back(person);
    truth.entity[s->second][static_cast<size_t>(it->second)] = e;
    if (c_errors >= 0 && !row.fields[static_cast<size_t>(c_errors)].empty()) {
      truth.errors[s->second][static_cast<size_t>(it->second)] = row.fields[static_cast<size_t>(c_errors)];
    }
    ++truth.records_with_truth;
  }
  return truth;
}

}  // namespace vitalink::ingest
