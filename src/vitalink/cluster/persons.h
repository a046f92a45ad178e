// Persons: every ingested record assigned to a person, from the accepted pairs
// of all link jobs, and the accuracy of each job and of the persons when the
// truth is known. Writes link/pairs.csv, link/clusters.csv, link/model.json
// and link/metrics.json.
//
//   std::vector<link::LinkJobResult> jobs = ...;   // RunLinkJob for each [[link]]
//   VL_ASSIGN_OR_RETURN(Persons persons, BuildPersons(ingest, jobs, {}));
//   VL_RETURN_IF_ERROR(WriteLinkOutputs(out_dir, ingest, jobs, persons, truth_or_null));
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vitalink/cluster/clustering.h"
#include "vitalink/cluster/evaluate.h"
#include "vitalink/common/status.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/ingest/truth.h"
#include "vitalink/link/linker.h"

namespace vitalink::cluster {

struct PersonOptions {
  bool refuse_weak_bridges = false;
  BridgeOptions bridges;
  /// Clerical review decisions, as global record indices (offsets[source] + row).
  Constraints constraints;
};

struct Persons {
  /// Global record index = offsets[source] + row.
  std::vector<int64_t> offsets;
  std::vector<int32_t> source_of;     // per global record
  std::vector<int64_t> labels;        // dense cluster label per global record
  std::vector<std::string> person_ids;
  int64_t num_persons = 0;
  Clustering clustering;
  double seconds = 0;

  int64_t num_records() const { return static_cast<int64_t>(labels.size()); }
};

/// Cluster all ingested records using every job's pairs at or above its
/// match threshold. Jobs that ask for one-to-one make the clustering refuse
/// merges that would put two records of one source into a person unless a
/// within-source pair joined them.
Result<Persons> BuildPersons(const ingest::IngestResult& ingest,
                             std::span<const link::LinkJobResult> jobs, const PersonOptions& options);

/// Persons drawn under the linkage model's uncertainty, for the variance of
/// what is counted from them (docs/ESTIMATION.md, "Clustering uncertainty").
/// In a draw every kept pair of every job joins its two records with its match
/// probability, independently, instead of when it clears its job's threshold;
/// the accepted pairs are then clustered exactly as BuildPersons clusters
/// (one-to-one by descending weight, the review's constraints, weak bridges).
/// Draw d of seed s is the same whatever else runs, on any thread.
///
/// The pairs of the job named `held_job`, when given, keep the run's decision
/// (joined when at or above the job's threshold) in every draw: its linkage
/// errors are then accounted for elsewhere (the Ding–Fienberg adjustment).
///
///   VL_ASSIGN_OR_RETURN(PersonDraws draws, PersonDraws::Make(ingest, jobs, options));
///   VL_ASSIGN_OR_RETURN(std::vector<int64_t> labels, draws.Draw(seed, 0));
class PersonDraws {
 public:
  static Result<PersonDraws> Make(const ingest::IngestResult& ingest,
                                  std::span<const link::LinkJobResult> jobs, const PersonOptions& options,
                                  const std::string& held_job = {});
  /// Dense person labels per global record (as Persons::labels) for draw `draw`.
  Result<std::vector<int64_t>> Draw(uint64_t seed, uint64_t draw) const;
  /// Pairs whose probability is strictly between 0 and 1 (the ones a draw can flip).
  int64_t uncertain_pairs() const { return uncertain_; }

 private:
  int64_t num_records_ = 0;
  std::vector<int32_t> source_of_;
  std::vector<ScoredPair> pairs_;  // every kept pair, global indices
  ClusterOptions options_;
  Constraints constraints_;
  int64_t uncertain_ = 0;
};

struct JobMetrics {
  std::string job;
  int64_t records = 0;
  int64_t candidate_pairs = 0;
  int64_t true_pairs = 0;
  int64_t true_candidate_pairs = 0;
  double blocking_recall_ceiling = 0;
  double threshold = 0;
  PairwiseMetrics pairs;
  std::vector<ThresholdRow> by_threshold;
  ClusterMetrics clusters;  // the job's own pairs, clustered alone
};

/// Evaluate one job against its records' truth (LinkJobResult::entity).
Result<JobMetrics> EvaluateJob(const link::LinkJobResult& job);

/// Write pairs.csv, clusters.csv, model.json and metrics.json into `dir`
/// (atomically). `truth` may be null.
Status WriteLinkOutputs(const std::string& dir, const ingest::IngestResult& ingest,
                        std::span<const link::LinkJobResult> jobs, const Persons& persons,
                        const ingest::Truth* truth);

}  // namespace vitalink::cluster
