// The linkage stage entry: link jobs from the project config's [[link]]
// tables, each run as two streaming passes over its candidate pairs.
//
//   VL_ASSIGN_OR_RETURN(std::vector<LinkJobSettings> jobs, ParseLinkSettings(config));
//   for (const LinkJobSettings& job : jobs) {
//     VL_ASSIGN_OR_RETURN(LinkJobResult r, RunLinkJob(job, ingest_result));
//   }
//
// Pass 1 blocks, compares and counts agreement patterns, leaving out in each
// pair the comparisons its blocking rule decided (they agree by construction);
// u comes from random pairs, m and λ from EM over the counts, and λ is then
// rescaled from the candidate pairs to all pairs in scope, the space random-pair
// u describes. With a saved model (`model_path`) pass 1 is skipped and the
// model scores as it is. Pass 2 blocks and compares again and
// keeps the pairs whose match probability clears `keep_probability`. Pairs are
// never all held at once. Threads split blocks into chunks whose results merge
// in chunk order, so outputs do not depend on the thread count.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/link/blocking/blocker.h"
#include "vitalink/link/compare/comparison.h"
#include "vitalink/link/em/em.h"
#include "vitalink/link/em/model.h"
#include "vitalink/link/record_set.h"

namespace vitalink::link {

struct LinkJobSettings {
  std::string name;
  LinkMode mode = LinkMode::kDedupe;
  std::vector<std::string> sources;  // participating sources, in this order
  /// Per source: job column → that source's column (e.g. births: name → child_name).
  std::map<std::string, std::map<std::string, std::string>> columns;
  std::vector<BlockingRule> blocking;
  std::vector<ComparisonSpec> comparisons;
  BlockingOptions blocking_options;
  int64_t u_sample_pairs = 1'000'000;
  double initial_lambda = 0.001;
  EmOptions em;
  /// Pairs below this match probability are dropped after scoring.
  double keep_probability = 0.01;
  /// Pairs at or above this probability are matches (clustering, metrics).
  double match_threshold = 0.5;
  bool one_to_one = false;
  /// How non-matches are modelled. "random_pairs": u from random pairs for all
  /// candidates (Splink's way; λ then re-estimated over all pairs in scope).
  /// "per_rule": each blocking rule's candidates get their own u and λ, learnt
  /// by EM beside the shared m (u from random pairs as the prior) — for rules
  /// whose non-matches agree on more than the rule's keys (siblings sharing a
  /// mother's ID share the household too).
  std::string nonmatch = "random_pairs";
  /// A saved model to score with instead of training (`model` in [[link]],
  /// resolved against the config's directory): a model JSON (FsModel::ToJson)
  /// or a run's link/model.json, whose job of the same name is taken. Its
  /// comparisons and levels must be the job's. Empty: train u, m and λ.
  std::string model_path;
  /// `[link.fixed]`: parameters a statistician sets instead of estimating
  /// (Splink's fixed m/u probabilities). Per comparison (by display name) m
  /// and/or u, one value per level, "else" last; those are not trained or
  /// sampled. `lambda` fixes the prior P(match) among the job's *candidate*
  /// pairs: scoring then uses it as is (no re-estimation over all pairs), so
  /// every comparison's u must be fixed too and describe candidate non-matches
  /// (for jobs whose blocking leaves few pairs, where EM has nothing to learn
  /// from: duplicate birth reports against twins). docs/LINKAGE.md.
  std::map<std::string, std::vector<double>> fixed_m;
  std::map<std::string, std::vector<double>> fixed_u;
  std::optional<double> fixed_lambda;
  /// `cannot_link`: a condition over the pair in the rule language (l.x, r.x;
  /// docs/RULES.md) that no true match meets — two register rows with different
  /// valid ID numbers and different names are two persons, however much else
  /// they share (twins). A candidate pair meeting it is neither trained on nor
  /// kept, so no clustering joins it. Held as a one-condition custom comparison.
  std::optional<ComparisonSpec> cannot_link;
  uint64_t seed = 1;
  int threads = 0;  // 0 = all cores
};

/// Parse every [[link]] table of the config (none: an empty list). Errors name
/// the config file and, where toml++ knows it, line and column.
Result<std::vector<LinkJobSettings>> ParseLinkSettings(const ingest::ProjectConfig& config);

struct LinkedPair {
  int64_t a = 0;  // RecordSet indices, a < b
  int64_t b = 0;
  double weight = 0;
  double probability = 0;
  uint64_t pattern = 0;  // γ packed by the model shape (explains the pair)
};

struct StageSeconds {
  double records = 0;
  double blocking = 0;
  double u_sampling = 0;
  double pattern_counting = 0;
  double em = 0;
  double scoring = 0;
};

struct LinkJobResult {
  LinkJobSettings settings;
  RecordSet records;
  BlockingReport blocking;
  FsModel model;            // m from EM, u from random pairs, λ over all pairs in scope
  EmResult fit;             // EM over candidate pairs (its λ is among candidates)
  double lambda_candidates = 0;
  /// With nonmatch = "per_rule": per blocking rule, λ_r and u_r[k][l].
  std::vector<double> rule_lambda;
  std::vector<std::vector<std::vector<double>>> rule_u;
  int64_t u_pairs_sampled = 0;
  int64_t candidate_pairs = 0;
  int64_t cannot_link_pairs = 0;          // candidates refused by `cannot_link`
  std::vector<LinkedPair> pairs;          // probability >= keep_probability, canonical order
  /// With truth: the record set's entity per record (-1 unknown) and the
  /// candidate pairs that are true matches (the blocking recall ceiling's numerator).
  std::vector<int64_t> entity;
  int64_t true_candidate_pairs = -1;
  std::vector<int64_t> weight_histogram;  // candidate pairs per 1-bit weight bin
  int histogram_min_weight = -40;         // bin i covers [min + i, min + i + 1)
  StageSeconds seconds;
};

/// Run one job on the ingested sources. `truth_entity`, when given, holds the
/// true entity of every ingested row per source (ingest::Truth::entity): the
/// job then counts the true pairs among its candidates.
Result<LinkJobResult> RunLinkJob(const LinkJobSettings& settings, const ingest::IngestResult& ingest,
                                 const std::vector<std::vector<int64_t>>* truth_entity = nullptr);

/// Read the model for job `job_name` from `path`: a model JSON
/// (FsModel::ToJson) or a run's link/model.json (the job of that name).
/// IOError, ParseError, NotFound (no such job) or InvalidArgument (bad model).
Result<FsModel> LoadLinkModel(const std::string& path, const std::string& job_name);

/// Return the job's model, EM log, blocking report and chart data as JSON.
std::string LinkJobJson(const LinkJobResult& result);

}  // namespace vitalink::link
