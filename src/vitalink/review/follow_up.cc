#include "vitalink/review/follow_up.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "vitalink/common/csv_writer.h"
#include "vitalink/ingest/csv_reader.h"
#include "vitalink/review/record_index_internal.h"

namespace vitalink::review {

namespace {

std::string Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Result<std::vector<store::FollowUpOutcome>> ReadFollowUpOutcomes(const std::string& path,
                                                                 const FollowUpReadOptions& options) {
  if (options.who.empty()) return Status::InvalidArgument(path + ": say who followed the records up");
  VL_ASSIGN_OR_RETURN(ingest::CsvReader reader, ingest::CsvReader::Open(path, {}));
  std::map<std::string, int, std::less<>> column;
  for (size_t i = 0; i < reader.header().size(); ++i) column.emplace(reader.header()[i], static_cast<int>(i));
  for (const char* needed : {"source", "record_id", "outcome"}) {
    if (!column.contains(needed)) {
      return Status::InvalidArgument(path + ":" + std::to_string(reader.header_line()) + ": no column '" +
                                     needed + "' (a follow-up list with the outcome column filled is expected)");
    }
  }
  auto field = [&column](const ingest::CsvRow& row, std::string_view name) -> std::string {
    const auto it = column.find(name);
    if (it == column.end() || static_cast<size_t>(it->second) >= row.fields.size()) return {};
    return Trimmed(row.fields[static_cast<size_t>(it->second)]);
  };
  std::vector<store::FollowUpOutcome> out;
  ingest::CsvRow row;
  while (reader.Next(row)) {
    const std::string where = path + ":" + std::to_string(row.line) + ": ";
    if (row.error != ingest::CsvRowError::kNone) {
      const std::string f = row.error_field >= 0 && static_cast<size_t>(row.error_field) < reader.header().size()
                                ? " (field " + reader.header()[static_cast<size_t>(row.error_field)] + ")"
                                : "";
      return Status::InvalidArgument(where + row.error_message + f);
    }
    store::FollowUpOutcome o;
    o.outcome = field(row, "outcome");
    if (o.outcome.empty()) continue;  // not followed up yet
    if (o.outcome != "found" && o.outcome != "not_found" && o.outcome != "not_a_birth") {
      return Status::InvalidArgument(where + "field outcome: '" + o.outcome +
                                     "' is not found, not_found or not_a_birth");
    }
    o.source = field(row, "source");
    o.record_id = std::string(FromSpreadsheetText(field(row, "record_id")));
    if (options.register_sources.contains(o.source)) {
      return Status::InvalidArgument(where + "field source: '" + o.source +
                                     "' is a register; only births outside the register (register_birth rows) are "
                                     "followed up");
    }
    if (o.source.empty() || o.record_id.empty()) {
      return Status::InvalidArgument(where + "field " + (o.source.empty() ? "source" : "record_id") +
                                     ": empty, so the outcome names no record");
    }
    o.found_source = field(row, "found_source");
    o.found_record_id = std::string(FromSpreadsheetText(field(row, "found_record_id")));
    if (o.outcome == "found") {
      if (o.found_record_id.empty()) {
        return Status::InvalidArgument(where + "field found_record_id: 'found' needs the id of the record found");
      }
      if (o.found_source.empty()) o.found_source = options.default_found_source;
      if (o.found_source.empty()) {
        return Status::InvalidArgument(where + "field found_source: empty and no default source");
      }
    } else if (!o.found_record_id.empty()) {
      return Status::InvalidArgument(where + "field found_record_id: only a 'found' outcome names a record");
    } else {
      o.found_source.clear();
    }
    o.note = std::string(FromSpreadsheetText(field(row, "note")));
    o.who = options.who;
    o.at = options.at;
    out.push_back(std::move(o));
  }
  return out;
}

Result<AppliedFollowUps> ApplyFollowUps(std::span<const store::FollowUpOutcome> outcomes,
                                        const ingest::IngestResult& ingest,
                                        std::span<const int64_t> offsets,
                                        std::span<const link::LinkJobResult> jobs,
                                        const std::string& register_source) {
  if (offsets.size() != ingest.sources.size()) {
    return Status::InvalidArgument("ApplyFollowUps: one offset per ingested source is needed");
  }
  int64_t rows = 0;
  for (const ingest::SourceData& s : ingest.sources) rows += s.table.num_rows();
  AppliedFollowUps out;
  out.not_a_birth.assign(static_cast<size_t>(rows), 0);
  out.followed_up.assign(static_cast<size_t>(rows), 0);
  internal::RecordIndex index(ingest, offsets);
  const int register_index = index.Source(register_source);

  // Global record → the outcome naming it; found pairs by their global endpoints.
  std::unordered_map<int64_t, const store::FollowUpOutcome*> not_found;
  std::map<std::pair<int64_t, int64_t>, const store::FollowUpOutcome*> found;
  std::unordered_set<int64_t> found_records;  // both ends of every found pair
  std::vector<std::string> unknown_names;
  for (const store::FollowUpOutcome& o : outcomes) {
    ++out.outcomes;
    const int64_t rec = index.Global(o.source, o.record_id);
    const int64_t other = o.outcome == "found" ? index.Global(o.found_source, o.found_record_id) : 0;
    if (rec < 0 || other < 0 || (o.outcome == "found" && other == rec)) {
      ++out.unknown_records;
      if (unknown_names.size() < 5) {
        unknown_names.push_back(o.source + " " + o.record_id +
                                (o.outcome == "found" ? " (found as " + o.found_source + " " + o.found_record_id + ")"
                                                      : std::string()));
      }
      continue;
    }
    out.followed_up[static_cast<size_t>(rec)] = 1;
    out.by_record[rec] = o;
    if (o.outcome == "found") {
      ++out.found;
      found.emplace(std::minmax(rec, other), &o);
      found_records.insert(rec);
      found_records.insert(other);
    } else if (o.outcome == "not_found") {
      ++out.not_found;
      not_found.emplace(rec, &o);
    } else {
      ++out.not_a_birth_records;
      out.not_a_birth[static_cast<size_t>(rec)] = 1;
    }
  }

  auto decision = [](std::string job, const std::string& sa, std::string_view ia, const std::string& sb,
                     std::string_view ib, const char* verdict, const store::FollowUpOutcome& o) {
    store::Decision d;
    d.job = std::move(job);
    d.source_a = sa;
    d.record_id_a = std::string(ia);
    d.source_b = sb;
    d.record_id_b = std::string(ib);
    d.decision = verdict;
    d.who = o.who;
    d.at = o.at;
    d.note = "follow-up: " + o.outcome;
    return d;
  };
  // The pairs the jobs scored: a found pair takes its job's name (so the job's rates count
  // it as a label). A not_found record refuses its pairs with register records that the
  // model did not link anyway (p < the job's threshold): staff looked for the child and
  // those records are not it. A pair at or above the threshold is left to the model — a
  // record on the list had no such link, so that is a register record made since (the
  // child registered after the visit), which the outcome cannot be about. A register
  // record that another outcome says *is* a child on the list is not refused either
  // (two records of one child, one found, one not: the found wins).
  std::set<std::pair<int64_t, int64_t>> found_scored;  // found pairs some job scored
  for (const link::LinkJobResult& job : jobs) {
    const link::RecordSet& rs = job.records;
    std::vector<int> source_of(static_cast<size_t>(rs.num_sources()));
    for (int i = 0; i < rs.num_sources(); ++i) source_of[static_cast<size_t>(i)] = index.Source(rs.source_name(i));
    auto global = [&](int64_t r) -> int64_t {
      const int s = source_of[static_cast<size_t>(rs.source_index(r))];
      return s < 0 ? -1 : offsets[static_cast<size_t>(s)] + rs.source_row(r);
    };
    for (const link::LinkedPair& p : job.pairs) {
      const int64_t a = global(p.a), b = global(p.b);
      if (a < 0 || b < 0) continue;
      const std::string& sa = rs.source_name(rs.source_index(p.a));
      const std::string& sb = rs.source_name(rs.source_index(p.b));
      const std::string_view ia = rs.pool().Get(rs.record_id(p.a));
      const std::string_view ib = rs.pool().Get(rs.record_id(p.b));
      if (auto f = found.find(std::minmax(a, b)); f != found.end()) {
        out.decisions.push_back(decision(job.settings.name, sa, ia, sb, ib, "match", *f->second));
        found_scored.insert(f->first);
        continue;
      }
      if (register_index < 0 || p.probability >= job.settings.match_threshold) continue;
      for (const auto& [rec, reg_rec, reg_source] :
           {std::tuple{a, b, source_of[static_cast<size_t>(rs.source_index(p.b))]},
            std::tuple{b, a, source_of[static_cast<size_t>(rs.source_index(p.a))]}}) {
        if (reg_source != register_index) continue;
        const auto nf = not_found.find(rec);
        if (nf == not_found.end()) continue;
        if (found_records.contains(reg_rec)) {
          ++out.conflicts;
          continue;
        }
        out.decisions.push_back(decision(job.settings.name, sa, ia, sb, ib, "non_match", *nf->second));
      }
    }
  }
  for (const auto& [pair, o] : found) {
    if (found_scored.contains(pair)) continue;
    out.decisions.push_back(decision("follow_up", o->source, o->record_id, o->found_source, o->found_record_id,
                                     "match", *o));
  }
  if (out.unknown_records > 0) {
    std::string names;
    for (const std::string& n : unknown_names) names += (names.empty() ? "" : ", ") + n;
    out.warnings.push_back(std::to_string(out.unknown_records) +
                           " follow-up outcomes name records this run did not ingest; they were skipped (" + names +
                           (out.unknown_records > 5 ? ", …)" : ")"));
  }
  if (out.conflicts > 0) {
    out.warnings.push_back(std::to_string(out.conflicts) +
                           " not_found outcomes would refuse a register record another outcome found; the found "
                           "outcome was kept");
  }
  return out;
}

}  // namespace vitalink::review
