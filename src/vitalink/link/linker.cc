#include "vitalink/link/linker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "vitalink/ingest/config_toml.h"

#include "vitalink/link/derived.h"
#include "vitalink/link/em/pattern_counts.h"
#include "vitalink/link/em/scoring.h"
#include "vitalink/link/em/u_sampling.h"

namespace vitalink::link {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// ---------------------------------------------------------------------------
// Settings

class SettingsParser {
 public:
  explicit SettingsParser(const ingest::ProjectConfig& config) : config_(config) {}

  Status Error(const toml::node* node, const std::string& what) const {
    const std::string where = node != nullptr ? ingest::ConfigWhere(config_, node->source()) : config_.path;
    return Status::InvalidArgument(where + ": " + what);
  }

  Result<std::string> Str(const toml::table& t, std::string_view key, const std::string& ctx,
                          std::string fallback = {}) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    if (!n->is_string()) return Error(n, ctx + "." + std::string(key) + ": expected a string");
    return n->as_string()->get();
  }
  Result<double> Num(const toml::table& t, std::string_view key, const std::string& ctx,
                     double fallback) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
    if (!n->is_floating_point()) return Error(n, ctx + "." + std::string(key) + ": expected a number");
    return n->as_floating_point()->get();
  }
  Result<int64_t> Int(const toml::table& t, std::string_view key, const std::string& ctx,
                      int64_t fallback) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    if (!n->is_integer()) return Error(n, ctx + "." + std::string(key) + ": expected an integer");
    return n->as_integer()->get();
  }
  Result<bool> Bool(const toml::table& t, std::string_view key, const std::string& ctx,
                    bool fallback) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    if (!n->is_boolean()) return Error(n, ctx + "." + std::string(key) + ": expected true or false");
    return n->as_boolean()->get();
  }
  Result<std::vector<std::string>> StrList(const toml::node* n, const std::string& ctx) const {
    std::vector<std::string> out;
    const toml::array* a = n != nullptr ? n->as_array() : nullptr;
    if (a == nullptr) return Error(n, ctx + ": expected an array of strings");
    for (const toml::node& e : *a) {
      if (!e.is_string()) return Error(&e, ctx + ": expected an array of strings");
      out.push_back(e.as_string()->get());
    }
    return out;
  }

  Status CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                   const std::string& ctx) const {
    for (const auto& [key, node] : t) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      std::string known;
      for (std::string_view a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
      (void)node;
      return Status::InvalidArgument(ingest::ConfigWhere(config_, key.source()) + ": " + ctx + ": unknown key '" +
                                     std::string(key.str()) + "' (known: " + known + ")");
    }
    return Status::OK();
  }

  Result<ComparisonSpec> Comparison(const toml::table& t, const std::string& ctx) const {
    VL_RETURN_IF_ERROR(CheckKeys(t,
                                 {"name", "kind", "column", "column2", "metric", "thresholds",
                                  "levels", "labels", "delimiter", "lengths", "mode", "q", "tf", "tf_column"},
                                 ctx));
    SpecFields f;
    VL_ASSIGN_OR_RETURN(f.name, Str(t, "name", ctx));
    VL_ASSIGN_OR_RETURN(f.kind, Str(t, "kind", ctx));
    VL_ASSIGN_OR_RETURN(f.column, Str(t, "column", ctx));
    VL_ASSIGN_OR_RETURN(f.column2, Str(t, "column2", ctx));
    VL_ASSIGN_OR_RETURN(f.metric, Str(t, "metric", ctx));
    VL_ASSIGN_OR_RETURN(f.mode, Str(t, "mode", ctx));
    VL_ASSIGN_OR_RETURN(f.q, Int(t, "q", ctx, 0));
    VL_ASSIGN_OR_RETURN(f.tf, Bool(t, "tf", ctx, false));
    VL_ASSIGN_OR_RETURN(f.tf_column, Str(t, "tf_column", ctx));
    VL_ASSIGN_OR_RETURN(f.delimiter, Str(t, "delimiter", ctx));
    if (const toml::node* n = t.get("labels")) {
      VL_ASSIGN_OR_RETURN(f.labels, StrList(n, ctx + ".labels"));
    }
    if (const toml::node* n = t.get("thresholds")) {
      const toml::array* a = n->as_array();
      if (a == nullptr) return Error(n, ctx + ".thresholds: expected an array of numbers");
      for (const toml::node& e : *a) {
        if (e.is_integer()) {
          f.thresholds.push_back(static_cast<double>(e.as_integer()->get()));
        } else if (e.is_floating_point()) {
          f.thresholds.push_back(e.as_floating_point()->get());
        } else {
          return Error(&e, ctx + ".thresholds: expected numbers");
        }
      }
    }
    if (const toml::node* n = t.get("levels")) {
      VL_ASSIGN_OR_RETURN(f.levels, StrList(n, ctx + ".levels"));
    }
    if (const toml::node* n = t.get("lengths")) {
      const toml::array* a = n->as_array();
      if (a == nullptr) return Error(n, ctx + ".lengths: expected an array of integers");
      for (const toml::node& e : *a) {
        if (!e.is_integer()) return Error(&e, ctx + ".lengths: expected integers");
        f.lengths.push_back(e.as_integer()->get());
      }
    }
    auto spec = ParseComparisonSpec(f);
    if (!spec.ok()) return Error(&t, ctx + ": " + spec.status().message());
    return *spec;
  }

  Result<LinkJobSettings> Job(const toml::table& t, size_t index) const {
    const std::string ctx = "link[" + std::to_string(index) + "]";
    VL_RETURN_IF_ERROR(CheckKeys(
        t,
        {"name", "mode", "sources", "columns", "blocking", "comparisons", "comparisons_preset",
         "max_block_size", "u_sample_pairs", "initial_lambda", "em_max_iterations",
         "em_tolerance", "fix_u", "keep_probability", "match_threshold", "one_to_one", "threads",
         "nonmatch", "model", "fixed", "cannot_link"},
        ctx));
    LinkJobSettings job;
    job.seed = config_.seed;
    VL_ASSIGN_OR_RETURN(job.name, Str(t, "name", ctx, "link" + std::to_string(index + 1)));
    VL_ASSIGN_OR_RETURN(std::string mode, Str(t, "mode", ctx, "dedupe"));
    auto m = ParseLinkMode(mode);
    if (!m.ok()) return Error(t.get("mode"), ctx + ".mode: " + m.status().message());
    job.mode = *m;
    job.blocking_options.mode = job.mode;
    if (const toml::node* n = t.get("sources")) {
      VL_ASSIGN_OR_RETURN(job.sources, StrList(n, ctx + ".sources"));
    } else {
      for (const auto& s : config_.sources) job.sources.push_back(s.name);
    }
    for (const std::string& s : job.sources) {
      bool found = false;
      for (const auto& cs : config_.sources) found = found || cs.name == s;
      if (!found) return Error(t.get("sources"), ctx + ".sources: no source named '" + s + "'");
    }
    if (job.mode == LinkMode::kLink && job.sources.size() < 2) {
      return Error(&t, ctx + ": mode \"link\" needs at least two sources");
    }
    if (const toml::node* n = t.get("columns")) {
      const toml::table* ct = n->as_table();
      if (ct == nullptr) return Error(n, ctx + ".columns: expected tables per source");
      for (const auto& [src, node] : *ct) {
        const toml::table* st = node.as_table();
        if (st == nullptr) return Error(&node, ctx + ".columns." + std::string(src.str()) + ": expected a table");
        for (const auto& [col, v] : *st) {
          if (!v.is_string()) return Error(&v, ctx + ".columns: expected column names");
          job.columns[std::string(src.str())][std::string(col.str())] = v.as_string()->get();
        }
      }
    }
    if (const toml::node* n = t.get("blocking")) {
      const toml::array* a = n->as_array();
      if (a == nullptr) return Error(n, ctx + ".blocking: expected an array of rules");
      for (const toml::node& rule : *a) {
        BlockingRule r;
        if (rule.is_string()) {
          r.keys.push_back(rule.as_string()->get());
        } else if (const toml::table* rt = rule.as_table()) {
          // { keys = [...], train = false }: candidates to score, not to train on.
          VL_RETURN_IF_ERROR(CheckKeys(*rt, {"keys", "train"}, ctx + ".blocking"));
          if (rt->get("keys") == nullptr) return Error(&rule, ctx + ".blocking: a rule table needs 'keys'");
          VL_ASSIGN_OR_RETURN(r.keys, StrList(rt->get("keys"), ctx + ".blocking.keys"));
          VL_ASSIGN_OR_RETURN(r.train, Bool(*rt, "train", ctx + ".blocking", true));
        } else {
          VL_ASSIGN_OR_RETURN(r.keys, StrList(&rule, ctx + ".blocking"));
        }
        job.blocking.push_back(std::move(r));
      }
      bool any_trains = false;
      for (const BlockingRule& r : job.blocking) any_trains = any_trains || r.train;
      if (!job.blocking.empty() && !any_trains) {
        return Error(n, ctx + ".blocking: at least one rule must train (train = false on every rule)");
      }
    }
    if (job.blocking.empty()) return Error(&t, ctx + ": give at least one blocking rule");
    VL_ASSIGN_OR_RETURN(std::string preset, Str(t, "comparisons_preset", ctx));
    if (!preset.empty()) {
      if (preset != "chinese_persons") {
        return Error(t.get("comparisons_preset"), ctx + ".comparisons_preset: unknown preset '" +
                                                      preset + "' (known: chinese_persons)");
      }
      job.comparisons = DefaultComparisonsForChinesePersons();
    }
    if (const toml::node* n = t.get("comparisons")) {
      const toml::array* a = n->as_array();
      if (a == nullptr) return Error(n, ctx + ".comparisons: expected [[link.comparisons]] tables");
      for (size_t i = 0; i < a->size(); ++i) {
        const toml::table* ct = (*a)[i].as_table();
        if (ct == nullptr) return Error(&(*a)[i], ctx + ".comparisons: expected tables");
        VL_ASSIGN_OR_RETURN(ComparisonSpec spec,
                            Comparison(*ct, ctx + ".comparisons[" + std::to_string(i) + "]"));
        // The model takes comparisons as independent given the match status: the same
        // comparison twice counts one field's evidence twice and can drive EM to a
        // degenerate fit (seen with a config cut from several jobs by hand).
        for (const ComparisonSpec& earlier : job.comparisons) {
          if (earlier.kind == spec.kind && earlier.column == spec.column &&
              earlier.column2 == spec.column2 && earlier.conditions == spec.conditions) {
            return Error(ct, ctx + ".comparisons[" + std::to_string(i) + "]: repeats comparison '" +
                                 earlier.display_name() +
                                 "' (same kind on the same column); each field's evidence may count once");
          }
        }
        job.comparisons.push_back(std::move(spec));
      }
    }
    if (job.comparisons.empty()) {
      return Error(&t, ctx + ": give [[link.comparisons]] or comparisons_preset");
    }
    VL_ASSIGN_OR_RETURN(job.blocking_options.max_block_size,
                        Int(t, "max_block_size", ctx, job.blocking_options.max_block_size));
    VL_ASSIGN_OR_RETURN(job.u_sample_pairs, Int(t, "u_sample_pairs", ctx, job.u_sample_pairs));
    VL_ASSIGN_OR_RETURN(job.initial_lambda, Num(t, "initial_lambda", ctx, job.initial_lambda));
    VL_ASSIGN_OR_RETURN(int64_t iters, Int(t, "em_max_iterations", ctx, job.em.max_iterations));
    job.em.max_iterations = static_cast<int>(iters);
    VL_ASSIGN_OR_RETURN(job.em.tolerance, Num(t, "em_tolerance", ctx, job.em.tolerance));
    VL_ASSIGN_OR_RETURN(job.em.fix_u, Bool(t, "fix_u", ctx, job.em.fix_u));
    VL_ASSIGN_OR_RETURN(job.keep_probability, Num(t, "keep_probability", ctx, job.keep_probability));
    VL_ASSIGN_OR_RETURN(job.match_threshold, Num(t, "match_threshold", ctx, job.match_threshold));
    VL_ASSIGN_OR_RETURN(job.one_to_one, Bool(t, "one_to_one", ctx, job.one_to_one));
    VL_ASSIGN_OR_RETURN(job.nonmatch, Str(t, "nonmatch", ctx, job.nonmatch));
    if (job.nonmatch != "random_pairs" && job.nonmatch != "per_rule") {
      return Error(t.get("nonmatch"), ctx + ".nonmatch: expected \"random_pairs\" or \"per_rule\"");
    }
    VL_ASSIGN_OR_RETURN(std::string cannot_link, Str(t, "cannot_link", ctx));
    if (!cannot_link.empty()) {
      SpecFields f;
      f.name = "cannot_link";
      f.kind = "custom";
      f.levels = {cannot_link};
      auto spec = ParseComparisonSpec(f);
      if (!spec.ok()) return Error(t.get("cannot_link"), ctx + ".cannot_link: " + spec.status().message());
      job.cannot_link = std::move(*spec);
    }
    VL_ASSIGN_OR_RETURN(std::string model, Str(t, "model", ctx));
    if (!model.empty()) {
      if (job.nonmatch == "per_rule") {
        return Error(t.get("model"), ctx + ".model: a saved model holds no per-rule non-match models; "
                                           "use nonmatch = \"random_pairs\" with it");
      }
      job.model_path = std::filesystem::path(model).is_absolute()
                           ? model
                           : (std::filesystem::path(config_.dir) / model).lexically_normal().string();
    }
    if (const toml::node* n = t.get("fixed")) {
      const toml::table* ft = n->as_table();
      if (ft == nullptr) return Error(n, ctx + ".fixed: expected a table ([link.fixed])");
      VL_RETURN_IF_ERROR(CheckKeys(*ft, {"lambda", "m", "u"}, ctx + ".fixed"));
      if (const toml::node* l = ft->get("lambda")) {
        const std::optional<double> v = l->value<double>();
        if (!v || !(*v > 0 && *v < 1)) return Error(l, ctx + ".fixed.lambda: expected a number in (0, 1)");
        job.fixed_lambda = *v;
      }
      for (const char* which : {"m", "u"}) {
        const toml::node* pn = ft->get(which);
        if (pn == nullptr) continue;
        const toml::table* pt = pn->as_table();
        if (pt == nullptr) return Error(pn, ctx + ".fixed." + which + ": expected comparison = [p, ...]");
        auto& out = std::string_view(which) == "m" ? job.fixed_m : job.fixed_u;
        for (const auto& [key, node] : *pt) {
          const std::string name(key.str());
          const std::string where = ctx + ".fixed." + which + "." + name;
          bool known = false;
          for (const ComparisonSpec& c : job.comparisons) known = known || c.display_name() == name;
          if (!known) return Error(&node, where + ": no comparison of this job is named '" + name + "'");
          const toml::array* a = node.as_array();
          if (a == nullptr || a->empty()) return Error(&node, where + ": expected [p, ...], one per level");
          std::vector<double> probs;
          double sum = 0;
          for (const toml::node& x : *a) {
            const std::optional<double> v = x.value<double>();
            if (!v || !(*v > 0 && *v < 1)) return Error(&x, where + ": each probability must be in (0, 1)");
            probs.push_back(*v);
            sum += *v;
          }
          if (std::abs(sum - 1) > 1e-6) {
            return Error(&node, where + ": the levels' probabilities sum to " + std::to_string(sum) + ", not 1");
          }
          out[name] = std::move(probs);
        }
      }
      if (job.fixed_lambda) {
        for (const ComparisonSpec& c : job.comparisons) {
          if (!job.fixed_u.contains(c.display_name())) {
            return Error(n, ctx + ".fixed: a fixed lambda is the prior among candidate pairs, so every "
                                  "comparison's u must be fixed too (missing: '" + c.display_name() + "')");
          }
        }
      }
    }
    if (t.get("fixed") != nullptr && job.nonmatch == "per_rule") {
      return Error(t.get("fixed"), ctx + ".fixed: fixed parameters need nonmatch = \"random_pairs\"");
    }
    VL_ASSIGN_OR_RETURN(int64_t threads, Int(t, "threads", ctx, 0));
    job.threads = static_cast<int>(threads);
    if (!(job.initial_lambda > 0 && job.initial_lambda < 1)) {
      return Error(t.get("initial_lambda"), ctx + ".initial_lambda: must be in (0, 1)");
    }
    if (!(job.match_threshold > 0 && job.match_threshold < 1)) {
      return Error(t.get("match_threshold"), ctx + ".match_threshold: must be in (0, 1)");
    }
    if (job.keep_probability < 0 || job.keep_probability > job.match_threshold) {
      return Error(t.get("keep_probability"), ctx + ".keep_probability: must be in [0, match_threshold]");
    }
    return job;
  }

 private:
  const ingest::ProjectConfig& config_;
};

