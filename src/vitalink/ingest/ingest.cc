#include "vitalink/ingest/ingest.h"

#include <algorithm>
#include <chrono>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <variant>

#include <nlohmann/json.hpp>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/file_io.h"
#include "vitalink/ingest/csv_reader.h"
#include "vitalink/ingest/fields.h"
#include "vitalink/ingest/normalize.h"
#include "vitalink/ingest/postgres_source.h"
#include "vitalink/ingest/sqlite_source.h"
#include "vitalink/store/checksum.h"

namespace vitalink::ingest {
namespace {

namespace fs = std::filesystem;

// Beyond this many distinct raw values a column stops caching (IDs are unique:
// caching them would only cost memory).
constexpr uint32_t kMaxCachedValues = 1u << 21;
// After this many lookups a column whose values are mostly distinct stops caching.
constexpr int64_t kCacheProbe = 1 << 16;

struct FieldError {
  std::string kind;
  std::string message;
};

// A normalized value, or why the raw text could not be normalized.
struct Normalized {
  bool ok = true;
  // Unique-per-record values (citizen IDs) are not interned here but in
  // batches by the caller (StringPool::InternBatch): `deferred` is set and
  // the value is in `text`.
  bool deferred = false;
  std::string text;
  uint32_t string_id = StringPool::kNull;
  int32_t date = kNullDate;
  int64_t integer = kNullInt;
  FieldError error;
};

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Normalizes one mapped column, once per distinct raw value.
class FieldIngester {
 public:
  FieldIngester(const CanonicalField& field, int source_column, const NameNormalizer* names,
                StringPool* pool)
      : field_(field), source_column_(source_column), names_(names), pool_(pool) {
    // Citizen IDs are unique per person and ParseDate is cheaper than a
    // cache lookup: neither is cached. Names (OpenCC) and codes are.
    cache_enabled_ = field.kind != ValueKind::kCitizenId && field.kind != ValueKind::kDate;
  }

  int source_column() const { return source_column_; }
  const CanonicalField& field() const { return field_; }

  const Normalized& Normalize(std::string_view raw) {
    if (!cache_enabled_) {
      // Into the same scratch value every row: its strings keep their storage.
      ComputeInto(raw, scratch_);
      return scratch_;
    }
    const uint32_t raw_id = raw_pool_.Intern(raw);
    ++lookups_;
    if (raw_id >= cache_.size()) {
      Normalized n = Compute(raw);
      if (n.deferred) {
        n.string_id = pool_->Intern(n.text);
        n.deferred = false;
        n.text.clear();
      }
      cache_.resize(raw_id + 1);
      cache_[raw_id] = std::move(n);
      // A column of mostly distinct values (names in a large register,
      // household numbers) gains nothing from the cache but its misses:
      // compute each value and intern in batches instead.
      // Names are worth caching longer: normalizing one costs more than a miss.
      const int64_t distinct_limit = field_.kind == ValueKind::kName ? lookups_ / 2 : lookups_ / 5;
      if (raw_pool_.size() > kMaxCachedValues ||
          (lookups_ >= kCacheProbe && static_cast<int64_t>(raw_pool_.size()) > distinct_limit)) {
        cache_enabled_ = false;
        scratch_ = cache_[raw_id];
        return scratch_;
      }
    }
    return cache_[raw_id];
  }

 private:
  Normalized Compute(std::string_view raw) const {
    Normalized out;
    ComputeInto(raw, out);
    return out;
  }

