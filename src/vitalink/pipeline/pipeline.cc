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
  out += fmt::format("\ningest summary: {}/ingest/summary.json\n", report.output_dir);
  out += fmt::format("rejected rows:  {}/ingest/rejects/\n", report.output_dir);
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
