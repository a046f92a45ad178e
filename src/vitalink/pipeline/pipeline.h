// The whole pipeline behind `vitalink run` and `vitalink demo`: load the
// config, run every stage that exists, write each stage's outputs under the
// config's output folder and return what happened. The CLI only prints it.
//
//   VL_ASSIGN_OR_RETURN(RunReport report, RunProject("county/project.toml", {}));
//   std::cout << FormatRunReport(report);
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "vitalink/cluster/persons.h"
#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/ingest/truth.h"
#include "vitalink/link/linker.h"
#include "vitalink/pipeline/check_step.h"
#include "vitalink/pipeline/estimate_step.h"
#include "vitalink/review/decisions.h"
#include "vitalink/review/follow_up.h"

namespace vitalink::pipeline {

/// The stages `RunProject` can stop after.
enum class Stage { kIngest, kCheck, kLink, kEstimate };

/// Parse "ingest", "check", "link" or "estimate".
Result<Stage> ParseStage(std::string_view name);

struct RunOptions {
  std::string output_dir;  // overrides the config's [project] output
  Stage last_stage = Stage::kEstimate;
  int threads = 0;         // 0 = all cores (outputs do not depend on it)
  std::string lang = "zh"; // bulletin language: zh or en
  /// Linkage-error rates from clerical review, per link job name. For the
  /// register × births job they replace the rates estimated from the job's
  /// posteriors in the births estimate (EstimateInputs::reviewed_rates).
  std::map<std::string, estimate::LinkageErrorRates> reviewed_rates;
  /// Called with a short line before each step ("linking births_register"); the
  /// CLI prints them on a terminal. Empty: silent.
  std::function<void(std::string_view)> progress;
};

struct RunReport {
  ingest::ProjectConfig config;
  ingest::IngestResult ingest;
  ingest::Truth truth;  // empty without [truth]
  CheckStep check;
  bool checked = false;
  std::vector<link::LinkJobResult> link_jobs;
  std::vector<cluster::JobMetrics> link_metrics;  // with truth, one per job
  cluster::Persons persons;
  bool linked = false;
  /// Review decisions from the project store applied to this run's clustering, and per
  /// link job (in link_jobs order) the labelled pairs and the pair-level error rates with
  /// labels settling their pairs (link/labels.json). The estimate step substitutes the
  /// labels for posteriors in the births job's record-level rates.
  review::AppliedDecisions review;
  /// Follow-up outcomes from the project store (review/follow_up.h): their derived pair
  /// decisions are among those `review` applied; records staff found are no birth of
  /// the period are left out of the estimate.
  review::AppliedFollowUps follow_ups;
  std::vector<review::LabelMetrics> labels;
  std::vector<review::JobErrorRates> label_error_rates;
  std::string run_label;          // the period the run covers ("2026-10")
  EstimateStep estimate;
  bool estimated = false;
  int64_t run_id = 0;             // in the project store (<output>/project.sqlite)
  int64_t previous_run_id = 0;    // the last good run before it, 0 for none
  std::string bulletin_path;      // report/bulletin.html, when estimates exist
  std::string output_dir;
  double seconds = 0;
};

/// Run every stage on the project config at `config_path`.
Result<RunReport> RunProject(const std::string& config_path, const RunOptions& options);

/// Return a human-readable summary: per source rows read, accepted, rejected
/// and the top reject reasons; then where the outputs are.
std::string FormatRunReport(const RunReport& report);

struct DemoOptions {
  std::string dir = "demo";  // generated county and outputs go here
  int64_t persons = 100000;
  uint64_t seed = 1;
  int months = 3;            // monthly runs, the last ending 2026-10
  std::string lang = "zh";
  std::function<void(std::string_view)> progress;  // as RunOptions::progress
};

/// Generate a synthetic county month by month into `dir/<YYYY-MM>/` and run the
/// pipeline on each into one output folder `dir/out/` (one project store), so the
/// last bulletin shows the trend and the progress since the month before. The
/// county's staff improve their data month by month: the generator's error rates
/// fall by a fifth each month. Returns the last month's report.
Result<RunReport> RunDemo(const DemoOptions& options);

}  // namespace vitalink::pipeline