  // Overwrite `out` with the normalized `raw` (error is meaningful only when !ok).
  void ComputeInto(std::string_view raw, Normalized& out) const {
    out.ok = true;
    out.deferred = false;
    out.text.clear();
    out.string_id = StringPool::kNull;
    out.date = kNullDate;
    out.integer = kNullInt;
    switch (field_.kind) {
      case ValueKind::kText:
      case ValueKind::kCode:
        out.text = NormalizeText(raw);
        out.deferred = !out.text.empty();
        break;
      case ValueKind::kName:
        out.text = names_->Normalize(raw);
        out.deferred = !out.text.empty();
        break;
      case ValueKind::kCitizenId: {
        NormalizeCitizenIdInto(raw, out.text);
        out.deferred = !out.text.empty();
        break;
      }
      case ValueKind::kSex: {
        if (TrimAscii(raw).empty()) break;
        const std::optional<int> sex = ParseSex(raw);
        if (!sex) {
          out.ok = false;
          out.error = {"bad_sex", "unrecognised sex code '" + std::string(raw) + "'"};
          break;
        }
        const char code[2] = {static_cast<char>('0' + *sex), '\0'};
        out.string_id = pool_->Intern(code);
        break;
      }
      case ValueKind::kDate: {
        if (TrimAscii(raw).empty()) break;
        DateParse d = ParseDate(raw);
        if (!d.days) {
          out.ok = false;
          out.error = {"bad_date", std::move(d.error)};
          break;
        }
        out.date = *d.days;
        break;
      }
      case ValueKind::kInteger: {
        const std::string v = NormalizeText(raw);
        if (v.empty()) break;
        int64_t n = 0;
        const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || ptr != v.data() + v.size()) {
          out.ok = false;
          out.error = {"bad_integer", "not a whole number: '" + std::string(raw) + "'"};
          break;
        }
        out.integer = n;
        break;
      }
    }
  }

  const CanonicalField& field_;
  int source_column_;
  const NameNormalizer* names_;
  StringPool* pool_;
  bool cache_enabled_ = true;
  int64_t lookups_ = 0;
  StringPool raw_pool_;
  std::vector<Normalized> cache_;
  Normalized scratch_;
};

// Strings unique to a record (record ids, citizen IDs, pass-through values)
// are interned in batches: a large pool's lookups are cache misses, which
// StringPool::InternBatch overlaps by prefetching. Values are appended as
// placeholders and patched at Flush, before the table is read.
class InternBatcher {
 public:
  void Add(Column* column, std::string_view value) {
    if (value.empty()) {
      column->AppendString(StringPool::kNull);
      return;
    }
    pending_.push_back({column, column->strings().size(), arena_.size(), value.size()});
    arena_.append(value);
    column->AppendString(StringPool::kNull);
  }
  size_t size() const { return pending_.size(); }
  void Flush(StringPool& pool) {
    views_.clear();
    for (const Pending& p : pending_) views_.emplace_back(arena_.data() + p.offset, p.length);
    ids_.resize(views_.size());
    pool.InternBatch(views_, ids_.data());
    for (size_t i = 0; i < pending_.size(); ++i) {
      pending_[i].column->mutable_strings()[pending_[i].index] = ids_[i];
    }
    pending_.clear();
    arena_.clear();
  }

 private:
  struct Pending {
    Column* column;
    size_t index;
    size_t offset;
    size_t length;
  };
  std::vector<Pending> pending_;
  std::string arena_;
  std::vector<std::string_view> views_;
  std::vector<uint32_t> ids_;
};

// The two row sources behind one interface.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual const std::vector<std::string>& header() const = 0;
  virtual bool Next(CsvRow& row) = 0;
  virtual Status status() const { return Status::OK(); }
};

class CsvRowSource final : public RowSource {
 public:
  explicit CsvRowSource(CsvReader reader) : reader_(std::move(reader)) {}
  const std::vector<std::string>& header() const override { return reader_.header(); }
  bool Next(CsvRow& row) override { return reader_.Next(row); }
  CsvReader& reader() { return reader_; }

 private:
  CsvReader reader_;
};

class SqliteRowSource final : public RowSource {
 public:
  explicit SqliteRowSource(SqliteRowReader reader) : reader_(std::move(reader)) {}
  const std::vector<std::string>& header() const override { return reader_.header(); }
  bool Next(CsvRow& row) override { return reader_.Next(row); }
  Status status() const override { return reader_.status(); }

 private:
  SqliteRowReader reader_;
};

