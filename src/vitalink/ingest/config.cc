#include "vitalink/ingest/config.h"

#include <filesystem>
#include <algorithm>
#include <set>
#include <string_view>

#include <toml++/toml.h>

#include "vitalink/common/file_io.h"
#include "vitalink/ingest/fields.h"
#include "vitalink/ingest/postgres_source.h"

namespace vitalink::ingest {
namespace {

namespace fs = std::filesystem;

// Sections later stages own; the ingest loader accepts them unread.
constexpr std::string_view kStageSections[] = {"check", "link", "estimate", "report", "review", "serve",
                                               "store", "generate"};

class ConfigParser {
 public:
  ConfigParser(std::string path, std::string dir) : path_(std::move(path)), dir_(std::move(dir)) {}

  Status Error(const toml::node* node, const std::string& what) const {
    std::string where = path_;
    if (node != nullptr && node->source().begin) {
      where += ":" + std::to_string(node->source().begin.line) + ":" +
               std::to_string(node->source().begin.column);
    }
    return Status::InvalidArgument(where + ": " + what);
  }

  Status ErrorAt(const toml::source_region& where, const std::string& what) const {
    std::string at = path_;
    if (where.begin) at += ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
    return Status::InvalidArgument(at + ": " + what);
  }

  Result<std::string> String(const toml::table& t, std::string_view key, const std::string& ctx,
                             bool required) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) return Error(&t, ctx + ": missing required key '" + std::string(key) + "'");
      return std::string();
    }
    const auto* s = n->as_string();
    if (s == nullptr) return Error(n, ctx + "." + std::string(key) + ": expected a string");
    return s->get();
  }

  std::string Resolve(const std::string& p) const {
    if (p.empty()) return p;
    const fs::path fp(p);
    return fp.is_absolute() ? fp.lexically_normal().string() : (fs::path(dir_) / fp).lexically_normal().string();
  }

  Status CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                   const std::string& ctx) const {
    for (const auto& [key, node] : t) {
      bool ok = false;
      for (std::string_view a : allowed) ok = ok || key.str() == a;
      if (!ok) {
        std::string known;
        for (std::string_view a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
        (void)node;
        return ErrorAt(key.source(), ctx + ": unknown key '" + std::string(key.str()) + "' (known: " + known + ")");
      }
    }
    return Status::OK();
  }

  Result<SourceConfig> Source(const toml::table& t, size_t index) const {
    const std::string ctx = "sources[" + std::to_string(index) + "]";
    VL_RETURN_IF_ERROR(CheckKeys(t,
                                 {"name", "role", "path", "sqlite", "postgres", "table", "query", "encoding",
                                  "delimiter", "record_id", "fields"},
                                 ctx));
    SourceConfig s;
    s.config_line = t.source().begin ? static_cast<int64_t>(t.source().begin.line) : 0;
    VL_ASSIGN_OR_RETURN(s.name, String(t, "name", ctx, true));
    VL_ASSIGN_OR_RETURN(s.role, String(t, "role", ctx, true));
    if (!IsKnownRole(s.role)) {
      return Error(t.get("role"), ctx + ".role: unknown role '" + s.role +
                                      "' (known: register, births, survey, migrants, vaccination, deaths)");
    }
    VL_ASSIGN_OR_RETURN(std::string path, String(t, "path", ctx, false));
    VL_ASSIGN_OR_RETURN(std::string sqlite, String(t, "sqlite", ctx, false));
    VL_ASSIGN_OR_RETURN(s.table, String(t, "table", ctx, false));
    VL_ASSIGN_OR_RETURN(s.query, String(t, "query", ctx, false));
    VL_ASSIGN_OR_RETURN(s.postgres, String(t, "postgres", ctx, false));
    s.path = Resolve(path);
    s.sqlite = Resolve(sqlite);
    if (static_cast<int>(!path.empty()) + static_cast<int>(!sqlite.empty()) +
            static_cast<int>(!s.postgres.empty()) != 1) {
      return Error(&t, ctx + ": give exactly one of 'path' (CSV file), 'sqlite' (database file) or "
                             "'postgres' (connection string)");
    }
    const bool database = !sqlite.empty() || !s.postgres.empty();
    if (database && s.table.empty() == s.query.empty()) {
      return Error(&t, ctx + ": " + (sqlite.empty() ? "a postgres" : "an sqlite") +
                           " source needs exactly one of 'table' or 'query'");
    }
    if (!database && (!s.table.empty() || !s.query.empty())) {
      return Error(&t, ctx + ": 'table' and 'query' apply to sqlite and postgres sources only");
    }
    // The string itself is not echoed: it may hold a password.
    if (!s.postgres.empty() && !IsValidPostgresConninfo(s.postgres)) {
      return Error(t.get("postgres"), ctx + ".postgres: not a libpq connection string "
                                            "(\"host=... dbname=...\") or URI (\"postgresql://...\")");
    }
    VL_ASSIGN_OR_RETURN(std::string enc, String(t, "encoding", ctx, false));
    if (!enc.empty()) {
      auto e = ParseEncodingName(enc);
      if (!e.ok()) return Error(t.get("encoding"), ctx + ".encoding: " + e.status().message());
      s.encoding = *e;
    }
    VL_ASSIGN_OR_RETURN(std::string delim, String(t, "delimiter", ctx, false));
    if (delim.empty() || delim == "auto") {
      s.delimiter = 0;
    } else if (delim == "," || delim == "\t" || delim == "|" || delim == ";") {
      s.delimiter = delim[0];
    } else if (delim == "tab" || delim == "\\t") {
      s.delimiter = '\t';
    } else {
      return Error(t.get("delimiter"),
                   ctx + ".delimiter: '" + delim + "' is not one of auto , \\t | ;");
    }
    VL_ASSIGN_OR_RETURN(s.record_id, String(t, "record_id", ctx, false));
    const toml::node* fields = t.get("fields");
    if (fields != nullptr) {
      const toml::table* ft = fields->as_table();
      if (ft == nullptr) return Error(fields, ctx + ".fields: expected a table of canonical = \"column\"");
      std::set<std::string> columns_seen;
      // toml::table iterates in key order; keep the order the user wrote.
      std::vector<std::pair<const toml::key*, const toml::node*>> entries;
      for (const auto& [key, node] : *ft) entries.emplace_back(&key, &node);
      std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        const auto& pa = a.second->source().begin;
        const auto& pb = b.second->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
      });
      for (const auto& [key_ptr, node_ptr] : entries) {
        const toml::key& key = *key_ptr;
        const toml::node& node = *node_ptr;
        const std::string canonical(key.str());
        if (FindCanonicalField(canonical) == nullptr) {
          std::string hint = SuggestCanonicalField(canonical);
          return Error(&node, ctx + ".fields: unknown canonical field '" + canonical + "'" +
                                  (hint.empty() ? " (see docs/CONFIG.md for the list)"
                                                : " (did you mean '" + hint + "'?)"));
        }
        if (canonical == "record_id") {
          return Error(&node, ctx + ".fields: map the record id with the source's 'record_id' key");
        }
        const auto* col = node.as_string();
        if (col == nullptr || col->get().empty()) {
          return Error(&node, ctx + ".fields." + canonical + ": expected the source's column name");
        }
        if (!columns_seen.insert(col->get()).second) {
          return Error(&node, ctx + ".fields." + canonical + ": column '" + col->get() +
                                  "' is already mapped to another field");
        }
        s.fields.push_back({canonical, col->get()});
      }
    }
    return s;
  }

  Result<ProjectConfig> Parse(std::string text) const {
    toml::table root;
    try {
      root = toml::parse(text, path_);
    } catch (const toml::parse_error& e) {
      return Status::ParseError(path_ + ":" + std::to_string(e.source().begin.line) + ":" +
                                std::to_string(e.source().begin.column) + ": " +
                                std::string(e.description()));
    }
    ProjectConfig cfg;
    cfg.path = path_;
    cfg.dir = dir_;
    cfg.text = std::move(text);
    for (const auto& [key, node] : root) {
      const std::string_view k = key.str();
      bool known = k == "project" || k == "truth" || k == "sources";
      for (std::string_view s : kStageSections) known = known || k == s;
      if (!known) {
        (void)node;
        return ErrorAt(key.source(), "unknown section '" + std::string(k) +
                                "' (known: project, truth, sources, check, link, estimate, report, serve, store)");
      }
    }
    if (const toml::node* p = root.get("project")) {
      const toml::table* pt = p->as_table();
      if (pt == nullptr) return Error(p, "[project] must be a table");
      VL_RETURN_IF_ERROR(CheckKeys(*pt, {"name", "county", "seed", "output"}, "project"));
      VL_ASSIGN_OR_RETURN(cfg.name, String(*pt, "name", "project", false));
      VL_ASSIGN_OR_RETURN(cfg.county, String(*pt, "county", "project", false));
      VL_ASSIGN_OR_RETURN(std::string out, String(*pt, "output", "project", false));
      cfg.output_dir = Resolve(out);
      if (const toml::node* seed = pt->get("seed")) {
        const auto* v = seed->as_integer();
        if (v == nullptr || v->get() < 0) return Error(seed, "project.seed: expected a non-negative integer");
        cfg.seed = static_cast<uint64_t>(v->get());
      }
    }
    if (cfg.output_dir.empty()) cfg.output_dir = Resolve("out");
    if (const toml::node* tr = root.get("truth")) {
      const toml::table* tt = tr->as_table();
      if (tt == nullptr) return Error(tr, "[truth] must be a table");
      VL_RETURN_IF_ERROR(CheckKeys(*tt, {"path", "persons", "column", "pattern"}, "truth"));
      VL_ASSIGN_OR_RETURN(cfg.truth_column, String(*tt, "column", "truth", false));
      VL_ASSIGN_OR_RETURN(cfg.truth_pattern, String(*tt, "pattern", "truth", false));
      VL_ASSIGN_OR_RETURN(std::string tp, String(*tt, "path", "truth", false));
      VL_ASSIGN_OR_RETURN(std::string pp, String(*tt, "persons", "truth", false));
      cfg.truth_path = Resolve(tp);
      cfg.persons_path = Resolve(pp);
    }
    const toml::node* sources = root.get("sources");
    const toml::array* arr = sources != nullptr ? sources->as_array() : nullptr;
    if (arr == nullptr || arr->empty()) {
      return Error(sources, "no sources: add at least one [[sources]] entry (see docs/CONFIG.md)");
    }
    std::set<std::string> names;
    for (size_t i = 0; i < arr->size(); ++i) {
      const toml::table* st = (*arr)[i].as_table();
      if (st == nullptr) return Error(&(*arr)[i], "sources[" + std::to_string(i) + "]: expected a table");
      VL_ASSIGN_OR_RETURN(SourceConfig s, Source(*st, i));
      if (!names.insert(s.name).second) {
        return Error(st->get("name"), "sources[" + std::to_string(i) + "]: duplicate source name '" + s.name + "'");
      }
      cfg.sources.push_back(std::move(s));
    }
    return cfg;
  }

 private:
  std::string path_;
  std::string dir_;
};

}  // namespace

std::string SourceConfig::Location() const {
  if (!path.empty()) return path;
  const std::string what = table.empty() ? "query" : table;
  if (!postgres.empty()) return PostgresDisplayName(postgres) + ":" + what;
  return sqlite + ":" + what;
}

Result<ProjectConfig> ParseProjectConfig(std::string text, const std::string& path) {
  const std::string dir = fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
  return ConfigParser(path, dir).Parse(std::move(text));
}

Result<ProjectConfig> LoadProjectConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status().WithContext("config");
  return ParseProjectConfig(std::move(*text), path);
}

}  // namespace vitalink::ingest
