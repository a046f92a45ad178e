#include "vitalink/pipeline/pipeline.h"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "vitalink/synth/generator.h"

namespace vitalink::pipeline {

Result<RunReport> RunProject(const std::string& config_path, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RunReport report;
  VL_ASSIGN_OR_RETURN(report.config, ingest::LoadProjectConfig(config_path));
  report.output_dir = options.output_dir.empty() ? report.config.output_dir : options.output_dir;
  ingest::IngestOptions ingest_options;
  ingest_options.output_dir = report.output_dir;
  VL_ASSIGN_OR_RETURN(report.ingest, ingest::IngestProject(report.config, ingest_options));
  if (ingest::HasTruth(report.config)) {
    VL_ASSIGN_OR_RETURN(report.truth, ingest::LoadTruth(report.config, report.ingest));
  }
  if (options.last_stage >= Stage::kLink) {
    VL_ASSIGN_OR_RETURN(std::vector<link::LinkJobSettings> jobs, link::ParseLinkSettings(report.config));
    for (link::LinkJobSettings& job : jobs) {
      if (options.threads > 0) job.threads = options.threads;
      VL_ASSIGN_OR_RETURN(link::LinkJobResult r,
                          link::RunLinkJob(job, report.ingest,
                                           report.truth.empty() ? nullptr : &report.truth.entity));
      report.link_jobs.push_back(std::move(r));
    }
    if (!report.link_jobs.empty()) {
      report.linked = true;
      VL_ASSIGN_OR_RETURN(report.persons, cluster::BuildPersons(report.ingest, report.link_jobs, {}));
      for (const link::LinkJobResult& r : report.link_jobs) {
        if (r.entity.empty()) continue;
        VL_ASSIGN_OR_RETURN(cluster::JobMetrics m, cluster::EvaluateJob(r));
        report.link_metrics.push_back(std::move(m));
      }
      VL_RETURN_IF_ERROR(cluster::WriteLinkOutputs(
          (std::filesystem::path(report.output_dir) / "link").string(), report.ingest,
          report.link_jobs, report.persons, report.truth.empty() ? nullptr : &report.truth));
    }
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string FormatRunReport(const RunReport& report) {
  std::string out;
  out += fmt::format("{:<12} {:<9} {:>10} {:>10} {:>9}  {}\n", "source", "role", "read",
                     "accepted", "rejected", "top reject reasons");
  for (const ingest::SourceData& s : report.ingest.sources) {
    const ingest::SourceSummary& m = s.summary;
    std::string reasons;
    for (size_t i = 0; i < m.reasons.size() && i < 3; ++i) {
      const auto& r = m.reasons[i];
      reasons += fmt::format("{}{}{}{} ×{}", i ? ", " : "", r.field, r.field.empty() ? "" : ":",
                             r.kind, r.count);
    }
    out += fmt::format("{:<12} {:<9} {:>10} {:>10} {:>9}  {}\n", m.name, m.role, m.rows_read,
                       m.rows_accepted, m.rows_rejected, reasons.empty() ? "-" : reasons);
  }
  if (report.linked) {
    out += fmt::format("\n{:<22} {:>9} {:>12} {:>9}  {}\n", "link job", "records", "candidates",
                       "matches", "accuracy (pairwise, against truth)");
    for (const link::LinkJobResult& job : report.link_jobs) {
      int64_t matches = 0;
      for (const link::LinkedPair& p : job.pairs) matches += p.probability >= job.settings.match_threshold;
      std::string accuracy = "-";
      for (const cluster::JobMetrics& m : report.link_metrics) {
        if (m.job != job.settings.name) continue;
        accuracy = fmt::format("precision {:.4f} recall {:.4f} F1 {:.4f}", m.pairs.precision,
                               m.pairs.recall, m.pairs.f1);
      }
      out += fmt::format("{:<22} {:>9} {:>12} {:>9}  {}\n", job.settings.name, job.records.size(),
                         job.candidate_pairs, matches, accuracy);
    }
    out += fmt::format("persons: {} from {} records\n", report.persons.num_persons,
                       report.persons.num_records());
  }
  out += fmt::format("\ningest summary: {}/ingest/summary.json\n", report.output_dir);
  out += fmt::format("rejected rows:  {}/ingest/rejects/\n", report.output_dir);
  if (report.linked) out += fmt::format("linkage:        {}/link/ (pairs.csv, clusters.csv, model.json, metrics.json)\n", report.output_dir);
  out += fmt::format("finished in {:.2f} s\n", report.seconds);
  return out;
}

Result<RunReport> RunDemo(const DemoOptions& options) {
  synth::GenerateOptions gen;
  gen.out_dir = options.dir;
  gen.persons = options.persons;
  gen.seed = options.seed;
  VL_RETURN_IF_ERROR(synth::GenerateCounty(gen).status());
  return RunProject((std::filesystem::path(options.dir) / "project.toml").string(), {});
}

}  // namespace vitalink::pipeline