class PostgresRowSource final : public RowSource {
 public:
  explicit PostgresRowSource(PostgresRowReader reader) : reader_(std::move(reader)) {}
  const std::vector<std::string>& header() const override { return reader_.header(); }
  bool Next(CsvRow& row) override { return reader_.Next(row); }
  Status status() const override { return reader_.status(); }

 private:
  PostgresRowReader reader_;
};

// `location` is the source's Location(), computed once per source.
void AppendReject(std::string* out, const SourceConfig& src, const std::string& location, int64_t line,
                  std::string_view field, std::string_view reason, std::string_view raw) {
  if (out == nullptr) return;
  const std::string line_text = std::to_string(line);
  AppendCsvRow(*out, {src.name, location, line_text, field, reason, raw});
}

const NameNormalizer& SharedNameNormalizer(Status* status) {
  static const Result<NameNormalizer> normalizer = NameNormalizer::Make();
  if (!normalizer.ok()) *status = normalizer.status();
  static const NameNormalizer* ptr = normalizer.ok() ? &normalizer.value() : nullptr;
  return *ptr;
}

}  // namespace

Result<SourceData> IngestSource(const SourceConfig& source, std::shared_ptr<StringPool> pool,
                                std::string* rejects_csv) {
  const auto start = std::chrono::steady_clock::now();
  SourceSummary summary;
  summary.name = source.name;
  summary.role = source.role;
  summary.location = source.Location();

  std::unique_ptr<RowSource> rows;
  if (!source.path.empty()) {
    CsvOptions opts;
    opts.delimiter = source.delimiter;
    opts.encoding = source.encoding;
    auto reader = CsvReader::Open(source.path, opts);
    if (!reader.ok()) return reader.status().WithContext("source '" + source.name + "'");
    summary.encoding = std::string(EncodingName(reader->encoding()));
    summary.delimiter = reader->delimiter() == '\t' ? "\\t" : std::string(1, reader->delimiter());
    summary.bytes = reader->bytes();
    rows = std::make_unique<CsvRowSource>(std::move(*reader));
  } else if (!source.postgres.empty()) {
    auto reader = PostgresRowReader::Open(source.postgres, source.table, source.query);
    if (!reader.ok()) return reader.status().WithContext("source '" + source.name + "'");
    summary.encoding = "postgresql";
    rows = std::make_unique<PostgresRowSource>(std::move(*reader));
  } else {
    auto reader = SqliteRowReader::Open(source.sqlite, source.table, source.query);
    if (!reader.ok()) return reader.status().WithContext("source '" + source.name + "'");
    summary.encoding = "sqlite";
    rows = std::make_unique<SqliteRowSource>(std::move(*reader));
  }
  const std::vector<std::string>& header = rows->header();
  auto find_column = [&header](std::string_view name) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  auto header_list = [&header]() {
    std::string s;
    for (const std::string& h : header) s += (s.empty() ? "" : ", ") + h;
    return s;
  };

  Status normalizer_status;
  const NameNormalizer& names = SharedNameNormalizer(&normalizer_status);
  VL_RETURN_IF_ERROR(normalizer_status);

  Table table(pool);
  std::vector<bool> used(header.size(), false);
  int record_col = -1;
  if (!source.record_id.empty()) {
    record_col = find_column(source.record_id);
    if (record_col < 0) {
      return Status::InvalidArgument(source.Location() + ": record_id column '" + source.record_id +
                                     "' is not in the header (columns: " + header_list() + ")");
    }
    used[static_cast<size_t>(record_col)] = true;
  }
  Column* record_column = &table.AddColumn("record_id", FieldType::kCode);
  std::vector<std::unique_ptr<FieldIngester>> ingesters;
  std::vector<Column*> columns;
  ingesters.reserve(source.fields.size());
  for (const FieldMapping& m : source.fields) {
    const CanonicalField* f = FindCanonicalField(m.canonical);
    VL_CHECK(f != nullptr);  // validated by the config loader
    const int col = find_column(m.column);
    if (col < 0) {
      return Status::InvalidArgument(source.Location() + ": column '" + m.column + "' (mapped to " +
                                     m.canonical + ") is not in the header (columns: " +
                                     header_list() + ")");
    }
    used[static_cast<size_t>(col)] = true;
    ingesters.push_back(std::make_unique<FieldIngester>(*f, col, &names, pool.get()));
    columns.push_back(&table.AddColumn(std::string(f->name), f->type));
  }
  // Unknown columns pass through as raw text, under their own header name.
  std::vector<std::pair<int, Column*>> passthrough;
  for (size_t i = 0; i < header.size(); ++i) {
    if (used[i]) continue;
    std::string name = header[i].empty() ? "column_" + std::to_string(i + 1) : header[i];
    while (table.FindColumn(name) >= 0) name += "_";
    summary.passthrough_columns.push_back(name);
    passthrough.emplace_back(static_cast<int>(i), &table.AddColumn(name, FieldType::kText));
  }

  InternBatcher batch;
  // Size columns and the pool from the input size and the first record, so
  // neither grows (and rehashes, and faults in fresh pages) row by row.
  bool reserved = false;
  std::map<std::pair<std::string, std::string>, int64_t> reason_counts;
  std::vector<const Normalized*> staged(ingesters.size());
  std::string field_list;
  std::string reason_list;
  CsvRow row;
  std::optional<store::RowsDigest> digest;
  if (source.path.empty()) digest.emplace(header);
  while (rows->Next(row)) {
    ++summary.rows_read;
    if (digest) digest->AddRow(row.fields);
    if (!reserved) {
      reserved = true;
      if (summary.bytes > 0 && !row.raw.empty()) {
        const auto estimate = static_cast<int64_t>(
            static_cast<double>(summary.bytes) / static_cast<double>(row.raw.size() + 2) * 1.1);
        for (int c = 0; c < table.num_columns(); ++c) table.mutable_column(c).Reserve(estimate);
        pool->Reserve(pool->size() + static_cast<size_t>(estimate) * 2);
      }
    }
    if (row.error != CsvRowError::kNone) {
      const std::string field =
          row.error_field >= 0 && static_cast<size_t>(row.error_field) < header.size()
              ? header[static_cast<size_t>(row.error_field)]
              : std::string();
      ++reason_counts[{field, std::string(CsvRowErrorName(row.error))}];
      ++summary.rows_rejected;
      AppendReject(rejects_csv, source, summary.location, row.line, field, row.error_message, row.raw);
      continue;
    }
    bool ok = true;
    field_list.clear();
    reason_list.clear();
    for (size_t i = 0; i < ingesters.size(); ++i) {
      FieldIngester& ing = *ingesters[i];
      const Normalized& n = ing.Normalize(row.fields[static_cast<size_t>(ing.source_column())]);
      staged[i] = &n;
      if (!n.ok) {
        ok = false;
        ++reason_counts[{std::string(ing.field().name), n.error.kind}];
        if (!field_list.empty()) {
          field_list += ";";
          reason_list += "; ";
        }
        field_list += ing.field().name;
        reason_list += std::string(ing.field().name) + ": " + n.error.message;
      }
    }
    if (!ok) {
      ++summary.rows_rejected;
      AppendReject(rejects_csv, source, summary.location, row.line, field_list, reason_list, row.raw);
      continue;
    }
    // Accepted: append every column. (Cached references stay valid: the
    // cache only grows when a later field of the same ingester is looked
    // up, and each ingester is used once per row.)
    ++summary.rows_accepted;
    table.AppendRowOrigin(row.line);
    if (record_col >= 0) {
      batch.Add(record_column, TrimAscii(row.fields[static_cast<size_t>(record_col)]));
    } else {
      batch.Add(record_column, std::to_string(row.line));
    }
    for (size_t i = 0; i < ingesters.size(); ++i) {
      const Normalized& n = *staged[i];
      Column* c = columns[i];
      switch (c->type()) {
        case FieldType::kText:
        case FieldType::kCode:
          if (n.deferred) {
            batch.Add(c, n.text);
          } else {
            c->AppendString(n.string_id);
          }
          break;
        case FieldType::kDate: c->AppendDate(n.date); break;
        case FieldType::kInteger: c->AppendInt(n.integer); break;
      }
    }
    for (auto& [col, c] : passthrough) {
      // Pass-through values are kept as written but for surrounding spaces
      // (exports such as FEBRL's ", " separators pad every field).
      batch.Add(c, TrimAscii(row.fields[static_cast<size_t>(col)]));
    }
    if (batch.size() >= 8192) batch.Flush(*pool);
  }
  batch.Flush(*pool);
  VL_RETURN_IF_ERROR(rows->status().WithContext("source '" + source.name + "'"));
  VL_RETURN_IF_ERROR(table.Validate());
  if (digest) {
    summary.content_checksum = digest->Hex();
    summary.bytes = digest->bytes();
  }

  for (const auto& [key, count] : reason_counts) {
    summary.reasons.push_back({key.first, key.second, count});
  }
  std::stable_sort(summary.reasons.begin(), summary.reasons.end(),
                   [](const RejectReasonCount& a, const RejectReasonCount& b) { return a.count > b.count; });
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return SourceData{source, std::move(table), std::move(summary)};
}