// The base columns a key or comparison expression reads.
void CollectColumns(const KeyExpr& e, std::vector<std::string>& out) {
  if (e.arg) {
    CollectColumns(*e.arg, out);
  } else if (!e.column.empty()) {
    out.push_back(e.column);
  }
}

Status CollectExprColumns(const std::string& text, std::vector<std::string>& out) {
  if (text.empty()) return Status::OK();
  VL_ASSIGN_OR_RETURN(KeyExpr e, ParseKeyExpr(text));
  CollectColumns(e, out);
  return Status::OK();
}

// Work split: chunks of consecutive blocks with about equal pair counts.
std::vector<std::pair<int64_t, int64_t>> Chunks(const Blocker& blocker, int threads) {
  const int64_t n = blocker.num_blocks();
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double s = static_cast<double>(blocker.block_size(i));
    total += s * (s - 1) / 2;
  }
  const double target = std::max(1.0, total / (threads * 32.0));
  std::vector<std::pair<int64_t, int64_t>> chunks;
  int64_t begin = 0;
  double acc = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double s = static_cast<double>(blocker.block_size(i));
    acc += s * (s - 1) / 2;
    if (acc >= target) {
      chunks.emplace_back(begin, i + 1);
      begin = i + 1;
      acc = 0;
    }
  }
  if (begin < n) chunks.emplace_back(begin, n);
  return chunks;
}

