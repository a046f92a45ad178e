#include "vitalink/cluster/persons.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/file_io.h"
#include "vitalink/common/random.h"

namespace vitalink::cluster {
namespace {

namespace fs = std::filesystem;

// Map each job's source positions to ingest source indices.
std::vector<int32_t> JobSourceIndex(const ingest::IngestResult& ingest, const link::LinkJobResult& job) {
  std::vector<int32_t> out;
  for (const std::string& name : job.settings.sources) {
    for (size_t i = 0; i < ingest.sources.size(); ++i) {
      if (ingest.sources[i].config.name == name) out.push_back(static_cast<int32_t>(i));
    }
  }
  return out;
}

// Global record index: offsets[source] + row, sources in ingest order.
struct RecordIndex {
  std::vector<int64_t> offsets;
  std::vector<int32_t> source_of;
  int64_t num_records = 0;
};

RecordIndex IndexRecords(const ingest::IngestResult& ingest) {
  RecordIndex idx;
  for (size_t s = 0; s < ingest.sources.size(); ++s) {
    idx.offsets.push_back(idx.num_records);
    idx.num_records += ingest.sources[s].table.num_rows();
    idx.source_of.insert(idx.source_of.end(), static_cast<size_t>(ingest.sources[s].table.num_rows()),
                         static_cast<int32_t>(s));
  }
  return idx;
}

// Every job's kept pairs that `take(job, pair)` accepts, as global-index pairs
// (a < b) with the probability `take` returns; and the clustering options of
// persons: links and dedupes together, one-to-one when any job asks for it.
template <typename Take>
std::vector<ScoredPair> GlobalPairs(const ingest::IngestResult& ingest, std::span<const link::LinkJobResult> jobs,
                                    const std::vector<int64_t>& offsets, Take take) {
  std::vector<ScoredPair> pairs;
  for (const link::LinkJobResult& job : jobs) {
    const std::vector<int32_t> src = JobSourceIndex(ingest, job);
    auto global = [&](int64_t rec) {
      return offsets[static_cast<size_t>(src[static_cast<size_t>(job.records.source_index(rec))])] +
             job.records.source_row(rec);
    };
    for (const link::LinkedPair& lp : job.pairs) {
      const std::optional<double> p = take(job, lp);
      if (!p) continue;
      int64_t a = global(lp.a), b = global(lp.b);
      if (a > b) std::swap(a, b);
      pairs.push_back({a, b, lp.weight, *p});
    }
  }
  return pairs;
}

ClusterOptions PersonClusterOptions(std::span<const link::LinkJobResult> jobs, const PersonOptions& options) {
  ClusterOptions co;
  co.threshold = 0.0;  // pairs were chosen per job
  co.mode = LinkMode::kLinkAndDedupe;
  for (const link::LinkJobResult& job : jobs) co.one_to_one = co.one_to_one || job.settings.one_to_one;
  co.refuse_weak_bridges = options.refuse_weak_bridges;
  co.bridges = options.bridges;
  return co;
}

std::string FormatDouble(double v, const char* fmt = "%.6f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

nlohmann::ordered_json MetricsJson(const PairwiseMetrics& m) {
  return {{"precision", m.precision}, {"recall", m.recall},   {"f1", m.f1},
          {"true_positives", m.true_positives}, {"false_positives", m.false_positives},
          {"false_negatives", m.false_negatives}};
}

}  // namespace

Result<Persons> BuildPersons(const ingest::IngestResult& ingest,
                             std::span<const link::LinkJobResult> jobs, const PersonOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Persons p;
  RecordIndex idx = IndexRecords(ingest);
  const std::vector<ScoredPair> pairs =
      GlobalPairs(ingest, jobs, idx.offsets, [](const link::LinkJobResult& job, const link::LinkedPair& lp) {
        return lp.probability >= job.settings.match_threshold ? std::optional<double>(lp.probability) : std::nullopt;
      });
  p.offsets = std::move(idx.offsets);
  p.source_of = std::move(idx.source_of);
  VL_ASSIGN_OR_RETURN(p.clustering, Cluster(idx.num_records, pairs, PersonClusterOptions(jobs, options), p.source_of,
                                            options.constraints));
  p.labels = p.clustering.labels;
  p.num_persons = p.clustering.num_clusters;
  auto key = [&](int64_t rec) {
    const int32_t s = p.source_of[static_cast<size_t>(rec)];
    const ingest::SourceData& src = ingest.sources[static_cast<size_t>(s)];
    const int64_t row = rec - p.offsets[static_cast<size_t>(s)];
    const Column& rid = src.table.column(0);
    return MemberKey(src.config.name, src.table.pool().Get(rid.string_id(row)));
  };
  VL_ASSIGN_OR_RETURN(p.person_ids, AssignPersonIds(p.labels, key));
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return p;
}

Result<PersonDraws> PersonDraws::Make(const ingest::IngestResult& ingest,
                                      std::span<const link::LinkJobResult> jobs,
                                      const PersonOptions& options, const std::string& held_job) {
  PersonDraws d;
  RecordIndex idx = IndexRecords(ingest);
  // A held job's pairs are joined in every draw when the run joined them
  // (probability 1; the weight keeps its place in the one-to-one order).
  d.pairs_ = GlobalPairs(ingest, jobs, idx.offsets, [&held_job](const link::LinkJobResult& job, const link::LinkedPair& lp) {
    if (held_job.empty() || job.settings.name != held_job) return std::optional<double>(lp.probability);
    return lp.probability >= job.settings.match_threshold ? std::optional<double>(1.0) : std::nullopt;
  });
  for (const ScoredPair& p : d.pairs_) d.uncertain_ += p.probability > 0.0 && p.probability < 1.0;
  d.num_records_ = idx.num_records;
  d.source_of_ = std::move(idx.source_of);
  d.options_ = PersonClusterOptions(jobs, options);
  d.constraints_ = options.constraints;
  return d;
}

Result<std::vector<int64_t>> PersonDraws::Draw(uint64_t seed, uint64_t draw) const {
  // One stream per draw; the pairs in their fixed order consume one number each.
  Xoshiro256 rng(seed, 0x50455253ULL + draw);
  std::vector<ScoredPair> accepted;
  accepted.reserve(pairs_.size());
  for (const ScoredPair& p : pairs_) {
    if (rng.NextDouble() < p.probability) accepted.push_back(p);
  }
  VL_ASSIGN_OR_RETURN(Clustering c, Cluster(num_records_, accepted, options_, source_of_, constraints_));
  return std::move(c.labels);
}

Result<JobMetrics> EvaluateJob(const link::LinkJobResult& job) {
  JobMetrics m;
  m.job = job.settings.name;
  m.records = job.records.size();
  m.candidate_pairs = job.candidate_pairs;
  m.threshold = job.settings.match_threshold;
  if (job.entity.empty()) return m;
  std::vector<int64_t> entity(job.entity.size());
  std::vector<int32_t> source(job.entity.size());
  for (size_t i = 0; i < entity.size(); ++i) {
    entity[i] = job.entity[i] >= 0 ? job.entity[i] : kNoEntity;
    source[i] = job.records.source_index(static_cast<int64_t>(i));
  }
  const PairScope scope = job.settings.mode == link::LinkMode::kLink ? PairScope::kCrossSource
                                                                     : PairScope::kAllPairs;
  VL_ASSIGN_OR_RETURN(Truth truth, Truth::Make(std::move(entity), std::move(source), scope));
  std::vector<ScoredPair> pairs;
  pairs.reserve(job.pairs.size());
  for (const link::LinkedPair& lp : job.pairs) pairs.push_back({lp.a, lp.b, lp.weight, lp.probability});
  m.true_pairs = truth.num_true_pairs();
  m.true_candidate_pairs = job.true_candidate_pairs;
  m.blocking_recall_ceiling =
      m.true_pairs > 0 ? static_cast<double>(m.true_candidate_pairs) / static_cast<double>(m.true_pairs) : 1.0;
  VL_ASSIGN_OR_RETURN(m.pairs, EvaluatePairs(truth, pairs, m.threshold));
  VL_ASSIGN_OR_RETURN(m.by_threshold,
                      PrecisionRecallTable(truth, pairs, DefaultProbabilityThresholds()));
  ClusterOptions co;
  co.threshold = m.threshold;
  co.mode = job.settings.mode == link::LinkMode::kLink ? LinkMode::kLink
            : job.settings.mode == link::LinkMode::kDedupe ? LinkMode::kDedupe
                                                           : LinkMode::kLinkAndDedupe;
  co.one_to_one = job.settings.one_to_one;
  std::vector<int32_t> src(static_cast<size_t>(job.records.size()));
  for (int64_t r = 0; r < job.records.size(); ++r) src[static_cast<size_t>(r)] = job.records.source_index(r);
  VL_ASSIGN_OR_RETURN(Clustering c, Cluster(job.records.size(), pairs, co, src));
  VL_ASSIGN_OR_RETURN(m.clusters, EvaluateClusters(truth, c.labels));
  return m;
}

Status WriteLinkOutputs(const std::string& dir, const ingest::IngestResult& ingest,
                        std::span<const link::LinkJobResult> jobs, const Persons& persons,
                        const ingest::Truth* truth) {
  // pairs.csv: every kept pair with its weight and the level of each comparison.
  {
    AtomicFile f;
    VL_RETURN_IF_ERROR(f.Open((fs::path(dir) / "pairs.csv").string()));
    f.Write("job,source_a,record_id_a,source_b,record_id_b,match_weight,match_probability,gamma\n");
    std::string line;
    std::vector<uint8_t> gamma;
    for (const link::LinkJobResult& job : jobs) {
      const link::ModelShape& shape = job.model.shape();
      gamma.resize(static_cast<size_t>(shape.num_comparisons()));
      for (const link::LinkedPair& lp : job.pairs) {
        line.clear();
        shape.Decode(lp.pattern, gamma.data());
        std::string g;
        for (size_t k = 0; k < gamma.size(); ++k) {
          if (k) g.push_back('|');
          g += gamma[k] == link::kGammaNull ? std::string("-") : std::to_string(gamma[k]);
        }
        const auto& rs = job.records;
        AppendCsvRow(line, {job.settings.name, rs.source_name(rs.source_index(lp.a)),
                            rs.pool().Get(rs.record_id(lp.a)), rs.source_name(rs.source_index(lp.b)),
                            rs.pool().Get(rs.record_id(lp.b)), FormatDouble(lp.weight, "%.4f"),
                            FormatDouble(lp.probability, "%.6f"), g});
        f.Write(line);
      }
    }
    VL_RETURN_IF_ERROR(f.Commit());
  }
  // clusters.csv: record → person.
  {
    AtomicFile f;
    VL_RETURN_IF_ERROR(f.Open((fs::path(dir) / "clusters.csv").string()));
    f.Write("source,record_id,person_id\n");
    std::string line;
    for (int64_t rec = 0; rec < persons.num_records(); ++rec) {
      const int32_t s = persons.source_of[static_cast<size_t>(rec)];
      const ingest::SourceData& src = ingest.sources[static_cast<size_t>(s)];
      const int64_t row = rec - persons.offsets[static_cast<size_t>(s)];
      line.clear();
      AppendCsvRow(line, {src.config.name, src.table.pool().Get(src.table.column(0).string_id(row)),
                          persons.person_ids[static_cast<size_t>(rec)]});
      f.Write(line);
    }
    VL_RETURN_IF_ERROR(f.Commit());
  }
  // model.json: each job's model, EM log, blocking report and chart data.
  {
    std::string text = "{\n  \"jobs\": [\n";
    for (size_t i = 0; i < jobs.size(); ++i) {
      text += link::LinkJobJson(jobs[i]);
      text += i + 1 < jobs.size() ? ",\n" : "\n";
    }
    text += "  ]\n}\n";
    // Re-indent through the JSON library so the file is one well-formed document.
    text = nlohmann::ordered_json::parse(text).dump(2) + "\n";
    VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "model.json").string(), text));
  }
  // metrics.json: sizes, seconds per stage and, with truth, accuracy.
  nlohmann::ordered_json j;
  nlohmann::ordered_json job_array = nlohmann::ordered_json::array();
  for (const link::LinkJobResult& job : jobs) {
    nlohmann::ordered_json o;
    o["job"] = job.settings.name;
    o["records"] = job.records.size();
    o["candidate_pairs"] = job.candidate_pairs;
    o["pairs_kept"] = static_cast<int64_t>(job.pairs.size());
    o["lambda"] = job.model.lambda();
    o["em_iterations"] = static_cast<int64_t>(job.fit.log.size());
    o["em_converged"] = job.fit.converged;
    o["seconds"] = {{"records", job.seconds.records},   {"blocking", job.seconds.blocking},
                    {"u_sampling", job.seconds.u_sampling}, {"pattern_counting", job.seconds.pattern_counting},
                    {"em", job.seconds.em},             {"scoring", job.seconds.scoring}};
    if (!job.entity.empty()) {
      VL_ASSIGN_OR_RETURN(JobMetrics m, EvaluateJob(job));
      o["threshold"] = m.threshold;
      o["true_pairs"] = m.true_pairs;
      o["true_candidate_pairs"] = m.true_candidate_pairs;
      o["blocking_recall_ceiling"] = m.blocking_recall_ceiling;
      o["pairwise"] = MetricsJson(m.pairs);
      nlohmann::ordered_json table = nlohmann::ordered_json::array();
      for (const ThresholdRow& row : m.by_threshold) {
        nlohmann::ordered_json r = MetricsJson(row.metrics);
        r["threshold"] = row.threshold;
        r["predicted"] = row.predicted;
        table.push_back(std::move(r));
      }
      o["by_threshold"] = std::move(table);
      o["clusters"] = {{"pairwise", MetricsJson(m.clusters.pairwise)},
                       {"bcubed_precision", m.clusters.bcubed_precision},
                       {"bcubed_recall", m.clusters.bcubed_recall},
                       {"bcubed_f1", m.clusters.bcubed_f1},
                       {"clusters", m.clusters.num_clusters},
                       {"entities", m.clusters.num_entities}};
    }
    job_array.push_back(std::move(o));
  }
  j["jobs"] = std::move(job_array);
  nlohmann::ordered_json pj;
  pj["records"] = persons.num_records();
  pj["persons"] = persons.num_persons;
  pj["weak_bridges_cut"] = persons.clustering.weak_bridges_cut;
  pj["refused_by_one_to_one"] = persons.clustering.refused_by_one_to_one;
  pj["seconds"] = persons.seconds;
  if (truth != nullptr && !truth->empty()) {
    std::vector<int64_t> entity(static_cast<size_t>(persons.num_records()), kNoEntity);
    for (size_t s = 0; s < truth->entity.size(); ++s) {
      for (size_t r = 0; r < truth->entity[s].size(); ++r) {
        const int64_t e = truth->entity[s][r];
        if (e >= 0) entity[static_cast<size_t>(persons.offsets[s]) + r] = e;
      }
    }
    VL_ASSIGN_OR_RETURN(Truth t, Truth::Make(std::move(entity)));
    VL_ASSIGN_OR_RETURN(ClusterMetrics cm, EvaluateClusters(t, persons.labels));
    pj["pairwise"] = MetricsJson(cm.pairwise);
    pj["bcubed_precision"] = cm.bcubed_precision;
    pj["bcubed_recall"] = cm.bcubed_recall;
    pj["bcubed_f1"] = cm.bcubed_f1;
    pj["true_entities"] = cm.num_entities;
  }
  j["persons"] = std::move(pj);
  return WriteFileAtomic((fs::path(dir) / "metrics.json").string(), j.dump(2) + "\n");
}

}  // namespace vitalink::cluster