std::string SummaryJson(const ProjectConfig& config, const IngestResult& result) {
  nlohmann::ordered_json j;
  j["config"] = config.path;
  int64_t read = 0, accepted = 0, rejected = 0;
  nlohmann::ordered_json sources = nlohmann::ordered_json::array();
  for (const SourceData& s : result.sources) {
    const SourceSummary& m = s.summary;
    nlohmann::ordered_json o;
    o["name"] = m.name;
    o["role"] = m.role;
    o["location"] = m.location;
    o["encoding"] = m.encoding;
    o["delimiter"] = m.delimiter;
    o["bytes"] = m.bytes;
    if (!m.content_checksum.empty()) o["content_checksum"] = m.content_checksum;
    o["seconds"] = m.seconds;
    o["mb_per_second"] = m.seconds > 0 ? static_cast<double>(m.bytes) / 1e6 / m.seconds : 0.0;
    o["rows_read"] = m.rows_read;
    o["rows_accepted"] = m.rows_accepted;
    o["rows_rejected"] = m.rows_rejected;
    // Relative to this summary's folder, so the summary does not depend on where the run went.
    o["rejects_path"] = (fs::path("rejects") / fs::path(m.rejects_path).filename()).string();
    nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
    for (const RejectReasonCount& r : m.reasons) {
      reasons.push_back({{"field", r.field}, {"kind", r.kind}, {"count", r.count}});
    }
    o["reasons"] = std::move(reasons);
    o["passthrough_columns"] = m.passthrough_columns;
    sources.push_back(std::move(o));
    read += m.rows_read;
    accepted += m.rows_accepted;
    rejected += m.rows_rejected;
  }
  j["sources"] = std::move(sources);
  j["totals"] = {{"rows_read", read}, {"rows_accepted", accepted}, {"rows_rejected", rejected}};
  return j.dump(2) + "\n";
}

Result<IngestResult> IngestProject(const ProjectConfig& config, const IngestOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string out_dir =
      (fs::path(options.output_dir.empty() ? config.output_dir : options.output_dir) / "ingest").string();
  IngestResult result;
  result.pool = std::make_shared<StringPool>();
  std::vector<std::string> rejects(config.sources.size());
  for (size_t i = 0; i < config.sources.size(); ++i) {
    rejects[i] = kRejectsHeader;
    VL_ASSIGN_OR_RETURN(SourceData data,
                        IngestSource(config.sources[i], result.pool, &rejects[i]));
    data.summary.rejects_path = (fs::path(out_dir) / "rejects" / (config.sources[i].name + ".csv")).string();
    result.sources.push_back(std::move(data));
  }
  if (options.write_outputs) {
    for (size_t i = 0; i < result.sources.size(); ++i) {
      VL_RETURN_IF_ERROR(WriteFileAtomic(result.sources[i].summary.rejects_path, rejects[i]));
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.write_outputs) {
    VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(out_dir) / "summary.json").string(),
                                       SummaryJson(config, result)));
  }
  return result;
}

}  // namespace vitalink::ingest