// Run fn(chunk_index, worker_index) for every chunk on `threads` threads.
// Chunks are claimed dynamically; callers that need a deterministic result
// either write per chunk or accumulate order-independent sums per worker.
template <typename Fn>
void ParallelChunks(size_t num_chunks, int threads, Fn&& fn) {
  std::atomic<size_t> next{0};
  auto worker = [&](int worker_idx) {
    for (size_t c = next.fetch_add(1); c < num_chunks; c = next.fetch_add(1)) fn(c, worker_idx);
  };
  if (threads <= 1 || num_chunks <= 1) {
    worker(0);
    return;
  }
  std::vector<std::jthread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
}

// EM with a non-match distribution per blocking rule (nonmatch = "per_rule").
// Shared m (started from the random-pairs fit); per rule r its own λ_r and
// u_r, started from the level shares of r's candidates (as if all were
// non-matches) and pulled toward random-pair u by a prior of kPriorPairs pairs.
// Each rule's patterns have that rule's decided comparisons set to null.
Status TrainPerRule(const ModelShape& shape, const std::vector<PatternCounts>& rules,
                    const EmOptions& options, LinkJobResult& result) {
  constexpr double kPriorPairs = 10.0;
  const int num_k = shape.num_comparisons();
  const auto nr = rules.size();
  std::vector<std::vector<double>> m = result.model.m();
  const std::vector<std::vector<double>>& u0 = result.model.u();
  std::vector<std::vector<std::vector<double>>> u(nr);
  std::vector<double> lambda(nr, std::clamp(result.lambda_candidates, 0.01, 0.99));
  std::vector<std::vector<PatternCount>> patterns(nr);
  std::vector<std::vector<uint8_t>> gammas(nr);
  for (size_t r = 0; r < nr; ++r) {
    patterns[r] = rules[r].Sorted();
    gammas[r].resize(patterns[r].size() * static_cast<size_t>(num_k));
    for (size_t i = 0; i < patterns[r].size(); ++i) {
      shape.Decode(patterns[r][i].key, gammas[r].data() + i * static_cast<size_t>(num_k));
    }
    u[r] = rules[r].size() > 0 ? LevelSharesOfPatterns(rules[r], kPriorPairs) : u0;
  }
  auto log_of = [](const std::vector<std::vector<double>>& p) {
    std::vector<std::vector<double>> out = p;
    for (auto& row : out) {
      for (double& v : row) v = std::log(v);
    }
    return out;
  };
  for (int iter = 0; iter < options.max_iterations; ++iter) {
    const auto log_m = log_of(m);
    std::vector<std::vector<double>> m_num(static_cast<size_t>(num_k));
    for (int k = 0; k < num_k; ++k) m_num[static_cast<size_t>(k)].assign(m[static_cast<size_t>(k)].size(), 0.0);
    double change = 0;
    for (size_t r = 0; r < nr; ++r) {
      if (patterns[r].empty()) continue;
      const auto log_u = log_of(u[r]);
      std::vector<std::vector<double>> u_num(static_cast<size_t>(num_k));
      for (int k = 0; k < num_k; ++k) u_num[static_cast<size_t>(k)].assign(u[r][static_cast<size_t>(k)].size(), 0.0);
      double matched = 0, total = 0;
      const double prior = std::log(lambda[r] / (1 - lambda[r]));
      for (size_t i = 0; i < patterns[r].size(); ++i) {
        const uint8_t* g = gammas[r].data() + i * static_cast<size_t>(num_k);
        double logit = prior;
        for (int k = 0; k < num_k; ++k) {
          if (g[k] == kGammaNull) continue;
          logit += log_m[static_cast<size_t>(k)][g[k]] - log_u[static_cast<size_t>(k)][g[k]];
        }
        const double post = 1.0 / (1.0 + std::exp(-logit));
        const auto n = static_cast<double>(patterns[r][i].count);
        matched += n * post;
        total += n;
        for (int k = 0; k < num_k; ++k) {
          if (g[k] == kGammaNull) continue;
          m_num[static_cast<size_t>(k)][g[k]] += n * post;
          u_num[static_cast<size_t>(k)][g[k]] += n * (1 - post);
        }
      }
      for (int k = 0; k < num_k; ++k) {
        auto& uk = u[r][static_cast<size_t>(k)];
        const auto& num = u_num[static_cast<size_t>(k)];
        double sum = 0;
        for (double v : num) sum += v;
        for (size_t l = 0; l < uk.size(); ++l) {
          const double next = (num[l] + kPriorPairs * u0[static_cast<size_t>(k)][l]) / (sum + kPriorPairs);
          change = std::max(change, std::abs(next - uk[l]));
          uk[l] = next;
        }
        FloorAndNormalize(uk, options.probability_floor);
      }
      const double next_lambda = std::clamp(total > 0 ? matched / total : lambda[r], 1e-6, 1 - 1e-6);
      change = std::max(change, std::abs(next_lambda - lambda[r]));
      lambda[r] = next_lambda;
    }
    for (int k = 0; k < num_k; ++k) {
      auto& mk = m[static_cast<size_t>(k)];
      const auto& num = m_num[static_cast<size_t>(k)];
      double sum = 0;
      for (double v : num) sum += v;
      if (sum <= 0) continue;  // never observed: keep the random-pairs fit
      for (size_t l = 0; l < mk.size(); ++l) {
        const double next = num[l] / sum;
        change = std::max(change, std::abs(next - mk[l]));
        mk[l] = next;
      }
      FloorAndNormalize(mk, options.probability_floor);
    }
    if (change < options.tolerance) break;
  }
  for (int k = 0; k < num_k; ++k) VL_RETURN_IF_ERROR(result.model.set_m(k, m[static_cast<size_t>(k)]));
  result.rule_lambda = std::move(lambda);
  result.rule_u = std::move(u);
  return Status::OK();
}

