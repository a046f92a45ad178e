// The estimate step: births of the period per township from the linked
// persons, by dual-system estimation (register × hospital births reports).
// Writes estimate/births.csv and estimate/summary.json.
//
//   VL_ASSIGN_OR_RETURN(EstimateStep est, RunEstimateStep(config, ingest, persons, out_dir));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vitalink/cluster/persons.h"
#include "vitalink/common/status.h"
#include "vitalink/estimate/dual_system.h"
#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"

namespace vitalink::pipeline {

struct EstimateSettings {
  int32_t period_start = 0;  // days; inclusive
  int32_t period_end = 0;
  std::string register_source;  // the list whose completeness is reported
  std::string births_source;    // the second list
  bool enabled = false;         // [estimate] present
};

/// Parse [estimate] (absent: disabled). Keys: period_start, period_end
/// (YYYY-MM-DD), register (source name, default: the first register-role
/// source), births (default: the first births-role source).
Result<EstimateSettings> ParseEstimateSettings(const ingest::ProjectConfig& config);

struct AreaBirths {
  std::string code;            // 9-digit township code; "430182" for the county row
  int64_t in_register = 0;     // n1: persons born in the period with a register record
  int64_t in_births = 0;       // n2: … with a hospital birth report
  int64_t in_both = 0;         // m
  int64_t only_elsewhere = 0;  // born in the period, in some other source but not the register
  estimate::DualSystemEstimate dse;
  bool has_estimate = false;
  std::optional<int64_t> true_births;  // from the generator's persons.csv
};

struct EstimateStep {
  EstimateSettings settings;
  std::vector<AreaBirths> townships;  // by code
  AreaBirths county;
  double seconds = 0;
};

/// Estimate births per township and for the county; write outputs into `dir`.
Result<EstimateStep> RunEstimateStep(const ingest::ProjectConfig& config,
                                     const ingest::IngestResult& ingest,
                                     const cluster::Persons& persons, const std::string& dir);

}  // namespace vitalink::pipeline
