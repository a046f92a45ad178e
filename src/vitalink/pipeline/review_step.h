// The review step of a run: after linking, write what `vitalink serve` shows staff
// (link/review.json: the doubtful pairs, explained and ordered) and what the stored
// decisions did this run (link/labels.json: decisions applied, precision and recall by
// threshold among labelled pairs, linkage-error rates with labels). docs/REVIEW.md.
//
//   VL_ASSIGN_OR_RETURN(review::QueueOptions q, ParseReviewSettings(config));
//   VL_RETURN_IF_ERROR(WriteReviewOutputs(report, out_dir + "/link"));
#pragma once

#include <string>

#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"
#include "vitalink/review/queue.h"

namespace vitalink::pipeline {

struct RunReport;

/// Parse [review] (absent: defaults). Keys: low, high (the band of match probabilities
/// reviewed, default 0.05 and 0.95), max_items (default 50000).
Result<review::QueueOptions> ParseReviewSettings(const ingest::ProjectConfig& config);

/// Write review.json and labels.json into `dir`, atomically.
Status WriteReviewOutputs(const RunReport& report, const std::string& dir);

}  // namespace vitalink::pipeline