// Return what differs between a saved model's shape and the job's, for errors.
std::string ShapeDifference(const ModelShape& saved, const ModelShape& job) {
  if (saved.num_comparisons() != job.num_comparisons()) {
    return std::to_string(saved.num_comparisons()) + " comparisons saved, the job has " +
           std::to_string(job.num_comparisons());
  }
  for (int k = 0; k < job.num_comparisons(); ++k) {
    const ComparisonShape& a = saved.comparison(k);
    const ComparisonShape& b = job.comparison(k);
    if (a.name != b.name) {
      return "comparison " + std::to_string(k + 1) + " is '" + a.name + "' saved, '" + b.name + "' now";
    }
    if (a.level_labels != b.level_labels) return "comparison '" + b.name + "' has other levels";
    if (!(a.tf == b.tf)) return "comparison '" + b.name + "' has other term-frequency settings";
  }
  return "they differ";
}

}  // namespace

Result<FsModel> LoadLinkModel(const std::string& path, const std::string& job_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read model file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const nlohmann::json root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Status::ParseError(path + ": not JSON");
  std::string model_text = text;
  if (root.is_object() && root.contains("jobs") && root["jobs"].is_array()) {
    // A run's link/model.json: the job of the same name.
    const nlohmann::json* found = nullptr;
    for (const nlohmann::json& job : root["jobs"]) {
      if (job.is_object() && job.value("name", std::string()) == job_name && job.contains("model")) found = &job;
    }
    if (found == nullptr) return Status::NotFound(path + ": no job named '" + job_name + "' with a model");
    model_text = (*found)["model"].dump();
  }
  Result<FsModel> model = FsModel::FromJson(model_text);
  if (!model.ok()) return model.status().WithContext(path);
  return model;
}

Result<std::vector<LinkJobSettings>> ParseLinkSettings(const ingest::ProjectConfig& config) {
  std::vector<LinkJobSettings> jobs;
  VL_ASSIGN_OR_RETURN(toml::table root, ingest::ParseConfigToml(config));
  const toml::node* link = root.get("link");
  if (link == nullptr) return jobs;
  SettingsParser parser(config);
  if (const toml::table* t = link->as_table()) {
    VL_ASSIGN_OR_RETURN(LinkJobSettings job, parser.Job(*t, 0));
    jobs.push_back(std::move(job));
  } else if (const toml::array* a = link->as_array()) {
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::table* job_table = (*a)[i].as_table();
      if (job_table == nullptr) return parser.Error(&(*a)[i], "link: expected [[link]] tables");
      VL_ASSIGN_OR_RETURN(LinkJobSettings job, parser.Job(*job_table, i));
      jobs.push_back(std::move(job));
    }
  } else {
    return parser.Error(link, "link: expected [link] or [[link]] tables");
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (jobs[i].name == jobs[j].name) {
        return Status::InvalidArgument(config.path + ": two link jobs are named '" + jobs[i].name + "'");
      }
    }
  }
  return jobs;
}

