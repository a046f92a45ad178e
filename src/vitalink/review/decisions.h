// What a run does with the clerical review decisions stored in the project: the next run
// obeys them (docs/REVIEW.md).
//
//  - ApplyDecisions: "match" → must-link, "non_match" → cannot-link in clustering (global
//    record indices of this run's ingest); "unsure" changes nothing. Decisions that name a
//    record this run did not ingest are counted and skipped (last month's record may have
//    been corrected or removed). A cannot-link between records that must-links already join
//    is dropped with a warning: the match decisions win, so clustering stays consistent.
//  - LabelMetrics: precision and recall by threshold among a job's labelled pairs.
//  - JobErrorRates: the job's false-match and missed-match rates, from its match posteriors
//    with each labelled pair's posterior replaced by its label.
//
//   VL_ASSIGN_OR_RETURN(std::vector<store::Decision> ds, db.LatestDecisions());
//   VL_ASSIGN_OR_RETURN(AppliedDecisions applied, ApplyDecisions(ds, ingest, offsets));
//   options.constraints = applied.constraints;   // cluster::BuildPersons
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vitalink/cluster/clustering.h"
#include "vitalink/common/status.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/link/linker.h"
#include "vitalink/store/store.h"

namespace vitalink::review {

struct AppliedDecisions {
  cluster::Constraints constraints;  // global record indices (offsets[source] + row)
  int64_t decisions = 0;             // live decisions read
  int64_t must_link = 0;
  int64_t cannot_link = 0;
  int64_t unsure = 0;
  int64_t unknown_records = 0;    // decisions naming a record not ingested this run
  int64_t conflicts_dropped = 0;  // cannot-links inside must-linked groups
  std::vector<std::string> warnings;
};

/// Turn decisions into clustering constraints. `offsets[s]` is the global index of source
/// s's first row (cluster::Persons::offsets). Pure: reads no store.
Result<AppliedDecisions> ApplyDecisions(std::span<const store::Decision> decisions,
                                        const ingest::IngestResult& ingest,
                                        std::span<const int64_t> offsets);

/// One labelled pair of a job, with the job's match probability for it this run (0 when the
/// pair was not among the kept pairs: below keep_probability or no longer a candidate).
struct LabelledPair {
  std::string key;
  bool match = false;
  double probability = 0;
  /// The pair in the job's record set (a < b, as LinkedPair) when this run scored
  /// it; -1 when the job kept no such pair (its probability is then 0).
  int64_t a = -1;
  int64_t b = -1;
};

struct LabelThresholdRow {
  double threshold = 0;
  int64_t true_positives = 0;
  int64_t false_positives = 0;
  int64_t false_negatives = 0;
  double precision = 0;  // NaN when nothing clears the threshold
  double recall = 0;     // NaN without labelled matches
};

struct LabelMetrics {
  std::string job;
  int64_t matches = 0;                          // labelled "match"
  int64_t non_matches = 0;                      // labelled "non_match"
  std::vector<LabelledPair> pairs;              // ordered by key
  std::vector<LabelThresholdRow> by_threshold;  // thresholds 0.05, 0.10, ..., 0.95
};

/// Return the job's labelled pairs and precision/recall by threshold among them. The
/// labelled pairs are the ones staff chose to review (near the threshold), so these are
/// rates in the doubtful band, not over all pairs.
LabelMetrics ComputeLabelMetrics(const link::LinkJobResult& job,
                                 std::span<const store::Decision> decisions);

/// A job's linkage-error rates (as estimate::LinkageErrorRates).
struct JobErrorRates {
  double false_match_rate = 0;   // φ: expected false links / declared links
  double missed_match_rate = 0;  // ψ: expected missed / expected true matches
  int64_t declared = 0;          // pairs at or above the threshold
  double expected_false = 0;
  double expected_missed = 0;
  int64_t labels_used = 0;
};

/// Return pair-level φ and ψ of the clustering the next run makes, for labels.json: a
/// declared pair (p ≥ threshold) is false with probability 1 − p, an undeclared kept pair
/// is a missed match with probability p, and a labelled pair is settled by its label
/// (linked exactly when labelled a match), so it adds no error. Without labels these are
/// the model's own estimates. (The births estimate uses the same substitution of labels
/// for posteriors at the level of births records: pipeline::LinkageRatesFromJob.)
JobErrorRates ComputeJobErrorRates(const link::LinkJobResult& job, const LabelMetrics& labels);

}  // namespace vitalink::review
