#include "vitalink/pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "vitalink/common/date.h"
#include "vitalink/pipeline/follow_up.h"

#include "vitalink/synth/generator.h"

namespace vitalink::pipeline {

Result<Stage> ParseStage(std::string_view name) {
  if (name == "ingest") return Stage::kIngest;
  if (name == "check") return Stage::kCheck;
  if (name == "link") return Stage::kLink;
  if (name == "estimate") return Stage::kEstimate;
  return Status::InvalidArgument("unknown stage '" + std::string(name) +
                                 "' (known: ingest, check, link, estimate)");
}

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
  if (options.last_stage >= Stage::kCheck) {
    VL_ASSIGN_OR_RETURN(report.check,
                        RunCheckStep(report.config, report.ingest, report.truth.empty() ? nullptr : &report.truth,
                                     (std::filesystem::path(report.output_dir) / "check").string(), options.threads));
    report.checked = !report.check.results.empty();
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
  if (options.last_stage >= Stage::kEstimate && report.linked) {
    VL_ASSIGN_OR_RETURN(report.estimate,
                        RunEstimateStep(report.config, report.ingest, report.persons,
                                        (std::filesystem::path(report.output_dir) / "estimate").string()));
    report.estimated = report.estimate.settings.enabled;
    VL_RETURN_IF_ERROR(WriteFollowUp(report, (std::filesystem::path(report.output_dir) / "report" / "follow_up.csv").string()));
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
  if (report.checked) {
    out += fmt::format("\n{:<12} {:>10} {:>10} {:>16}  {}\n", "checks", "records", "findings",
                       "records failing", "most failed rules");
    for (size_t i = 0; i < report.check.results.size(); ++i) {
      const check::CheckResult& r = report.check.results[i];
      std::vector<const check::RuleSummary*> rules;
      for (const check::RuleSummary& rs : r.summaries) {
        if (rs.fails > 0) rules.push_back(&rs);
      }
      std::stable_sort(rules.begin(), rules.end(), [](const auto* a, const auto* b) { return a->fails > b->fails; });
      std::string top;
      for (size_t k = 0; k < rules.size() && k < 3; ++k) {
        top += fmt::format("{}{} ×{}", k ? ", " : "", rules[k]->rule_id, rules[k]->fails);
      }
      int64_t failing = 0;
      int64_t last_row = -1;
      for (const check::Finding& f : r.findings) {
        failing += f.row != last_row;
        last_row = f.row;
      }
      out += fmt::format("{:<12} {:>10} {:>10} {:>16}  {}\n", report.check.sources[i], r.num_rows,
                         r.findings.size(), failing, top.empty() ? "-" : top);
    }
  }
  if (report.linked) {
    out += fmt::format("\n{:<22} {:>9} {:>12} {:>9}  {}\n", "link job", "records", "candidates",
                       "matches", "accuracy of pairs >= threshold, and after clustering (against truth)");
    for (const link::LinkJobResult& job : report.link_jobs) {
      int64_t matches = 0;
      for (const link::LinkedPair& p : job.pairs) matches += p.probability >= job.settings.match_threshold;
      std::string accuracy = "-";
      for (const cluster::JobMetrics& m : report.link_metrics) {
        if (m.job != job.settings.name) continue;
        accuracy = fmt::format("precision {:.4f} recall {:.4f} F1 {:.4f} (clustered: F1 {:.4f})",
                               m.pairs.precision, m.pairs.recall, m.pairs.f1, m.clusters.pairwise.f1);
      }
      out += fmt::format("{:<22} {:>9} {:>12} {:>9}  {}\n", job.settings.name, job.records.size(),
                         job.candidate_pairs, matches, accuracy);
    }
    out += fmt::format("persons: {} from {} records\n", report.persons.num_persons,
                       report.persons.num_records());
  }
  if (report.estimated) {
    const AreaBirths& c = report.estimate.county;
    out += fmt::format("\nbirths {} to {}: {} in the register, {} in hospital reports, {} in both, {} only outside the register\n",
                       FormatDate(report.estimate.settings.period_start),
                       FormatDate(report.estimate.settings.period_end), c.in_register, c.in_births,
                       c.in_both, c.only_elsewhere);
    if (c.has_estimate) {
      out += fmt::format("estimated births: {:.0f} (95% interval {:.0f} to {:.0f}); register completeness {:.1f}%{}\n",
                         c.dse.chapman, c.dse.interval.lower, c.dse.interval.upper, 100 * c.dse.completeness1,
                         c.true_births ? fmt::format(" (true births: {})", *c.true_births) : std::string());
    }
  }
  out += fmt::format("\ningest summary: {}/ingest/summary.json\n", report.output_dir);
  out += fmt::format("rejected rows:  {}/ingest/rejects/\n", report.output_dir);
  if (report.checked) out += fmt::format("checks:         {}/check/ (findings.csv, summary.json{})\n", report.output_dir, report.truth.empty() ? "" : ", metrics.json");
  if (report.estimated) out += fmt::format("follow-up list: {}/report/follow_up.csv (births to register, duplicates to merge)\n", report.output_dir);
  if (report.estimated) out += fmt::format("estimates:      {}/estimate/ (births.csv, summary.json)\n", report.output_dir);
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