Result<LinkJobResult> RunLinkJob(const LinkJobSettings& settings, const ingest::IngestResult& ingest,
                                 const std::vector<std::vector<int64_t>>* truth_entity) {
  LinkJobResult result;
  result.settings = settings;
  const int threads = settings.threads > 0
                          ? settings.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto t0 = Clock::now();

  // The record set: participating sources and the columns the job reads.
  std::vector<const ingest::SourceData*> sources;
  std::vector<size_t> ingest_index;
  std::vector<std::map<std::string, std::string>> renames;
  for (const std::string& name : settings.sources) {
    for (size_t si = 0; si < ingest.sources.size(); ++si) {
      const ingest::SourceData& s = ingest.sources[si];
      if (s.config.name == name) {
        sources.push_back(&s);
        ingest_index.push_back(si);
        auto it = settings.columns.find(name);
        renames.push_back(it == settings.columns.end() ? std::map<std::string, std::string>{} : it->second);
      }
    }
  }
  if (sources.size() != settings.sources.size()) {
    return Status::InvalidArgument("link job '" + settings.name + "': a named source was not ingested");
  }
  std::vector<std::string> columns;
  for (const BlockingRule& r : settings.blocking) {
    for (const std::string& k : r.keys) VL_RETURN_IF_ERROR(CollectExprColumns(k, columns));
  }
  for (const ComparisonSpec& c : settings.comparisons) {
    VL_ASSIGN_OR_RETURN(std::vector<std::string> read, ComparisonColumns(c));
    columns.insert(columns.end(), read.begin(), read.end());
    VL_RETURN_IF_ERROR(CollectExprColumns(c.tf_column, columns));
  }
  if (settings.cannot_link) {
    VL_ASSIGN_OR_RETURN(std::vector<std::string> read, ComparisonColumns(*settings.cannot_link));
    columns.insert(columns.end(), read.begin(), read.end());
  }
  auto rs = RecordSet::Make(sources, columns, renames);
  if (!rs.ok()) return rs.status().WithContext("link job '" + settings.name + "'");
  result.records = std::move(*rs);
  RecordSet& records = result.records;
  if (truth_entity != nullptr) {
    result.entity.resize(static_cast<size_t>(records.size()));
    for (int64_t r = 0; r < records.size(); ++r) {
      const auto& per_source = (*truth_entity)[ingest_index[static_cast<size_t>(records.source_index(r))]];
      result.entity[static_cast<size_t>(r)] = per_source[static_cast<size_t>(records.source_row(r))];
    }
  }
  result.seconds.records = SecondsSince(t0);

  t0 = Clock::now();
  auto blocker_or = Blocker::Make(records, settings.blocking, settings.blocking_options);
  if (!blocker_or.ok()) return blocker_or.status().WithContext("link job '" + settings.name + "'");
  const Blocker& blocker = *blocker_or;
  result.blocking = blocker.Report();
  result.candidate_pairs = result.blocking.total_pairs;
  auto comparator_or = Comparator::Make(records, settings.comparisons);
  if (!comparator_or.ok()) return comparator_or.status().WithContext("link job '" + settings.name + "'");
  const Comparator& comparator = *comparator_or;
  // `cannot_link` as a comparator of one custom condition: level 1 = refused.
  std::optional<Comparator> refuse;
  if (settings.cannot_link) {
    auto r = Comparator::Make(records, {*settings.cannot_link});
    if (!r.ok()) return r.status().WithContext("link job '" + settings.name + "': cannot_link");
    refuse = std::move(*r);
  }
  auto refused = [&refuse](int64_t a, int64_t b) {
    if (!refuse) return false;
    uint8_t g = 0;
    refuse->Compare(a, b, &g);
    return g == 1;
  };
  result.seconds.blocking = SecondsSince(t0);

  // The model's shape, with term-frequency tables for tf comparisons.
  const int num_k = comparator.num_comparisons();
  std::vector<ComparisonShape> shapes;
  std::vector<TermFrequencies> tf_tables(static_cast<size_t>(num_k));
  std::vector<const std::vector<uint32_t>*> tf_values(static_cast<size_t>(num_k), nullptr);
  for (int k = 0; k < num_k; ++k) {
    ComparisonShape cs;
    cs.name = comparator.name(k);
    cs.level_labels = comparator.level_labels(k);
    if (comparator.tf_level(k) >= 0) {
      const int col = records.table().FindColumn(comparator.tf_column(k));
      if (col >= 0 && records.table().column(col).is_string()) {
        cs.tf.enabled = true;
        cs.tf.exact_level = comparator.tf_level(k);
        const std::vector<uint32_t>& ids = records.table().column(col).strings();
        std::vector<uint32_t> values(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) values[i] = ids[i] == StringPool::kNull ? kNullValueId : ids[i];
        tf_tables[static_cast<size_t>(k)] = TermFrequencies::FromValueIds(values);
        tf_values[static_cast<size_t>(k)] = &ids;
      }
    }
    shapes.push_back(std::move(cs));
  }
  VL_ASSIGN_OR_RETURN(ModelShape shape, ModelShape::Make(std::move(shapes)));

  // Which comparisons each blocking rule decides: those reading a column the
  // rule's keys read. Within a rule's candidates they agree by construction,
  // matches or not, so they carry no evidence there and are left out (set to
  // null) when training on that rule's pairs (the idea of Splink's training
  // sessions, done in one EM over all candidates).
  std::vector<std::vector<int>> decided(static_cast<size_t>(blocker.num_rules()));
  for (int r = 0; r < blocker.num_rules(); ++r) {
    std::vector<std::string> key_cols;
    for (const std::string& key : blocker.rule(r).keys) VL_RETURN_IF_ERROR(CollectExprColumns(key, key_cols));
    for (int k = 0; k < num_k; ++k) {
      VL_ASSIGN_OR_RETURN(const std::vector<std::string> cols, ComparisonColumns(comparator.spec(k)));
      bool hit = false;
      for (const std::string& c : cols) hit = hit || std::find(key_cols.begin(), key_cols.end(), c) != key_cols.end();
      if (hit) decided[static_cast<size_t>(r)].push_back(k);
    }
  }

  const auto chunks = Chunks(blocker, threads);
  const int num_rules = blocker.num_rules();

  // [link.fixed]: per comparison, m and u as the config gives them (strongest
  // level first, "else" last), reversed to the model's level order (else = 0).
  std::vector<std::optional<std::vector<double>>> fixed_m(static_cast<size_t>(num_k));
  std::vector<std::optional<std::vector<double>>> fixed_u(static_cast<size_t>(num_k));
  for (int k = 0; k < num_k; ++k) {
    const std::string& name = shape.comparison(k).name;
    for (auto [given, out] : {std::pair{&settings.fixed_m, &fixed_m}, {&settings.fixed_u, &fixed_u}}) {
      auto it = given->find(name);
      if (it == given->end()) continue;
      const std::vector<std::string>& labels = shape.comparison(k).level_labels;
      if (it->second.size() != labels.size()) {
        std::string expected;
        for (auto l = labels.rbegin(); l != labels.rend(); ++l) expected += (expected.empty() ? "" : ", ") + *l;
        return Status::InvalidArgument("link job '" + settings.name + "': fixed " +
                                       (given == &settings.fixed_m ? "m" : "u") + " of '" + name + "' has " +
                                       std::to_string(it->second.size()) + " values; the comparison has " +
                                       std::to_string(labels.size()) + " levels (" + expected + ")");
      }
      (*out)[static_cast<size_t>(k)] = std::vector<double>(it->second.rbegin(), it->second.rend());
    }
  }
  const bool any_fixed = !settings.fixed_m.empty() || !settings.fixed_u.empty() || settings.fixed_lambda;
  if (any_fixed && !settings.model_path.empty()) {
    return Status::InvalidArgument("link job '" + settings.name + "': [link.fixed] and model = … both set; a saved "
                                   "model already fixes every parameter");
  }

  if (!settings.model_path.empty()) {
    // A saved model (next month's run reusing a trained one): no sampling, no
    // EM; pass 2 scores with it as it is.
    t0 = Clock::now();
    VL_ASSIGN_OR_RETURN(FsModel loaded, LoadLinkModel(settings.model_path, settings.name));
    if (!(loaded.shape() == shape)) {
      return Status::InvalidArgument("link job '" + settings.name + "': the model in " + settings.model_path +
                                     " does not fit the job's comparisons: " + ShapeDifference(loaded.shape(), shape));
    }
    result.model = loaded;
    result.fit.model = loaded;
    result.fit.converged = true;
    result.seconds.em = SecondsSince(t0);
  } else {
    // u from random pairs.
    t0 = Clock::now();
    const bool link_only = settings.mode == LinkMode::kLink;
    USamplingOptions uopts;
    uopts.max_pairs = std::max<int64_t>(1, settings.u_sample_pairs);
    uopts.seed = settings.seed;
    FsModel init = FsModel::Default(shape, settings.fixed_lambda.value_or(settings.initial_lambda));
    for (int k = 0; k < num_k; ++k) {
      if (fixed_m[static_cast<size_t>(k)]) VL_RETURN_IF_ERROR(init.set_m(k, *fixed_m[static_cast<size_t>(k)]));
    }
    // With λ fixed every u is fixed too (checked when parsing): nothing to sample.
    if (records.size() >= 2 && !settings.fixed_lambda) {
      // The pairs come from one seeded stream; comparing them in parallel and
      // summing counts (order-independent) gives the same u for any thread count.
      auto pairs = SampleUPairs(
          records.size(),
          link_only ? PairFilter([&](int64_t a, int64_t b) { return records.source_index(a) != records.source_index(b); })
                    : PairFilter(),
          uopts);
      if (pairs.ok()) {
        const size_t num_pairs = pairs->size();
        const size_t per_chunk = 8192;
        const size_t num_chunks = (num_pairs + per_chunk - 1) / per_chunk;
        std::vector<std::vector<std::vector<int64_t>>> counts(static_cast<size_t>(threads));
        for (auto& per_worker : counts) {
          for (int k = 0; k < num_k; ++k) per_worker.emplace_back(static_cast<size_t>(shape.num_levels(k)) + 1, 0);
        }
        ParallelChunks(num_chunks, threads, [&](size_t c, int w) {
          std::vector<uint8_t> gamma(static_cast<size_t>(num_k));
          auto& cnt = counts[static_cast<size_t>(w)];
          const size_t end = std::min(num_pairs, (c + 1) * per_chunk);
          for (size_t i = c * per_chunk; i < end; ++i) {
            comparator.Compare((*pairs)[i].first, (*pairs)[i].second, gamma.data());
            for (int k = 0; k < num_k; ++k) {
              const uint8_t level = gamma[static_cast<size_t>(k)];
              auto& ck = cnt[static_cast<size_t>(k)];
              ++ck[level == kGammaNull ? ck.size() - 1 : level];
            }
          }
        });
        for (size_t w = 1; w < counts.size(); ++w) {
          for (int k = 0; k < num_k; ++k) {
            for (size_t l = 0; l < counts[0][static_cast<size_t>(k)].size(); ++l) {
              counts[0][static_cast<size_t>(k)][l] += counts[w][static_cast<size_t>(k)][l];
            }
          }
        }
        const auto u = SmoothU(shape, counts[0], uopts.pseudo_count);
        result.u_pairs_sampled = static_cast<int64_t>(num_pairs);
        for (int k = 0; k < num_k; ++k) VL_RETURN_IF_ERROR(init.set_u(k, u[static_cast<size_t>(k)]));
      }
    }
    for (int k = 0; k < num_k; ++k) {
      if (fixed_u[static_cast<size_t>(k)]) VL_RETURN_IF_ERROR(init.set_u(k, *fixed_u[static_cast<size_t>(k)]));
    }
    EmOptions em = settings.em;
    if (!em.fix_u && !settings.fixed_u.empty()) {
      return Status::InvalidArgument("link job '" + settings.name + "': fixed u needs fix_u = true");
    }
    if (!settings.fixed_m.empty()) {
      em.fix_m.assign(static_cast<size_t>(num_k), false);
      for (int k = 0; k < num_k; ++k) em.fix_m[static_cast<size_t>(k)] = fixed_m[static_cast<size_t>(k)].has_value();
    }
    if (settings.fixed_lambda) em.fix_lambda = true;
    const bool all_fixed = settings.fixed_lambda && static_cast<int>(settings.fixed_m.size()) == num_k;
    result.seconds.u_sampling = SecondsSince(t0);


    // Pass 1: agreement-pattern counts, two kinds. Training counts take every
    // pair of every rule's blocks (a pair found by two rules counts for both,
    // as in separate training sessions) with that rule's decided comparisons
    // left out; candidate counts take each candidate pair once, whole.
    t0 = Clock::now();
    // Per-worker counts: merging is a sum, so the result does not depend on
    // which worker took which chunk.
    const bool per_rule = settings.nonmatch == "per_rule";
    std::vector<PatternCounts> train_counts(static_cast<size_t>(threads), PatternCounts(shape));
    std::vector<PatternCounts> cand_counts(static_cast<size_t>(threads), PatternCounts(shape));
    // Per rule, its own candidates (not its whole blocks): the pairs it scores.
    std::vector<std::vector<PatternCounts>> rule_counts(
        per_rule ? static_cast<size_t>(threads) : 0,
        std::vector<PatternCounts>(static_cast<size_t>(num_rules), PatternCounts(shape)));
    ParallelChunks(chunks.size(), threads, [&](size_t c, int w) {
      std::vector<uint8_t> gamma(static_cast<size_t>(num_k));
      PatternCounts& train = train_counts[static_cast<size_t>(w)];
      PatternCounts& cand = cand_counts[static_cast<size_t>(w)];
      for (int64_t block = chunks[c].first; block < chunks[c].second; ++block) {
        const int rule = blocker.block_rule(block);
        const std::vector<int>& off = decided[static_cast<size_t>(rule)];
        const bool trains = blocker.rule(rule).train;
        blocker.ForEachPairInBlocksWithCover(block, block + 1, [&](int64_t a, int64_t b, bool covered) {
          if (refused(a, b)) return;  // a known non-match: not what m describes
          comparator.Compare(a, b, gamma.data());
          if (!covered) cand.Add(gamma.data());
          for (int k : off) gamma[static_cast<size_t>(k)] = kGammaNull;
          if (trains) train.Add(gamma.data());
          if (per_rule && !covered) {
            rule_counts[static_cast<size_t>(w)][static_cast<size_t>(rule)].Add(gamma.data());
          }
        });
      }
    });
    PatternCounts counts(shape);
    for (const PatternCounts& c : train_counts) counts.Merge(c);
    PatternCounts candidates(shape);
    for (const PatternCounts& c : cand_counts) candidates.Merge(c);
    train_counts.clear();
    cand_counts.clear();
    result.seconds.pattern_counting = SecondsSince(t0);

    // EM over the pattern counts.
    t0 = Clock::now();
    if (counts.size() == 0 || all_fixed) {
      // Nothing to train on, or nothing left to train.
      result.model = init;
      result.fit.model = init;
      result.fit.converged = all_fixed;
      if (all_fixed) result.lambda_candidates = init.lambda();
    } else {
      auto fit = TrainEm(counts, init, em);
      if (!fit.ok()) return fit.status().WithContext("link job '" + settings.name + "'");
      result.fit = std::move(*fit);
      result.model = result.fit.model;
      // EM's λ is the share of matches among training pairs. Scoring needs the
      // prior of the whole pair space, the one random-pair u belongs to: with m
      // and u fixed, EM for λ alone over all pairs in scope, taking pairs that
      // no rule generated as non-matches:
      //   λ ← Σ_γ n_γ P(match | γ, λ) / N_all   over the candidates' patterns.
      double all_pairs = 0;
      if (link_only) {
        std::vector<double> per_source(static_cast<size_t>(records.num_sources()), 0);
        for (int64_t r = 0; r < records.size(); ++r) per_source[static_cast<size_t>(records.source_index(r))] += 1;
        double seen = 0;
        for (double n : per_source) {
          all_pairs += seen * n;
          seen += n;
        }
      } else {
        const double n = static_cast<double>(records.size());
        all_pairs = n * (n - 1) / 2;
      }
      result.lambda_candidates = result.fit.model.lambda();
      // A fixed λ is the prior among candidates, the pairs its fixed u describe.
      if (all_pairs > 0 && candidates.size() > 0 && !settings.fixed_lambda) {
        const std::vector<PatternCount> patterns = candidates.Sorted();
        std::vector<double> bayes(patterns.size());  // Σ_k log2(m/u) per pattern
        std::vector<uint8_t> gamma(static_cast<size_t>(num_k));
        FsModel even = result.model;
        VL_RETURN_IF_ERROR(even.set_lambda(0.5));
        for (size_t i = 0; i < patterns.size(); ++i) {
          shape.Decode(patterns[i].key, gamma.data());
          bayes[i] = even.MatchWeight(gamma.data());  // prior weight 0 at λ = 1/2
        }
        double lambda = std::clamp(result.lambda_candidates * static_cast<double>(result.candidate_pairs) / all_pairs,
                                   kMinLambda, 0.5);
        for (int iter = 0; iter < 200; ++iter) {
          const double prior = std::log2(lambda / (1 - lambda));
          double expected = 0;
          for (size_t i = 0; i < patterns.size(); ++i) {
            expected += static_cast<double>(patterns[i].count) * WeightToProbability(prior + bayes[i]);
          }
          const double next = std::clamp(expected / all_pairs, kMinLambda, 0.5);
          const bool done = std::abs(next - lambda) <= 1e-9 * lambda;
          lambda = next;
          if (done) break;
        }
        VL_RETURN_IF_ERROR(result.model.set_lambda(lambda));
      }
    }
    if (per_rule && counts.size() > 0) {
      std::vector<PatternCounts> merged(static_cast<size_t>(num_rules), PatternCounts(shape));
      for (const auto& per_worker : rule_counts) {
        for (int r = 0; r < num_rules; ++r) merged[static_cast<size_t>(r)].Merge(per_worker[static_cast<size_t>(r)]);
      }
      VL_RETURN_IF_ERROR(TrainPerRule(shape, merged, settings.em, result));
    }
    result.seconds.em = SecondsSince(t0);

  }

  // Pass 2: score and keep the pairs that clear the floor.
  t0 = Clock::now();
  std::vector<const TermFrequencies*> tf_ptrs;
  for (int k = 0; k < num_k; ++k) {
    tf_ptrs.push_back(shape.comparison(k).tf.enabled ? &tf_tables[static_cast<size_t>(k)] : nullptr);
  }
  VL_ASSIGN_OR_RETURN(PairScorer scorer, PairScorer::Make(result.model, tf_ptrs));
  // nonmatch = "per_rule": a pair is scored by the rule that generated it —
  // its λ_r and u_r, the shared m, the rule's decided comparisons left out.
  const bool per_rule_scoring = !result.rule_lambda.empty();
  std::vector<std::vector<std::vector<double>>> rule_lbf;  // [rule][k][level] log2(m/u_r)
  std::vector<std::vector<bool>> rule_off(static_cast<size_t>(num_rules), std::vector<bool>(static_cast<size_t>(num_k), false));
  std::vector<double> rule_prior;
  if (per_rule_scoring) {
    for (int r = 0; r < num_rules; ++r) {
      for (int k : decided[static_cast<size_t>(r)]) rule_off[static_cast<size_t>(r)][static_cast<size_t>(k)] = true;
      const double lr = result.rule_lambda[static_cast<size_t>(r)];
      rule_prior.push_back(std::log2(lr / (1 - lr)));
      std::vector<std::vector<double>> lbf(static_cast<size_t>(num_k));
      for (int k = 0; k < num_k; ++k) {
        for (size_t l = 0; l < result.model.m(k).size(); ++l) {
          lbf[static_cast<size_t>(k)].push_back(
              std::log2(result.model.m(k)[l] / result.rule_u[static_cast<size_t>(r)][static_cast<size_t>(k)][l]));
        }
      }
      rule_lbf.push_back(std::move(lbf));
    }
  }
  auto RuleWeight = [&](int rule, const uint8_t* g, const uint32_t* vals) {
    const auto r = static_cast<size_t>(rule);
    double w = rule_prior[r];
    for (int k = 0; k < num_k; ++k) {
      const auto ks = static_cast<size_t>(k);
      if (g[k] == kGammaNull || rule_off[r][ks]) continue;
      w += rule_lbf[r][ks][g[k]];
      const TfSettings& tf = shape.comparison(k).tf;
      if (tf.enabled && g[k] == static_cast<uint8_t>(tf.exact_level) && tf_ptrs[ks] != nullptr) {
        w += TfAdjustment(result.model.u(k)[g[k]], tf_ptrs[ks]->frequency(vals[k]), tf);
      }
    }
    return w;
  };
  constexpr int kHistMin = -40, kHistBins = 100;
  std::vector<std::vector<LinkedPair>> chunk_pairs(chunks.size());
  std::vector<std::vector<int64_t>> chunk_hist(chunks.size(), std::vector<int64_t>(kHistBins, 0));
  std::vector<int64_t> chunk_true(chunks.size(), 0);
  std::vector<int64_t> chunk_refused(chunks.size(), 0);
  const std::vector<int64_t>& entity = result.entity;
  const double keep = settings.keep_probability;
  ParallelChunks(chunks.size(), threads, [&](size_t c, int) {
    std::vector<uint8_t> gamma(static_cast<size_t>(num_k));
    std::vector<uint32_t> values(static_cast<size_t>(num_k), kNullValueId);
    std::vector<LinkedPair>& out = chunk_pairs[c];
    std::vector<int64_t>& hist = chunk_hist[c];
    for (int64_t block = chunks[c].first; block < chunks[c].second; ++block) {
    const int rule = blocker.block_rule(block);
    blocker.ForEachPairInBlocks(block, block + 1, [&](int64_t a, int64_t b) {
      if (refused(a, b)) {
        ++chunk_refused[c];
        return;
      }
      comparator.Compare(a, b, gamma.data());
      for (int k = 0; k < num_k; ++k) {
        if (const auto* v = tf_values[static_cast<size_t>(k)]) {
          values[static_cast<size_t>(k)] = (*v)[static_cast<size_t>(a)];
        }
      }
      const double w = per_rule_scoring ? RuleWeight(rule, gamma.data(), values.data())
                                        : scorer.MatchWeight(gamma.data(), values.data());
      const int bin = std::clamp(static_cast<int>(std::floor(w)) - kHistMin, 0, kHistBins - 1);
      ++hist[static_cast<size_t>(bin)];
      const double p = WeightToProbability(w);
      if (p >= keep) out.push_back({a, b, w, p, shape.Encode(gamma.data())});
      if (!entity.empty()) {
        const int64_t ea = entity[static_cast<size_t>(a)];
        chunk_true[c] += ea >= 0 && ea == entity[static_cast<size_t>(b)];
      }
    });
    }
  });
  result.histogram_min_weight = kHistMin;
  result.weight_histogram.assign(kHistBins, 0);
  size_t total = 0;
  for (const auto& v : chunk_pairs) total += v.size();
  result.pairs.reserve(total);
  if (!entity.empty()) {
    result.true_candidate_pairs = 0;
    for (int64_t t : chunk_true) result.true_candidate_pairs += t;
  }
  for (size_t c = 0; c < chunks.size(); ++c) {
    result.cannot_link_pairs += chunk_refused[c];
    result.pairs.insert(result.pairs.end(), chunk_pairs[c].begin(), chunk_pairs[c].end());
    for (int i = 0; i < kHistBins; ++i) result.weight_histogram[static_cast<size_t>(i)] += chunk_hist[c][static_cast<size_t>(i)];
  }
  result.seconds.scoring = SecondsSince(t0);
  return result;
}

