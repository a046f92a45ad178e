// The estimate step: births of the period per township from the linked
// persons, by dual-system estimation (register × hospital births reports),
// with the matched count corrected for linkage errors (Ding & Fienberg 1994;
// docs/ESTIMATION.md, "Linkage-error adjustment in the pipeline"). The rates
// come from the register × births link job's own posteriors, or from a
// clerical review when one is given. Writes estimate/births.csv and
// estimate/summary.json with the unadjusted and the adjusted estimate.
//
//   EstimateInputs in;
//   in.link_jobs = report.link_jobs;                    // for the model's rates
//   in.reviewed_rates["births_register"] = reviewed;    // optional: overrides them
//   VL_ASSIGN_OR_RETURN(EstimateStep est, RunEstimateStep(config, ingest, persons, out_dir, in));
#pragma once

#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vitalink/cluster/persons.h"
#include "vitalink/common/status.h"
#include "vitalink/estimate/draws.h"
#include "vitalink/estimate/dual_system.h"
#include "vitalink/estimate/linkage_error.h"
#include "vitalink/estimate/loglinear.h"
#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/ingest/truth.h"
#include "vitalink/link/linker.h"

namespace vitalink::pipeline {

struct EstimateSettings {
  int32_t period_start = 0;  // days; inclusive
  int32_t period_end = 0;
  std::string register_source;  // the list whose completeness is reported
  std::string births_source;    // the second list
  std::string survey_source;    // a third list for capture histories (default: the first survey-role source)
  bool adjust_linkage = true;   // correct the matched count for linkage errors (key linkage_adjustment)
  /// Draws of the persons from the pair posteriors for the clustering
  /// uncertainty of every estimate (key linkage_draws; 0 = none).
  int linkage_draws = 40;
  bool enabled = false;         // [estimate] present
};

/// Parse [estimate] (absent: disabled). Keys: period_start, period_end
/// (YYYY-MM-DD), register (source name, default: the first register-role
/// source), births (default: the first births-role source), survey (default:
/// the first survey-role source, may be absent), linkage_adjustment ("model",
/// the default, or "none"), linkage_draws (integer 0–1000, default 40).
Result<EstimateSettings> ParseEstimateSettings(const ingest::ProjectConfig& config);

struct AreaBirths {
  std::string code;            // 9-digit township, 12-digit village; "430182" for the county row
  int64_t in_register = 0;     // n1: persons born in the period with a register record
  int64_t in_births = 0;       // n2: … with a hospital birth report
  int64_t in_both = 0;         // m* (declared by the linkage)
  int64_t only_elsewhere = 0;  // born in the period, in some other source but not the register
  /// Persons born in the period per capture history over (register, births,
  /// survey): index h = bit 0 register, bit 1 births, bit 2 survey; [0] unused.
  /// The input of a three-source log-linear estimate (estimate/loglinear.h).
  std::array<int64_t, 8> histories{};
  /// The published estimate: Chapman on the linkage-adjusted matched count
  /// when an adjustment applies (`adjusted`), else the same as `unadjusted`.
  estimate::DualSystemEstimate dse;
  estimate::DualSystemEstimate unadjusted;  // Chapman on m* as declared, profile interval
  bool adjusted = false;
  bool has_estimate = false;
  std::optional<int64_t> true_births;  // from the generator's persons.csv
  /// Clustering uncertainty: the capture histories of each draw of the persons
  /// (cluster::PersonDraws), the unadjusted Chapman estimate's spread over them,
  /// and that estimate's profile interval widened by the spread.
  std::vector<std::array<int64_t, 8>> draw_histories;
  estimate::DrawSpread draw_spread;
  estimate::Interval widened;
  /// The published estimate's spread over the draws (for an adjusted estimate,
  /// draws that keep the register × births job's decisions: Ding–Fienberg
  /// accounts for those); `dse.interval` is widened by it.
  estimate::DrawSpread published_spread;
};

/// Labels from a clerical review for one link job's pairs: (a, b) record-set
/// indices (a < b, as in LinkedPair) → match (true) or non-match (false).
using PairLabels = std::map<std::pair<int64_t, int64_t>, bool>;

/// Where the linkage-error rates of the register × births matched count came from.
struct LinkageAdjustment {
  std::string job;              // the link job between the register and births sources
  /// "model" (its posteriors), "review" (posteriors with the review's labels
  /// substituted, or rates given in EstimateInputs::reviewed_rates) or "none".
  std::string source = "none";
  estimate::LinkageErrorRates rates;
  int64_t declared_links = 0;   // births records linked to a register record (not for given rates)
  int64_t labels_used = 0;      // pairs whose review label replaced the posterior
  double expected_missed = 0;   // Σ over births-only records of P(a register partner exists)
  std::string note;             // why no adjustment, when none
  /// With truth (EstimateInputs::truth): the actual rates of the matched count,
  /// by the same definitions, for judging the estimated ones.
  std::optional<estimate::LinkageErrorRates> true_rates;
};

/// What the estimate step takes beyond the ingested and clustered records.
struct EstimateInputs {
  /// The link jobs of the run; the register × births job's pairs give the
  /// model's rates. Empty: no model rates.
  std::span<const link::LinkJobResult> link_jobs;
  /// Rates per link job name given from outside (RunOptions::reviewed_rates):
  /// when the register × births job has an entry it is used as is.
  std::map<std::string, estimate::LinkageErrorRates> reviewed_rates;
  /// Review labels per link job name (from the decisions in the project store):
  /// the register × births job's labelled pairs replace their posteriors in
  /// LinkageRatesFromJob.
  std::map<std::string, PairLabels> labels;
  /// The generator's truth, when the project has one: the step then also
  /// reports the true linkage-error rates (never used for the estimate).
  const ingest::Truth* truth = nullptr;
  /// How the run clustered (review constraints, bridges): the draws of the
  /// persons for the clustering uncertainty cluster the same way.
  cluster::PersonOptions person_options;
  /// Threads for the draws (0 = all cores); the outputs do not depend on it.
  int threads = 0;
  /// Per global record (Persons::offsets[source] + row), from the follow-up outcomes
  /// (review::AppliedFollowUps); empty = none. Records staff found are no birth of the
  /// period count in no list; followed-up records make the follow-up tally in the outputs.
  std::span<const uint8_t> not_a_birth;
  std::span<const uint8_t> followed_up;
};

/// Births of the period the register lacks, and how many of them staff have followed up
/// (the rest may still be split from a register record or be no birth at all; the
/// three-list estimate is provisional until they are).
struct FollowUpTally {
  int64_t outside_register = 0;  // persons of the period with no register record
  int64_t followed_up = 0;       // … with a followed-up record among theirs
  int64_t not_a_birth = 0;       // records left out because staff found no birth
};

/// The survey as a third list, where it is one: a household survey samples
/// villages (a post-enumeration survey), so the three-source estimate covers
/// the villages it visited. A village counts as visited when the survey holds
/// at least 3 records coded to it and at least half as many as the register
/// (stray records from a wrong village code do not make a village visited).
struct SurveyDomain {
  bool has_estimate = false;
  std::vector<std::string> villages;  // 12-digit codes, sorted
  int64_t persons_seen = 0;           // births of the period seen by any list there
  std::array<int64_t, 8> histories{}; // as AreaBirths::histories, over the domain
  std::string model;                  // the AIC-chosen log-linear model, R syntax
  double estimated_births = 0;        // N̂ of that model
  estimate::Interval interval;        // its profile-likelihood interval, widened by `draw_spread`
  bool extended = false;              // boundary fit used as an extended MLE
  /// Clustering uncertainty, as for AreaBirths: histories per draw, the chosen
  /// model's estimate refitted on each, and the profile interval widened by it.
  std::vector<std::array<int64_t, 8>> draw_histories;
  estimate::DrawSpread draw_spread;
  estimate::Interval widened;
  /// Register × births only, on the same villages (Chapman, profile interval):
  /// the comparison that tests the two-list estimate with an independent list.
  estimate::DualSystemEstimate two_source;
  bool has_two_source = false;
  std::optional<int64_t> true_births;
  std::string note;                   // why no estimate, when none
};

struct EstimateStep {
  EstimateSettings settings;
  LinkageAdjustment linkage;
  SurveyDomain survey;
  /// Per person (cluster label): the lists holding it (bit 0 register, 1 births,
  /// 2 survey, 3 any other source) when it is a birth of the period, else 0 —
  /// the capture histories every estimate is built from.
  std::vector<uint8_t> person_lists;
  std::vector<AreaBirths> townships;  // by code
  /// By 12-digit code, for the bulletin's drill-down. Births whose best area
  /// code names only the township (a coarse hospital code) are in their
  /// township's row but in no village's.
  std::vector<AreaBirths> villages;
  AreaBirths county;
  FollowUpTally follow_up;  // county-wide
  double seconds = 0;
  double draws_seconds = 0;  // of which drawing the persons again (linkage_draws)
};

/// Estimate the linkage-error rates of `job` (a link between the register and
/// births sources) as they bear on the matched count m*. Per births record the
/// chance that it has a register partner is P = min(1, Σ P(match)) over its
/// pairs to register records — a labelled pair counting 1 (match) or 0
/// (non-match) instead of its posterior. Declared = births records in a person
/// with a register record; φ̂ = mean(1 − P) over them; ψ̂ = Σ P over the
/// undeclared / (Σ P declared + Σ P undeclared). Records without a pair in the
/// job give no evidence. `source` is "review" when a label settled at least one
/// pair, else "model". FailedPrecondition when the job declared no link.
Result<LinkageAdjustment> LinkageRatesFromJob(const link::LinkJobResult& job,
                                              const ingest::IngestResult& ingest,
                                              const cluster::Persons& persons,
                                              const std::string& register_source,
                                              const std::string& births_source,
                                              const PairLabels* labels = nullptr);

/// Return the true rates of the register × births matched count: φ = share
/// of births records in a person with a register record whose true person has
/// no register record at all; ψ = share of births records whose true person
/// has a register record that are in no person with a register record (of
/// those with one). FailedPrecondition without truth for the sources.
Result<estimate::LinkageErrorRates> TrueLinkageRates(const ingest::IngestResult& ingest,
                                                     const cluster::Persons& persons,
                                                     const ingest::Truth& truth,
                                                     const std::string& register_source,
                                                     const std::string& births_source);

/// Estimate births per township and for the county; write outputs into `dir`.
Result<EstimateStep> RunEstimateStep(const ingest::ProjectConfig& config,
                                     const ingest::IngestResult& ingest,
                                     const cluster::Persons& persons, const std::string& dir,
                                     const EstimateInputs& inputs = {});

}  // namespace vitalink::pipeline
