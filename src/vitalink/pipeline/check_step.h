// The check step of the pipeline: run each source's rule files (the shipped
// rules/<role>.toml unless [check.rules] says otherwise), write
// check/findings.csv, check/summary.json and, with truth, check/metrics.json.
//
//   VL_ASSIGN_OR_RETURN(CheckStep step, RunCheckStep(config, ingest, truth, out_dir));
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vitalink/check/findings.h"
#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/ingest/truth.h"

namespace vitalink::pipeline {

struct CheckSettings {
  /// Rule files per role; a role absent here uses <rules dir>/<role>.toml if it exists.
  std::map<std::string, std::vector<std::string>> rules;
  /// today() in rules; "" = the system date (outputs then depend on the day).
  std::string run_date;
  /// Reliability weights for error localization (field → weight, default 1).
  std::map<std::string, double, std::less<>> weights;
  int threads = 0;
};

/// Parse the [check] section (absent: defaults).
Result<CheckSettings> ParseCheckSettings(const ingest::ProjectConfig& config);

/// Return the directory of the shipped rule files: $VITALINK_RULES_DIR, else the
/// source tree's rules/ compiled in, else <exe dir>/../share/vitalink/rules.
std::string DefaultRulesDir();

/// Detection of injected errors, per field and error kind (truth files only).
struct ErrorKindMetrics {
  std::string field;
  std::string kind;
  int64_t injected = 0;  // accepted records carrying this error
  int64_t detected = 0;  // … with a failed rule that reads the field
  double recall = 0;
};

struct FieldPrecision {
  std::string field;
  int64_t flagged = 0;  // accepted records with a failed rule reading the field
  int64_t correct = 0;  // … that carry an injected error in that field
  double precision = 0;
};

struct LocalizationAccuracy {
  int64_t single_error_records = 0;  // accepted, one injected error (not a duplicate), failing a rule
  int64_t named = 0;                 // … whose likely wrong fields include the injected one
  double rate = 0;
};

struct CheckStep {
  std::vector<check::CheckResult> results;  // one per source with rules, in config order
  std::vector<check::AreaSummary> areas;    // per result: rates by township and village
  std::vector<std::string> sources;         // their names
  std::vector<ErrorKindMetrics> recall;
  std::vector<FieldPrecision> precision;
  LocalizationAccuracy localization;
  double seconds = 0;
};

/// Run the checks and write their outputs into `dir` (the run's check/ folder).
Result<CheckStep> RunCheckStep(const ingest::ProjectConfig& config, const ingest::IngestResult& ingest,
                               const ingest::Truth* truth, const std::string& dir, int threads);

}  // namespace vitalink::pipeline