std::string LinkJobJson(const LinkJobResult& r) {
  nlohmann::ordered_json j;
  j["name"] = r.settings.name;
  j["mode"] = std::string(LinkModeName(r.settings.mode));
  j["sources"] = r.settings.sources;
  j["records"] = r.records.size();
  j["candidate_pairs"] = r.candidate_pairs;
  if (r.settings.cannot_link) {
    j["cannot_link"] = r.settings.cannot_link->conditions.front();
    j["cannot_link_pairs"] = r.cannot_link_pairs;
  }
  j["lambda_among_candidates"] = r.lambda_candidates;
  j["nonmatch"] = r.settings.nonmatch;
  if (!r.settings.model_path.empty()) j["model_loaded_from"] = r.settings.model_path;
  if (r.settings.fixed_lambda || !r.settings.fixed_m.empty() || !r.settings.fixed_u.empty()) {
    nlohmann::ordered_json f;
    if (r.settings.fixed_lambda) f["lambda_among_candidates"] = *r.settings.fixed_lambda;
    for (const auto& [name, v] : r.settings.fixed_m) f["m"][name] = v;
    for (const auto& [name, v] : r.settings.fixed_u) f["u"][name] = v;
    j["fixed"] = std::move(f);
  }
  if (!r.rule_lambda.empty()) {
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (size_t i = 0; i < r.rule_lambda.size(); ++i) {
      rules.push_back({{"rule", r.blocking.rules[i].rule}, {"lambda", r.rule_lambda[i]}, {"u", r.rule_u[i]}});
    }
    j["per_rule"] = std::move(rules);
  }
  j["u_pairs_sampled"] = r.u_pairs_sampled;
  j["model"] = nlohmann::ordered_json::parse(r.model.ToJson());
  nlohmann::ordered_json em = nlohmann::ordered_json::array();
  for (const EmIteration& it : r.fit.log) {
    em.push_back({{"iteration", it.iteration}, {"lambda", it.lambda}, {"max_change", it.max_change},
                  {"log_likelihood", it.log_likelihood}});
  }
  j["em"] = {{"converged", r.fit.converged}, {"iterations", std::move(em)}};
  nlohmann::ordered_json blocking = nlohmann::ordered_json::array();
  for (size_t rule_idx = 0; rule_idx < r.blocking.rules.size(); ++rule_idx) {
    const RuleReport& rule = r.blocking.rules[rule_idx];
    nlohmann::ordered_json largest = nlohmann::ordered_json::array();
    for (const BlockInfo& b : rule.largest) largest.push_back({{"key", b.key}, {"size", b.size}});
    nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
    for (const BlockInfo& b : rule.skipped) skipped.push_back({{"key", b.key}, {"size", b.size}});
    blocking.push_back({{"rule", rule.rule},
                        {"blocks", rule.num_blocks},
                        {"pairs", rule.pairs},
                        {"cumulative_pairs", rule.cumulative_pairs},
                        {"largest_blocks", std::move(largest)},
                        {"skipped_blocks", std::move(skipped)}});
    if (rule_idx < r.settings.blocking.size() && !r.settings.blocking[rule_idx].train) {
      blocking.back()["train"] = false;  // scored, not a training sample
    }
  }
  j["blocking"] = std::move(blocking);
  // Chart data: m and u per level, and the weight histogram of candidate pairs.
  nlohmann::ordered_json charts = nlohmann::ordered_json::array();
  for (int k = 0; k < r.model.num_comparisons(); ++k) {
    nlohmann::ordered_json levels = nlohmann::ordered_json::array();
    const auto& labels = r.model.shape().comparison(k).level_labels;
    for (size_t l = 0; l < labels.size(); ++l) {
      levels.push_back({{"level", l},
                        {"label", labels[l]},
                        {"m", r.model.m(k)[l]},
                        {"u", r.model.u(k)[l]},
                        {"log2_bayes_factor", std::log2(r.model.m(k)[l] / r.model.u(k)[l])}});
    }
    charts.push_back({{"comparison", r.model.shape().comparison(k).name}, {"levels", std::move(levels)}});
  }
  j["m_u_chart"] = std::move(charts);
  nlohmann::ordered_json hist = nlohmann::ordered_json::array();
  for (size_t i = 0; i < r.weight_histogram.size(); ++i) {
    if (r.weight_histogram[i] == 0) continue;
    hist.push_back({{"weight_from", r.histogram_min_weight + static_cast<int>(i)},
                    {"pairs", r.weight_histogram[i]}});
  }
  j["weight_histogram"] = std::move(hist);
  return j.dump(2);
}

}  // namespace vitalink::link
